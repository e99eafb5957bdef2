"""The composition root: Settings → catalogue → services → front ends."""

import os

from parlour.library.pool import ProbePool
from parlour.media.audio import TranscodeSlots
from parlour.media.hls_sessions import HlsSessions
from parlour.media.images import ImageCache
from parlour.privacy import egress
from parlour.secrets import load_secrets
from parlour.services.accounts import AccountService
from parlour.services.activity import ActivityService
from parlour.services.app_passwords import AppPasswordService
from parlour.services.application import Parlour
from parlour.services.catalog import CatalogService
from parlour.services.consent import ConsentService
from parlour.services.images import ImageService
from parlour.services.libraries import LibraryService
from parlour.services.media_links import MediaLinks
from parlour.services.my_data import MyDataService
from parlour.services.playback import PlaybackService
from parlour.services.scan_jobs import ScanJobs
from parlour.services.scanning import Scanner
from parlour.services.setup import FirstRunSetup
from parlour.services.streaming import StreamingService
from parlour.services.usage_reports import UsageReports
from parlour.services.watching import LibraryWatcher
from parlour.settings import Settings
from parlour.storage.engine import Catalogue


def build(settings: Settings) -> Parlour:
    """Open the catalogue (migrating it) and wire the services to it."""
    # First, so that nothing below (nor any command or server built on it) can reach
    # another host unless an enabled outbound feature declares it.
    gate = egress.install(settings)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    catalogue = Catalogue.open(settings.catalogue_url)
    pool = ProbePool(settings.scan_workers, settings.probe_timeout_s)
    scanner = Scanner(
        catalogue,
        pool,
        lock_path=settings.data_dir / "scan.lock",
        batch_files=settings.scan_batch_files,
    )
    secrets = load_secrets(settings.data_dir)
    accounts = AccountService(catalogue, secrets)
    slots = TranscodeSlots(settings.transcode_slots or os.cpu_count() or 1)
    playback = PlaybackService(catalogue, accounts, secrets.token_key)
    sessions = HlsSessions(
        settings.data_dir / "cache" / "hls",
        slots,
        settings.hls_cache_mb * 2**20,
        settings.ffmpeg_path,
    )
    reports = UsageReports(catalogue, gate, settings.usage_report_endpoint, slots)
    return Parlour(
        settings=settings,
        catalogue=catalogue,
        pool=pool,
        scanner=scanner,
        libraries=LibraryService(catalogue, scanner.lock, accounts.recent_viewers),
        accounts=accounts,
        app_passwords=AppPasswordService(catalogue, accounts),
        setup=FirstRunSetup(accounts),
        catalog=CatalogService(catalogue),
        activity=ActivityService(catalogue),
        streaming=StreamingService(catalogue, slots, settings.ffmpeg_path),
        playback=playback,
        media_links=MediaLinks(catalogue, playback, sessions, slots, settings.ffmpeg_path),
        images=ImageService(
            catalogue,
            ImageCache(settings.data_dir / "cache" / "images", settings.image_cache_mb * 2**20),
            settings.ffmpeg_path,
        ),
        scan_jobs=ScanJobs(scanner),
        watcher=LibraryWatcher(scanner),
        my_data=MyDataService(catalogue, accounts),
        consent=ConsentService(catalogue, reports),
        usage_reports=reports,
        egress=gate,
    )
