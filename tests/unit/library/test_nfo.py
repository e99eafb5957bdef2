"""Kodi .nfo parsing: the fields read, the forms tolerated and the files refused."""

import pytest

from parlour.domain.errors import InvalidInputError
from parlour.domain.media import NfoInfo
from parlour.library.nfo import parse_nfo

MOVIE = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes" ?>
<movie>
    <title>  Heat  </title>
    <originaltitle>Heat</originaltitle>
    <sorttitle>Heat 1995</sorttitle>
    <year>1995</year>
    <plot>
        A group of professional bank robbers.
    </plot>
    <outline>Short outline.</outline>
    <tagline>A Los Angeles crime saga</tagline>
    <mpaa>Rated R</mpaa>
    <premiered>1995-12-15</premiered>
    <genre>Crime / Thriller</genre>
    <genre>Drama</genre>
    <director>Michael Mann</director>
    <actor><name>Al Pacino</name><role>Vincent Hanna</role><order>0</order></actor>
    <actor><name>Robert De Niro</name></actor>
    <actor><role>Nobody</role></actor>
</movie>
"""


def test_movie_fields_are_read() -> None:
    assert parse_nfo(MOVIE) == NfoInfo(
        title="Heat",
        original_title="Heat",
        sort_title="Heat 1995",
        year=1995,
        plot="A group of professional bank robbers.",
        tagline="A Los Angeles crime saga",
        content_rating="R",
        premiered="1995-12-15",
        genres=("Crime", "Thriller", "Drama"),
        directors=("Michael Mann",),
        actors=(("Al Pacino", "Vincent Hanna"), ("Robert De Niro", None)),
    )


def test_episode_fields_and_aired_date_are_read() -> None:
    data = b"""<episodedetails>
        <title>Pilot</title><season>1</season><episode>2</episode>
        <aired>2008-01-20</aired><mpaa>US:TV-14</mpaa>
        <director>Vince Gilligan</director><director>Someone Else</director>
    </episodedetails>"""
    assert parse_nfo(data) == NfoInfo(
        title="Pilot",
        year=2008,
        content_rating="TV-14",
        premiered="2008-01-20",
        season=1,
        episode=2,
        directors=("Vince Gilligan", "Someone Else"),
    )


def test_tvshow_and_musicvideo_roots_are_accepted() -> None:
    show = parse_nfo(
        b"<tvshow><title>Breaking Bad</title><premiered>2008-01-20</premiered></tvshow>"
    )
    assert (show.title, show.year, show.premiered) == ("Breaking Bad", 2008, "2008-01-20")
    video = parse_nfo(b"<musicvideo><title>Song</title><year>1984</year></musicvideo>")
    assert (video.title, video.year) == ("Song", 1984)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"<plot></plot><outline>Only the outline.</outline>", NfoInfo(plot="Only the outline.")),
        (b"<title>   </title><tagline/>", NfoInfo()),
        (
            b"<year>0</year><premiered>2001-04-25</premiered>",
            NfoInfo(year=2001, premiered="2001-04-25"),
        ),
        (b"<year>soon</year>", NfoInfo()),
        (b"<premiered>2001-04-25 20:00:00</premiered>", NfoInfo(year=2001, premiered="2001-04-25")),
        (b"<premiered>25/04/2001</premiered>", NfoInfo()),
        (b"<season>-1</season><episode>-1</episode>", NfoInfo()),
        (b"<season>0</season><episode>3</episode>", NfoInfo(season=0, episode=3)),
        (b"<mpaa>Rated PG-13</mpaa>", NfoInfo(content_rating="PG-13")),
        (b"<mpaa>US:PG-13</mpaa>", NfoInfo(content_rating="PG-13")),
        (b"<mpaa>US:PG-13 / UK:12A</mpaa>", NfoInfo(content_rating="PG-13")),
        (b"<mpaa>rated r</mpaa>", NfoInfo(content_rating="r")),
        (b"<mpaa>TV-MA</mpaa>", NfoInfo(content_rating="TV-MA")),
        (b"<genre>Drama</genre><genre>Drama / War</genre>", NfoInfo(genres=("Drama", "War"))),
        (b"<genre></genre>", NfoInfo()),
        (b"<set><title>Not the film</title></set>", NfoInfo()),
    ],
)
def test_field_rules(body: bytes, expected: NfoInfo) -> None:
    assert parse_nfo(b"<movie>" + body + b"</movie>") == expected


def test_hybrid_nfo_ignores_the_url_after_the_root() -> None:
    data = b"<movie><title>Heat</title></movie>\nhttps://www.themoviedb.org/movie/949\n"
    assert parse_nfo(data) == NfoInfo(title="Heat")


def test_multi_episode_nfo_reads_the_first_episode() -> None:
    data = (
        b"<episodedetails><title>One</title><episode>1</episode></episodedetails>\n"
        b"<episodedetails><title>Two</title><episode>2</episode></episodedetails>\n"
    )
    assert parse_nfo(data) == NfoInfo(title="One", episode=1)


def test_bom_leading_whitespace_and_comments_are_tolerated() -> None:
    data = (
        b"\xef\xbb\xbf \r\n\t<?xml version='1.0'?>\n"
        b"<!-- by a tool -->\n<movie><title>Heat</title></movie>"
    )
    assert parse_nfo(data) == NfoInfo(title="Heat")


@pytest.mark.parametrize(
    "data",
    [
        '<?xml version="1.0" encoding="ISO-8859-1"?><movie><title>Amélie</title></movie>'.encode(
            "latin-1"
        ),
        "<movie><title>Amélie</title></movie>".encode("utf-16"),
        "<movie><title>Amélie</title></movie>".encode(),
        "<movie><title>Amélie</title></movie>".encode("cp1252"),  # undeclared legacy code page
    ],
)
def test_encodings_are_honoured(data: bytes) -> None:
    assert parse_nfo(data).title == "Amélie"


def test_one_mebibyte_is_accepted() -> None:
    head, tail = b"<movie><title>Big</title><plot>", b"</plot></movie>"
    data = head + b"x" * (1024 * 1024 - len(head) - len(tail)) + tail
    assert len(data) == 1024 * 1024
    assert parse_nfo(data).title == "Big"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"https://www.imdb.com/title/tt0113277/\n", "only a URL"),
        (b"", "empty"),
        (b" \n ", "empty"),
        (b"\x00\x01garbage", "not XML"),
        (b"Title: Heat\nYear: 1995\n", "not XML"),
        (b"<movie><title>Heat</title>", "not XML"),
        (b"<movie><title>Heat</movie></title>", "not XML"),
        (b"<movie><title>&nbsp;</title></movie>", "not XML"),
        (b"<album><title>Heat</title></album>", "root is <album>"),
        (b"<?xml version='1.0' encoding='no-such-codec'?><movie/>", "unknown encoding"),
        (b"<?xml version='1.0' encoding='utf-8'?><movie>\xff</movie>", "not valid utf-8"),
        (b"x" * (1024 * 1024 + 1), "larger than 1 MiB"),
        (b"<movie>" + b" " * (1024 * 1024) + b"</movie>", "larger than 1 MiB"),
    ],
)
def test_unusable_files_are_refused(data: bytes, reason: str) -> None:
    with pytest.raises(InvalidInputError, match=reason):
        parse_nfo(data)


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>
<movie><title>&e;</title></movie>"""

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<movie><title>&lol4;</title></movie>"""

EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE movie SYSTEM "http://example.invalid/movie.dtd">
<movie><title>Heat</title></movie>"""

PLAIN_DTD_HYBRID = b"""<!DOCTYPE movie [<!ELEMENT movie ANY>]><movie><title>Heat</title></movie>
https://www.themoviedb.org/movie/949"""


@pytest.mark.parametrize("data", [XXE, BILLION_LAUGHS, EXTERNAL_DTD, PLAIN_DTD_HYBRID])
def test_dtds_and_entities_are_refused(data: bytes) -> None:
    with pytest.raises(InvalidInputError, match="DTD, refused"):
        parse_nfo(data)
