"""The catalogue schema in SQLAlchemy Core; portable between SQLite and PostgreSQL.

Ids are opaque 32-hex strings (domain.ids.new_id). Paths are stored as bytes relative to
their root, exactly as the filesystem names them, so names that are not valid UTF-8
survive; a lossy ``name`` column holds the text to show.
"""

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)

# Deterministic constraint names so that migrations can refer to them on every backend.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

ID = String(32)


def _id() -> Column[str]:
    return Column("id", ID, primary_key=True)


def _ref(
    name: str, target: str, *, nullable: bool = False, cascade: bool = True, indexed: bool = True
) -> Column[str]:
    """A reference to another table's id. Indexed by default: SQLite's cascades and
    ``SET NULL`` scan the child table without one."""
    return Column(
        name,
        ID,
        ForeignKey(target, ondelete="CASCADE" if cascade else "SET NULL"),
        nullable=nullable,
        index=indexed,
    )


libraries = Table(
    "libraries",
    metadata,
    _id(),
    Column("name", String(200), nullable=False, unique=True),
    Column("kind", String(16), nullable=False),
    Column("follow_symlinks", Boolean, nullable=False, default=False),
    Column("created_at", BigInteger, nullable=False),  # unix seconds
    Column("last_scan_at", BigInteger),
    # A photos library's owner (an admin) may show its photos' GPS positions to the
    # people it is granted to; off by default, and never for other kinds (migration 0007).
    Column("show_photo_locations", Boolean, nullable=False, default=False, server_default=false()),
)

library_roots = Table(
    "library_roots",
    metadata,
    _id(),
    _ref("library_id", "libraries.id"),
    Column("path", Text, nullable=False, unique=True),  # absolute, resolved
)

folders = Table(
    "folders",
    metadata,
    _id(),
    _ref("library_id", "libraries.id"),
    _ref("root_id", "library_roots.id", indexed=False),
    _ref("parent_id", "folders.id", nullable=True),
    Column("rel_path", LargeBinary, nullable=False),  # b"" is the root itself
    Column("name", Text, nullable=False),
    # Set when something in the folder changed; the sidecar pass (subtitles, artwork, nfo)
    # clears it. Kept in the database so a killed scan still finishes that pass next time.
    Column("dirty", Boolean, nullable=False, default=True),
    Column("sidecar_sig", String(32)),  # digest of the sidecars' names, sizes and mtimes
    UniqueConstraint("root_id", "rel_path", name="uq_folders_root_path"),
)

media_files = Table(
    "media_files",
    metadata,
    _id(),
    _ref("library_id", "libraries.id", indexed=False),
    _ref("root_id", "library_roots.id", indexed=False),
    _ref("folder_id", "folders.id"),
    Column("rel_path", LargeBinary, nullable=False),
    Column("name", Text, nullable=False),
    Column("kind", String(8), nullable=False),  # FileKind
    Column("size", BigInteger, nullable=False),
    Column("mtime_ns", BigInteger, nullable=False),
    Column("inode", BigInteger, nullable=False),
    Column("fingerprint", String(32)),
    Column("status", String(8), nullable=False),  # "ok" | "failed"
    Column("error", Text),
    Column("container", String(32)),
    Column("duration_ms", BigInteger),
    Column("bitrate", Integer),
    Column("added_at", BigInteger, nullable=False),
    Column("scanned_at", BigInteger, nullable=False),
    UniqueConstraint("root_id", "rel_path", name="uq_media_files_root_path"),
    Index("ix_media_files_library_status", "library_id", "status"),
    Index("ix_media_files_fingerprint", "fingerprint"),
)

media_streams = Table(
    "media_streams",
    metadata,
    _ref("file_id", "media_files.id", indexed=False),
    Column("stream_index", Integer, nullable=False),
    Column("type", String(8), nullable=False),
    Column("codec", String(32), nullable=False),
    Column("profile", String(64)),
    Column("level", Integer),
    Column("language", String(16)),
    Column("title", Text),
    Column("width", Integer),
    Column("height", Integer),
    Column("frame_rate", Float),
    Column("bit_depth", Integer),
    Column("hdr", Boolean, nullable=False, default=False),
    Column("channels", Integer),
    Column("channel_layout", String(32)),
    Column("sample_rate", Integer),
    Column("bitrate", Integer),
    Column("is_default", Boolean, nullable=False, default=False),
    Column("is_forced", Boolean, nullable=False, default=False),
    UniqueConstraint("file_id", "stream_index", name="uq_media_streams_file_index"),
)

chapters = Table(
    "chapters",
    metadata,
    _ref("file_id", "media_files.id", indexed=False),
    Column("chapter_index", Integer, nullable=False),
    Column("start_ms", BigInteger, nullable=False),
    Column("end_ms", BigInteger, nullable=False),
    Column("title", Text),
    UniqueConstraint("file_id", "chapter_index", name="uq_chapters_file_index"),
)

# Sidecar subtitle files (Film.en.forced.srt) found beside a video.
external_subtitles = Table(
    "external_subtitles",
    metadata,
    _id(),
    _ref("file_id", "media_files.id"),  # the video they belong to
    _ref("root_id", "library_roots.id"),
    Column("rel_path", LargeBinary, nullable=False),
    Column("format", String(8), nullable=False),
    Column("language", String(16)),
    Column("is_forced", Boolean, nullable=False, default=False),
    Column("is_sdh", Boolean, nullable=False, default=False),
    Column("is_default", Boolean, nullable=False, default=False),
)

# Artwork by reference: an image file beside the media, a picture embedded in a media
# file, or a frame of a video. Nothing is copied into the database.
artwork = Table(
    "artwork",
    metadata,
    _id(),
    _ref("library_id", "libraries.id"),
    Column("source", String(8), nullable=False),  # "sidecar" | "embedded" | "frame"
    _ref("root_id", "library_roots.id", nullable=True),
    Column("rel_path", LargeBinary),  # sidecar only
    _ref("file_id", "media_files.id", nullable=True),  # embedded / frame
    Column("frame_ms", BigInteger),
)

genres = Table(
    "genres",
    metadata,
    _id(),
    Column("name", String(200), nullable=False, unique=True),
)

artists = Table(
    "artists",
    metadata,
    _id(),
    _ref("library_id", "libraries.id", indexed=False),
    Column("name", Text, nullable=False),
    Column("name_key", Text, nullable=False),  # casefolded, for matching
    Column("sort_name", Text, nullable=False),
    Column("mbid", String(36)),
    Column("added_at", BigInteger, nullable=False),
    UniqueConstraint("library_id", "name_key", name="uq_artists_library_key"),
    Index("ix_artists_library_name", "library_id", "sort_name", "id"),  # lists by name
)

albums = Table(
    "albums",
    metadata,
    _id(),
    _ref("library_id", "libraries.id", indexed=False),
    Column("title", Text, nullable=False),
    Column("album_key", Text, nullable=False),  # identity within the library
    Column("sort_title", Text, nullable=False),
    Column("artist_name", Text, nullable=False),  # album artist(s) as displayed
    Column("year", Integer),
    Column("date", String(10)),
    Column("compilation", Boolean, nullable=False, default=False),
    Column("mbid", String(36)),
    Column("release_group_mbid", String(36)),
    _ref("cover_id", "artwork.id", nullable=True, cascade=False),
    Column("added_at", BigInteger, nullable=False),
    UniqueConstraint("library_id", "album_key", name="uq_albums_library_key"),
    Index("ix_albums_library_title", "library_id", "sort_title", "id"),  # lists by title
)

album_artists = Table(
    "album_artists",
    metadata,
    _ref("album_id", "albums.id", indexed=False),
    _ref("artist_id", "artists.id"),
    Column("position", Integer, nullable=False),
    UniqueConstraint("album_id", "artist_id", name="uq_album_artists_pair"),
)

tracks = Table(
    "tracks",
    metadata,
    _id(),
    _ref("library_id", "libraries.id", indexed=False),
    _ref("file_id", "media_files.id", indexed=False),
    _ref("album_id", "albums.id"),
    Column("title", Text, nullable=False),
    Column("sort_title", Text, nullable=False),
    Column("artist_name", Text, nullable=False),  # track artist(s) as displayed
    Column("track_no", Integer),
    Column("track_total", Integer),
    Column("disc_no", Integer),
    Column("disc_total", Integer),
    Column("year", Integer),
    Column("date", String(10)),
    Column("duration_ms", BigInteger, nullable=False),
    Column("bitrate", Integer),
    Column("sample_rate", Integer),
    Column("channels", Integer),
    Column("bit_depth", Integer),
    Column("codec", String(32), nullable=False),
    Column("rg_track_gain", Float),
    Column("rg_track_peak", Float),
    Column("rg_album_gain", Float),
    Column("rg_album_peak", Float),
    Column("mb_recording_id", String(36)),
    Column("mb_track_id", String(36)),
    Column("has_picture", Boolean, nullable=False, default=False),
    Column("has_lyrics", Boolean, nullable=False, default=False),
    Column("added_at", BigInteger, nullable=False),
    UniqueConstraint("file_id", name="uq_tracks_file"),
    Index("ix_tracks_library_title", "library_id", "sort_title", "id"),  # lists by title
)

track_artists = Table(
    "track_artists",
    metadata,
    _ref("track_id", "tracks.id", indexed=False),
    _ref("artist_id", "artists.id"),
    Column("position", Integer, nullable=False),
    UniqueConstraint("track_id", "artist_id", name="uq_track_artists_pair"),
)

track_genres = Table(
    "track_genres",
    metadata,
    _ref("track_id", "tracks.id", indexed=False),
    _ref("genre_id", "genres.id"),
    Column("position", Integer, nullable=False),
    UniqueConstraint("track_id", "genre_id", name="uq_track_genres_pair"),
)

# Films, and the plain videos of a "videos" library.
movies = Table(
    "movies",
    metadata,
    _id(),
    _ref("library_id", "libraries.id", indexed=False),
    _ref("file_id", "media_files.id", indexed=False),
    Column("title", Text, nullable=False),
    Column("sort_title", Text, nullable=False),
    Column("original_title", Text),
    Column("year", Integer),
    Column("plot", Text),
    Column("tagline", Text),
    Column("content_rating", String(32)),
    Column("premiered", String(10)),
    _ref("poster_id", "artwork.id", nullable=True, cascade=False),
    _ref("fanart_id", "artwork.id", nullable=True, cascade=False),
    Column("added_at", BigInteger, nullable=False),
    UniqueConstraint("file_id", name="uq_movies_file"),
    Index("ix_movies_library_title", "library_id", "sort_title", "id"),  # lists by title
)

shows = Table(
    "shows",
    metadata,
    _id(),
    _ref("library_id", "libraries.id", indexed=False),
    Column("title", Text, nullable=False),
    Column("show_key", Text, nullable=False),
    Column("sort_title", Text, nullable=False),
    Column("year", Integer),
    Column("plot", Text),
    Column("content_rating", String(32)),
    _ref("folder_id", "folders.id", nullable=True, cascade=False),
    _ref("poster_id", "artwork.id", nullable=True, cascade=False),
    _ref("fanart_id", "artwork.id", nullable=True, cascade=False),
    Column("added_at", BigInteger, nullable=False),
    UniqueConstraint("library_id", "show_key", name="uq_shows_library_key"),
)

seasons = Table(
    "seasons",
    metadata,
    _id(),
    _ref("show_id", "shows.id", indexed=False),
    Column("number", Integer, nullable=False),  # 0 holds the specials
    Column("title", Text, nullable=False),
    _ref("poster_id", "artwork.id", nullable=True, cascade=False),
    Column("added_at", BigInteger, nullable=False),
    UniqueConstraint("show_id", "number", name="uq_seasons_show_number"),
)

episodes = Table(
    "episodes",
    metadata,
    _id(),
    _ref("library_id", "libraries.id"),
    _ref("file_id", "media_files.id", indexed=False),
    _ref("show_id", "shows.id", indexed=False),
    _ref("season_id", "seasons.id"),
    Column("season_number", Integer, nullable=False),
    Column("episode_number", Integer),  # None for date-based episodes
    Column("episode_end", Integer),  # last episode of a multi-episode file
    Column("air_date", String(10)),
    Column("title", Text, nullable=False),
    Column("plot", Text),
    Column("added_at", BigInteger, nullable=False),
    UniqueConstraint("file_id", name="uq_episodes_file"),
    Index("ix_episodes_show", "show_id", "season_number", "episode_number"),
)

photos = Table(
    "photos",
    metadata,
    _id(),
    _ref("library_id", "libraries.id"),
    _ref("file_id", "media_files.id", indexed=False),
    Column("title", Text, nullable=False),
    Column("format", String(16), nullable=False),
    Column("width", Integer, nullable=False),
    Column("height", Integer, nullable=False),
    Column("taken_at", String(19)),
    Column("camera_make", Text),
    Column("camera_model", Text),
    Column("orientation", Integer),
    # Location is stored but private: no query below the services returns these columns
    # unless the owner has chosen to show them.
    Column("gps_latitude", Float),
    Column("gps_longitude", Float),
    Column("gps_altitude", Float),
    Column("added_at", BigInteger, nullable=False),
    UniqueConstraint("file_id", name="uq_photos_file"),
)

# Genres of films and shows (the owner is a movies.id or shows.id).
video_genres = Table(
    "video_genres",
    metadata,
    Column("video_id", ID, nullable=False),
    _ref("genre_id", "genres.id"),
    Column("position", Integer, nullable=False),
    UniqueConstraint("video_id", "genre_id", name="uq_video_genres_pair"),
)

people = Table(
    "people",
    metadata,
    _id(),
    Column("name", Text, nullable=False, unique=True),
)

# Cast and crew of films, shows and episodes, read from .nfo files.
credits = Table(
    "credits",
    metadata,
    Column("video_id", ID, nullable=False),
    _ref("person_id", "people.id"),
    Column("role", String(16), nullable=False),  # "actor" | "director"
    Column("character", Text),
    Column("position", Integer, nullable=False),
    UniqueConstraint("video_id", "person_id", "role", name="uq_credits_entry"),
)

# One row per searchable item (artist, album, track, film, show, episode, video, photo).
# Portable; on SQLite the FTS5 table ``search_fts`` indexes it through triggers created in
# the migrations, on PostgreSQL a text-search index will.
search_entries = Table(
    "search_entries",
    metadata,
    Column("entry_id", Integer, primary_key=True, autoincrement=True),
    Column("item_id", ID, nullable=False, unique=True),
    Column("kind", String(8), nullable=False),
    _ref("library_id", "libraries.id"),
    Column("title", Text, nullable=False),
    Column("context", Text, nullable=False),  # artist / album / show names around the item
    Column("people", Text, nullable=False),  # cast and crew
)

# -- accounts ------------------------------------------------------------------------

users = Table(
    "users",
    metadata,
    _id(),
    Column("name", String(100), nullable=False),
    Column("name_key", String(100), nullable=False, unique=True),  # domain.accounts.name_key
    Column("password_hash", Text, nullable=False),  # argon2id
    Column("role", String(8), nullable=False),
    Column("disabled", Boolean, nullable=False, default=False),
    Column("max_content_rating", String(32)),
    Column("created_at", BigInteger, nullable=False),
    Column("password_changed_at", BigInteger, nullable=False),
)

# Sessions and named device tokens. Only a keyed hash of each token is stored.
auth_tokens = Table(
    "auth_tokens",
    metadata,
    _id(),
    _ref("user_id", "users.id"),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("kind", String(8), nullable=False),  # "session" | "device"
    Column("label", String(100)),
    Column("created_at", BigInteger, nullable=False),
    Column("last_used_at", BigInteger, nullable=False),
    Column("expires_at", BigInteger, nullable=False),
)

# App passwords for music apps (Subsonic, services.app_passwords): random secrets that
# Subsonic's token scheme (t = md5(secret + salt)) needs in recoverable form, so each is
# stored encrypted (AES-256-GCM under a key derived from the secrets file, a nonce per
# row, the row's id and user as associated data), with a keyed hash for OpenSubsonic's
# apiKey look-up. Never the account password.
app_passwords = Table(
    "app_passwords",
    metadata,
    _id(),
    _ref("user_id", "users.id"),
    Column("label", String(64), nullable=False),
    Column("secret_hash", String(64), nullable=False, unique=True),  # keyed hash (token key)
    Column("nonce", LargeBinary, nullable=False),  # 12 random bytes
    Column("ciphertext", LargeBinary, nullable=False),  # the secret, with its GCM tag
    Column("created_at", BigInteger, nullable=False),
    Column("last_used_at", BigInteger),  # None: never used; written at most once a minute
)

# Subsonic salts (``s``) that signed a user in during the last day, as keyed hashes: a
# salt used again by the same user within 24 hours is a replay and is refused. Older rows
# are deleted by the retention upkeep.
subsonic_salts = Table(
    "subsonic_salts",
    metadata,
    _ref("user_id", "users.id", indexed=False),
    Column("salt_hash", String(64), nullable=False),
    Column("seen_at", BigInteger, nullable=False),
    UniqueConstraint("user_id", "salt_hash", name="uq_subsonic_salts_pair"),
    Index("ix_subsonic_salts_seen_at", "seen_at"),
)

library_grants = Table(
    "library_grants",
    metadata,
    _ref("user_id", "users.id", indexed=False),
    _ref("library_id", "libraries.id"),
    UniqueConstraint("user_id", "library_id", name="uq_library_grants_pair"),
)

# -- per-user state (written only through services.activity) --------------------------
# item_id names any catalogue object (track, film, episode, photo, album, artist, show,
# season) without a foreign key, because those live in several tables; rows whose item
# is gone are invisible (every read joins the item's table) and tidied by the scanner.

user_item_state = Table(
    "user_item_state",
    metadata,
    _ref("user_id", "users.id", indexed=False),
    Column("item_id", ID, nullable=False),
    Column("kind", String(8), nullable=False),  # ItemKind
    Column("position_ms", BigInteger, nullable=False, default=0),  # resume point; 0 = none
    Column("watched", Boolean, nullable=False, default=False),
    Column("play_count", Integer, nullable=False, default=0),
    Column("last_played_at", BigInteger),
    Column("favourite_at", BigInteger),  # when it was starred; None = not a favourite
    Column("rating", Integer),  # 1..10 (five stars in halves); None = unrated
    Column("updated_at", BigInteger, nullable=False),
    UniqueConstraint("user_id", "item_id", name="uq_user_item_state_pair"),
    Index("ix_user_item_state_recent", "user_id", "kind", "updated_at"),
)

# One row per finished play: the "recently played" list and the history a user can see,
# export and erase.
play_events = Table(
    "play_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _ref("user_id", "users.id", indexed=False),
    Column("item_id", ID, nullable=False),
    Column("kind", String(8), nullable=False),
    Column("played_at", BigInteger, nullable=False),
    Index("ix_play_events_user_time", "user_id", "played_at"),
)

playlists = Table(
    "playlists",
    metadata,
    _id(),
    _ref("user_id", "users.id"),
    Column("name", String(200), nullable=False),
    Column("kind", String(8), nullable=False),  # "music" | "video"
    Column("comment", Text),
    Column("created_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
)

playlist_entries = Table(
    "playlist_entries",
    metadata,
    _id(),  # an entry, so that the same track can be in a playlist twice
    _ref("playlist_id", "playlists.id", indexed=False),
    Column("position", Integer, nullable=False),
    Column("item_id", ID, nullable=False),
    Column("added_at", BigInteger, nullable=False),
    Index("ix_playlist_entries_order", "playlist_id", "position"),
)

# The DLNA media server's configuration (domain.dlna.DlnaConfig): one row, made the
# first time it is read, holding the installation's stable device UUID.
dlna_settings = Table(
    "dlna_settings",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),  # always 1
    Column("enabled", Boolean, nullable=False),
    Column("device_uuid", String(36), nullable=False),
    Column("friendly_name", String(64), nullable=False),
    Column("port", Integer, nullable=False),
    Column("interfaces", Text, nullable=False),  # JSON list of IP addresses
    Column("allow", Text, nullable=False),  # JSON list of subnets
    Column("approval_required", Boolean, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
    # Whether plays are recorded against devices, and for how many days (migration 0011).
    Column("record_plays", Boolean, nullable=False, default=False, server_default=false()),
    Column("play_retention_days", Integer, nullable=False, default=7, server_default="7"),
)

# The libraries the network may browse over DLNA (none until the admin picks).
dlna_libraries = Table(
    "dlna_libraries",
    metadata,
    Column("library_id", ID, ForeignKey("libraries.id", ondelete="CASCADE"), primary_key=True),
)

# Devices that asked the DLNA server for something: how they named themselves, where
# from, when, and whether the admin approved them (used when approval is required).
dlna_devices = Table(
    "dlna_devices",
    metadata,
    _id(),
    Column("user_agent", String(256), nullable=False),
    Column("address", String(64), nullable=False),
    Column("first_seen", BigInteger, nullable=False),
    Column("last_seen", BigInteger, nullable=False),
    Column("approved", Boolean, nullable=False),
    UniqueConstraint("user_agent", "address", name="uq_dlna_devices_identity"),
)

# What DLNA devices played, when the admin chose to record it (off by default): against
# the device, never a person, for the admin's short retention (services.dlna_plays).
# Forgetting the device or removing the item's library takes its plays with it.
dlna_plays = Table(
    "dlna_plays",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _ref("device_id", "dlna_devices.id"),
    _ref("library_id", "libraries.id"),
    Column("item_id", ID, nullable=False),
    Column("kind", String(8), nullable=False),  # "track" | "film" | "video" | "episode"
    Column("title", Text, nullable=False),
    Column("played_at", BigInteger, nullable=False, index=True),
)

# A user's own choices about their history (services.my_data). No row: the defaults.
user_privacy = Table(
    "user_privacy",
    metadata,
    Column("user_id", ID, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("pause_history", Boolean, nullable=False, default=False),
    Column("history_retention_days", Integer),  # None: kept until the user erases it
    # Whether music apps may show other users what this user is playing (getNowPlaying);
    # off until the user turns it on (P-15).
    Column("share_now_playing", Boolean, nullable=False, default=False, server_default=false()),
    Column("updated_at", BigInteger, nullable=False),
)

# Bookmarks a music app set (Subsonic createBookmark): where the user stopped in a song
# or a video, with their own note. One per item.
bookmarks = Table(
    "bookmarks",
    metadata,
    _ref("user_id", "users.id", indexed=False),
    Column("item_id", ID, nullable=False),
    Column("position_ms", BigInteger, nullable=False),
    Column("comment", String(500)),
    Column("created_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
    UniqueConstraint("user_id", "item_id", name="uq_bookmarks_pair"),
)

# The play queue a music app saved (Subsonic savePlayQueue), so that another app can
# carry on where it stopped: the songs in order (a JSON list of ids), the one playing
# and where in it, and which app saved it. One per user.
play_queues = Table(
    "play_queues",
    metadata,
    Column("user_id", ID, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("item_ids", Text, nullable=False),
    Column("current_item_id", ID),
    Column("position_ms", BigInteger, nullable=False),
    Column("changed_by", String(64), nullable=False),
    Column("updated_at", BigInteger, nullable=False),
)

# Every consent decision ever made (services.consent): append-only, so that what was
# agreed to, and when, can be shown later (P-04). A user's rows go with their account
# (the foreign key cascades); the instance's rows (subject_id NULL) are never deleted.
# Migration 0005 adds SQLite triggers that refuse UPDATE and refuse DELETE while the
# subject still exists.
consent_records = Table(
    "consent_records",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),  # later rows: later ids
    Column("subject_kind", String(8), nullable=False),  # "instance" | "user"
    _ref("subject_id", "users.id", nullable=True, indexed=False),  # None: the instance
    Column("scope", String(32), nullable=False),
    Column("policy_version", Integer, nullable=False),
    Column("payload_schema_hash", String(64), nullable=False),
    Column("notice_hash", String(64), nullable=False),
    Column("given", Boolean, nullable=False),
    Column("channel", String(8), nullable=False),  # "api" | "cli"
    Column("recorded_at", BigInteger, nullable=False),
    Index("ix_consent_records_subject", "subject_id", "scope", "id"),
)

# Links to download a user's export (P-10): single-use, 24 hours. Only a keyed hash of
# the link's secret is stored; the document itself is made when the link is used.
export_links = Table(
    "export_links",
    metadata,
    _id(),
    _ref("user_id", "users.id"),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("format", String(8), nullable=False),  # "json" (the whole export) or "csv"
    Column("created_at", BigInteger, nullable=False),
    Column("expires_at", BigInteger, nullable=False),
)

# -- usage reports (services.usage_reports) -------------------------------------------

# Reports made under consent and waiting to go to the admin's endpoint: the exact bytes
# that will be sent. Emptied on any withdrawal; a sent report leaves the table.
usage_report_outbox = Table(
    "usage_report_outbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("created_at", BigInteger, nullable=False),
    Column("body", LargeBinary, nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", BigInteger, nullable=False),
    Column("last_error", Text),
    # Which consents the report was made under; a report whose consents have changed
    # since (withdrawn, suspended by a new policy, the account gone) is never sent.
    Column("consent_key", String(64), nullable=False),
)

# Facts about this installation that are not settings. Keys: "install_id" (made at the
# first consented send, deleted on withdrawal), "last_report_at", "reports_sent".
instance_state = Table(
    "instance_state",
    metadata,
    Column("key", String(32), primary_key=True),
    Column("value", Text, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
)
