"""Playback decisions: the least work that plays on each device, and reasons that say why."""

from dataclasses import replace
from typing import Any

import pytest

from parlour.domain.errors import InvalidInputError
from parlour.domain.media import MediaStream, StreamType
from parlour.domain.profiles import BUILT_IN, DeviceProfile, profile_from_json
from parlour.media.decision import (
    AudioPlan,
    Decision,
    Method,
    SourceMedia,
    SubtitleChoice,
    VideoPlan,
    decide,
    label,
)

CHROMIUM = BUILT_IN["chromium"]
FIREFOX = BUILT_IN["firefox"]
SAFARI = BUILT_IN["safari"]
TV = BUILT_IN["dlna-generic"]
SUBSONIC = BUILT_IN["subsonic-generic"]
BROWSERS = [CHROMIUM, FIREFOX, SAFARI]


_H264 = MediaStream(
    index=0,
    type=StreamType.VIDEO,
    codec="h264",
    profile="High",
    level=40,
    width=1920,
    height=1080,
    bit_depth=8,
    is_default=True,
)


def h264(**changes: Any) -> MediaStream:
    return replace(_H264, **changes)


def hevc_10bit(**changes: Any) -> MediaStream:
    return h264(codec="hevc", profile="Main 10", level=153, bit_depth=10, **changes)


def audio(index: int, codec: str = "aac", channels: int | None = 2, **changes: Any) -> MediaStream:
    stream = MediaStream(index=index, type=StreamType.AUDIO, codec=codec, channels=channels)
    return replace(stream, **changes)


def video(container: str, *streams: MediaStream, bitrate: int | None = 6_000_000) -> SourceMedia:
    return SourceMedia("video", container, 5_400_000, bitrate, streams)


def music(container: str, codec: str, channels: int = 2) -> SourceMedia:
    return SourceMedia("audio", container, 240_000, 900_000, (audio(0, codec, channels),))


def mentions_device(decision: Decision, profile: DeviceProfile) -> bool:
    return any(profile.label.lower() in reason.lower() for reason in decision.reasons)


# --- direct play --------------------------------------------------------------------------


@pytest.mark.parametrize("profile", BROWSERS, ids=lambda p: p.name)
def test_h264_aac_mp4_plays_directly_in_every_browser(profile: DeviceProfile) -> None:
    decision = decide(video("mp4", h264(), audio(1, is_default=True)), profile)
    assert decision.method is Method.DIRECT
    assert decision.video == VideoPlan(0, True, 1920, 1080, 1080, None)
    assert decision.audio == (AudioPlan(1, True, "aac", 2, None, None, True),)
    assert decision.reasons == (
        f"{profile.label} plays this MP4 file as it is: H.264 video with AAC audio.",
    )
    assert (decision.subtitle, decision.burn_subtitle) == (None, False)


def test_h264_aac_mkv_plays_directly_in_chromium() -> None:
    decision = decide(video("mkv", h264(), audio(1)), CHROMIUM)
    assert decision.method is Method.DIRECT
    assert "MKV" in decision.reasons[0]


def test_h264_aac_mkv_is_remuxed_for_safari() -> None:
    decision = decide(video("mkv", h264(), audio(1)), SAFARI)
    assert decision.method is Method.REMUX
    assert decision.video is not None and decision.video.copy
    assert [a.copy for a in decision.audio] == [True]
    assert (
        decision.reasons[0]
        == "Safari cannot open MKV files, so the item is streamed as HLS instead."
    )
    assert "copied unchanged" in decision.reasons[1]


def test_a_video_without_audio_plays_directly() -> None:
    decision = decide(video("webm", h264(codec="vp9", profile="Profile 0")), FIREFOX)
    assert decision.method is Method.DIRECT
    assert decision.audio == ()


def test_a_video_without_audio_is_still_remuxed_when_the_container_is_foreign() -> None:
    decision = decide(video("mkv", h264()), SAFARI)
    assert (decision.method, decision.audio) == (Method.REMUX, ())


def test_unknown_facts_do_not_block_direct_play() -> None:
    bare = MediaStream(index=0, type=StreamType.VIDEO, codec="h264")
    decision = decide(video("mp4", bare, audio(1, channels=None), bitrate=None), TV)
    assert decision.method is Method.DIRECT
    assert decision.video is not None and decision.video.max_height == TV.max_height
    assert decision.audio[0].channels == 2


# --- audio ---------------------------------------------------------------------------------


def test_dts_in_mkv_has_its_audio_converted_on_chromium() -> None:
    decision = decide(video("mkv", h264(), audio(1, "dts", 6)), CHROMIUM)
    assert decision.method is Method.TRANSCODE_AUDIO
    assert decision.video is not None and decision.video.copy
    assert decision.audio == (AudioPlan(1, False, "aac", 6, None, None, True),)
    assert any("DTS" in r and "converted to AAC" in r for r in decision.reasons)
    assert mentions_device(decision, CHROMIUM)


def test_eight_channels_are_converted_to_at_most_six() -> None:
    decision = decide(video("mkv", h264(), audio(1, "flac", 8)), CHROMIUM)
    assert decision.method is Method.TRANSCODE_AUDIO
    assert (decision.audio[0].codec, decision.audio[0].channels) == ("aac", 6)
    assert any("8 channels, more than the 6 Chromium plays" in r for r in decision.reasons)


def test_audio_the_device_decodes_but_not_in_hls_is_converted() -> None:
    # Chromium plays FLAC files, but the server's MPEG-TS segments cannot carry FLAC to it.
    decision = decide(video("avi", h264(), audio(1, "flac")), CHROMIUM)
    assert decision.method is Method.TRANSCODE_AUDIO
    assert not decision.audio[0].copy
    assert any("only from whole files, not in HLS segments" in r for r in decision.reasons)


def test_ac3_is_copied_into_hls_for_safari_but_converted_for_firefox() -> None:
    source = video("mkv", h264(), audio(1, "ac3", 6))
    safari = decide(source, SAFARI)
    firefox = decide(source, FIREFOX)
    assert safari.method is Method.REMUX and safari.audio[0].codec == "ac3"
    assert firefox.method is Method.TRANSCODE_AUDIO and firefox.audio[0].codec == "aac"


def test_a_non_default_audio_track_needs_hls_because_a_browser_cannot_switch() -> None:
    source = video("mp4", h264(), audio(1, is_default=True), audio(2, language="fra"))
    assert decide(source, CHROMIUM).method is Method.DIRECT
    decision = decide(source, CHROMIUM, audio_index=2)
    assert decision.method is Method.REMUX
    assert [(a.stream_index, a.is_default, a.language) for a in decision.audio] == [
        (2, True, "fra"),
        (1, False, None),
    ]
    assert decision.reasons[0].startswith("Chromium cannot switch audio tracks inside a file")


def test_the_first_audio_track_is_chosen_when_none_is_flagged_default() -> None:
    source = video("mp4", h264(), audio(1), audio(2))
    assert decide(source, CHROMIUM, audio_index=1).method is Method.DIRECT
    assert decide(source, CHROMIUM, audio_index=2).method is Method.REMUX


def test_the_default_flagged_track_is_the_one_played_directly() -> None:
    source = video("mp4", h264(), audio(1, "ac3"), audio(2, is_default=True))
    decision = decide(source, CHROMIUM)
    assert decision.method is Method.DIRECT
    assert [a.stream_index for a in decision.audio] == [2]


@pytest.mark.parametrize("index", [0, 7, -1])
def test_an_audio_index_that_is_not_an_audio_stream_is_refused(index: int) -> None:
    source = video("mp4", h264(), audio(1))
    with pytest.raises(InvalidInputError, match="'audio' must be an audio stream of this item"):
        decide(source, CHROMIUM, audio_index=index)


def test_hls_carries_at_most_four_audio_tracks_chosen_first_then_by_index() -> None:
    tracks = [audio(i, "ac3" if i == 3 else "aac") for i in range(1, 7)]
    decision = decide(video("mkv", h264(), *tracks), SAFARI, audio_index=4)
    assert [a.stream_index for a in decision.audio] == [4, 1, 2, 3]
    assert [a.is_default for a in decision.audio] == [True, False, False, False]
    assert decision.method is Method.REMUX
    assert any("3 more audio tracks" in r for r in decision.reasons)


def test_an_extra_track_that_is_converted_makes_it_transcode_audio() -> None:
    source = video("mkv", h264(), audio(1), audio(2, "truehd", 8), audio(3, "unknown"))
    decision = decide(source, SAFARI)
    # A track FFmpeg cannot decode is left out rather than break the stream.
    assert [(a.stream_index, a.copy, a.codec, a.channels) for a in decision.audio] == [
        (1, True, "aac", 2),
        (2, False, "aac", 6),
    ]
    assert decision.method is Method.TRANSCODE_AUDIO
    assert any("1 of them converted to AAC" in r for r in decision.reasons)


def test_a_progressive_stream_carries_only_the_chosen_track() -> None:
    source = video("mkv", h264(), audio(1), audio(2, "dts", 6), audio(3))
    decision = decide(source, TV, audio_index=2)
    assert decision.method is Method.TRANSCODE_AUDIO
    assert decision.audio == (AudioPlan(2, False, "aac", 6, None, None, True),)
    assert mentions_device(decision, TV)


# --- video ---------------------------------------------------------------------------------


def test_hevc_10bit_mkv_is_transcoded_for_firefox() -> None:
    decision = decide(video("mkv", hevc_10bit(), audio(1)), FIREFOX)
    assert decision.method is Method.TRANSCODE
    assert decision.video is not None and not decision.video.copy
    assert decision.audio[0].copy
    assert (
        "The video is HEVC 10-bit, which Firefox cannot decode, so the video is converted to H.264."
        in decision.reasons
    )


def test_hevc_10bit_plays_from_mp4_in_safari_but_not_from_mkv() -> None:
    assert decide(video("mp4", hevc_10bit(hdr=True), audio(1)), SAFARI).method is Method.DIRECT
    decision = decide(video("mkv", hevc_10bit(), audio(1)), SAFARI)
    # MKV is not opened, and the MPEG-TS segments the server makes cannot carry HEVC.
    assert decision.method is Method.TRANSCODE
    assert any("HEVC only from whole files" in r for r in decision.reasons)


@pytest.mark.parametrize(
    ("stream", "words"),
    [
        (h264(profile="High 10", bit_depth=10), "H.264 High 10, a profile Chromium"),
        (h264(profile=None, bit_depth=10), "10-bit H.264, deeper than the 8-bit Chromium"),
        (h264(level=62), "level 6.2, above the 5.2 that Chromium decodes"),
        (h264(codec="vp9", profile="Profile 2", hdr=True), "HDR VP9, which Chromium"),
        (h264(codec="mpeg4", profile=None), "MPEG-4 Part 2 (DivX/Xvid), which Chromium cannot"),
        (h264(codec="unknown"), "could not be identified"),
    ],
)
def test_video_chromium_cannot_decode_is_transcoded_saying_why(
    stream: MediaStream, words: str
) -> None:
    decision = decide(video("mp4", stream, audio(1)), CHROMIUM)
    assert decision.method is Method.TRANSCODE
    assert any(words in r for r in decision.reasons), decision.reasons


def test_a_4k_source_is_capped_at_1080_lines_for_a_dlna_tv() -> None:
    decision = decide(video("mp4", h264(width=3840, height=2160, level=51), audio(1)), TV)
    assert decision.method is Method.TRANSCODE
    assert decision.video == VideoPlan(0, False, 3840, 2160, 1080, 20_000_000)
    assert any("scaled down to 1080 lines" in r for r in decision.reasons)
    assert any(
        "3840x2160, larger than the 1920x1080 a DLNA TV takes" in r for r in decision.reasons
    )


def test_a_wide_picture_is_capped_so_that_its_width_fits() -> None:
    scope = h264(width=3840, height=1600, level=41)
    decision = decide(video("mp4", scope, audio(1)), TV)
    # 1920 wide at 2.4:1 is 800 lines, well under the 1080 the height alone allows.
    assert decision.video is not None and decision.video.max_height == 800


def test_the_cap_is_rounded_down_to_an_even_height() -> None:
    # 1920 * 1010 / 2000 is 969.6 lines; H.264 wants an even height.
    decision = decide(video("mp4", h264(width=2000, height=1010, level=41), audio(1)), TV)
    assert decision.video is not None and decision.video.max_height == 968


def test_a_bitrate_over_the_limit_is_transcoded() -> None:
    decision = decide(video("mp4", h264(), audio(1), bitrate=45_000_000), TV)
    assert decision.method is Method.TRANSCODE
    assert decision.reasons[0].startswith(
        "The file's bitrate (45 Mbit/s) is above the 20 Mbit/s a DLNA TV takes"
    )
    assert decide(video("mp4", h264(), audio(1), bitrate=19_000_000), TV).method is Method.DIRECT


def test_a_file_without_a_video_stream_must_be_transcoded() -> None:
    decision = decide(video("mkv", audio(1)), CHROMIUM)
    assert decision.method is Method.TRANSCODE
    assert decision.video is None
    assert "no video stream" in decision.reasons[0] and mentions_device(decision, CHROMIUM)


# --- subtitles -----------------------------------------------------------------------------


def test_pgs_subtitles_are_burned_in_which_needs_a_transcode() -> None:
    pgs = SubtitleChoice("embedded", "2", "hdmv_pgs_subtitle")
    decision = decide(video("mkv", h264(), audio(1)), CHROMIUM, subtitle=pgs)
    assert (decision.method, decision.burn_subtitle, decision.subtitle) == (
        Method.TRANSCODE,
        True,
        pgs,
    )
    assert decision.video is not None and not decision.video.copy
    assert decision.reasons[0].startswith("The PGS subtitles are pictures, which Chromium cannot")


def test_srt_subtitles_are_sent_beside_a_direct_play() -> None:
    srt = SubtitleChoice("external", "41", "srt")
    decision = decide(video("mp4", h264(), audio(1)), FIREFOX, subtitle=srt)
    assert (decision.method, decision.burn_subtitle) == (Method.DIRECT, False)
    assert decision.subtitle == srt
    assert decision.reasons[-1] == "The SRT subtitles are sent beside the video as WebVTT."


def test_srt_subtitles_the_viewer_wants_burned_in_need_a_transcode() -> None:
    srt = SubtitleChoice("embedded", "2", "subrip", burn=True)
    decision = decide(video("mp4", h264(), audio(1)), FIREFOX, subtitle=srt)
    assert (decision.method, decision.burn_subtitle) == (Method.TRANSCODE, True)
    assert decision.audio[0].copy
    assert mentions_device(decision, FIREFOX)


def test_a_device_without_webvtt_has_text_subtitles_burned_in() -> None:
    srt = SubtitleChoice("external", "41", "srt")
    decision = decide(video("mp4", h264(), audio(1)), TV, subtitle=srt)
    assert (decision.method, decision.burn_subtitle) == (Method.TRANSCODE, True)
    assert decision.reasons[0].startswith("A DLNA TV cannot show subtitles beside the video")


# --- music ---------------------------------------------------------------------------------


def test_flac_plays_directly_in_chromium() -> None:
    decision = decide(music("flac", "flac"), CHROMIUM)
    assert decision.method is Method.DIRECT
    assert decision.video is None
    assert decision.audio == (AudioPlan(0, True, "flac", 2, None, None, True),)
    assert decision.reasons == ("Chromium plays this FLAC file as it is.",)


def test_aac_in_an_audio_only_mp4_plays_directly_on_a_subsonic_app() -> None:
    # The probe may store an .m4a as "mp4"; either name is the same container.
    assert decide(music("mp4", "aac"), SUBSONIC).method is Method.DIRECT
    assert decide(music("m4a", "aac"), SUBSONIC).method is Method.DIRECT


@pytest.mark.parametrize(
    ("profile", "codec"), [(FIREFOX, "opus"), (SUBSONIC, "mp3"), (SAFARI, "aac")]
)
def test_alac_is_converted_to_the_devices_music_format(profile: DeviceProfile, codec: str) -> None:
    decision = decide(music("m4a", "alac"), profile)
    expected = profile is SAFARI
    assert (decision.method is Method.DIRECT) is expected
    if not expected:
        assert decision.method is Method.TRANSCODE_AUDIO
        assert decision.audio == (AudioPlan(0, False, codec, 2, None, None, True),)
        assert decision.reasons == (
            f"{profile.label[0].upper()}{profile.label[1:]} cannot play Apple Lossless (ALAC) "
            f"audio, so the audio is converted to {label(codec)}.",
        )


def test_surround_music_is_converted_to_stereo_for_a_subsonic_app() -> None:
    decision = decide(music("flac", "flac", channels=6), SUBSONIC)
    assert decision.method is Method.TRANSCODE_AUDIO
    assert (decision.audio[0].codec, decision.audio[0].channels) == ("mp3", 2)
    assert decision.reasons[0].startswith("This FLAC file has 6 channels, more than the 2")


def test_converted_music_is_stereo_even_where_the_device_plays_surround() -> None:
    decision = decide(music("m4a", "alac", channels=6), FIREFOX)
    assert (decision.audio[0].codec, decision.audio[0].channels) == ("opus", 2)


def test_a_container_the_device_cannot_open_converts_the_music() -> None:
    decision = decide(music("ogg", "vorbis"), SUBSONIC)
    assert decision.method is Method.TRANSCODE_AUDIO
    assert decision.reasons[0].startswith("A Subsonic app cannot open Ogg files")


def test_music_takes_no_subtitles() -> None:
    with pytest.raises(InvalidInputError, match="'subtitle'"):
        decide(music("mp3", "mp3"), CHROMIUM, subtitle=SubtitleChoice("external", "1", "srt"))


# --- a client's own profile and the labels -------------------------------------------------


def test_a_custom_profile_is_named_this_device() -> None:
    custom = profile_from_json({"containers": ["mp4"], "audio_codecs": ["aac"]})
    decision = decide(video("mkv", h264(), audio(1)), custom)
    assert decision.method is Method.REMUX
    assert decision.reasons[0].startswith("This device cannot open MKV files")


def test_every_decision_gives_reasons_naming_the_device() -> None:
    sources = [
        video("mp4", h264(), audio(1)),
        video("mkv", hevc_10bit(), audio(1, "dts", 6)),
        video("avi", h264(width=3840, height=2160), audio(1, "truehd", 8)),
        music("flac", "flac"),
        music("m4a", "alac"),
    ]
    for profile in BUILT_IN.values():
        for source in sources:
            decision = decide(source, profile)
            assert decision.reasons and all(r[0].isupper() for r in decision.reasons)
            assert all(r.endswith(".") for r in decision.reasons)
            assert mentions_device(decision, profile), (profile.name, decision.reasons)


@pytest.mark.parametrize(
    ("name", "shown"),
    [("h264", "H.264"), ("ac3", "Dolby Digital (AC-3)"), ("pcm_s24le", "PCM"), ("wmv3", "WMV3")],
)
def test_codecs_are_named_as_people_know_them(name: str, shown: str) -> None:
    assert label(name) == shown
