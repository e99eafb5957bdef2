"""The running application as the front ends receive it: settings and the services."""

import logging
from dataclasses import dataclass, field

from parlour.library.pool import ProbePool
from parlour.privacy.egress import EgressGate
from parlour.services.accounts import AccountService
from parlour.services.activity import ActivityService
from parlour.services.app_passwords import AppPasswordService
from parlour.services.bookmarks import BookmarkService
from parlour.services.catalog import CatalogService
from parlour.services.consent import ConsentService
from parlour.services.dlna import DlnaService
from parlour.services.images import ImageService
from parlour.services.libraries import LibraryService
from parlour.services.lyrics import LyricsService
from parlour.services.media_links import MediaLinks
from parlour.services.music_api import MusicApiService
from parlour.services.my_data import MyDataService
from parlour.services.now_playing import NowPlayingService
from parlour.services.playback import PlaybackService
from parlour.services.scan_jobs import ScanJobs
from parlour.services.scanning import Scanner
from parlour.services.setup import FirstRunSetup
from parlour.services.streaming import StreamingService
from parlour.services.usage_reports import UsageReports
from parlour.services.watching import LibraryWatcher
from parlour.settings import Settings
from parlour.storage.engine import Catalogue

log = logging.getLogger(__name__)


@dataclass
class Parlour:
    """Everything a front end needs, built once by ``parlour.app.build``."""

    settings: Settings
    catalogue: Catalogue
    pool: ProbePool
    scanner: Scanner
    libraries: LibraryService
    accounts: AccountService
    app_passwords: AppPasswordService  # music apps' sign-ins (Subsonic)
    setup: FirstRunSetup
    catalog: CatalogService
    activity: ActivityService
    streaming: StreamingService
    playback: PlaybackService
    media_links: MediaLinks
    images: ImageService
    scan_jobs: ScanJobs
    watcher: LibraryWatcher
    my_data: MyDataService
    consent: ConsentService
    usage_reports: UsageReports
    egress: EgressGate  # the outbound gate this process runs under, and its counters
    # Music for the music apps (Subsonic); it needs nothing but the catalogue, so it is
    # made here rather than by every caller of the constructor.
    music: MusicApiService = field(init=False)
    lyrics: LyricsService = field(init=False)  # read beside and inside the song files
    bookmarks: BookmarkService = field(init=False)  # music apps' bookmarks and play queue
    now_playing: NowPlayingService = field(init=False)  # shown only by users who chose to
    dlna: DlnaService = field(init=False)  # the DLNA server's configuration and rules

    def __post_init__(self) -> None:
        self.music = MusicApiService(self.catalogue)
        self.lyrics = LyricsService(self.catalogue)
        self.bookmarks = BookmarkService(self.catalogue, self.music)
        self.now_playing = NowPlayingService(self.catalogue, self.music, self.my_data.now_playing)
        self.dlna = DlnaService(self.catalogue)

    def close(self) -> None:
        self.watcher.stop()
        self.pool.close()
        try:
            self.app_passwords.flush_salts()  # the last second's sign-ins
        except Exception:  # the catalogue is closed all the same
            log.exception("recording the last Subsonic salts failed")
        self.catalogue.close()
