"""The composition root: Settings → catalogue → services → front ends."""

import logging
from dataclasses import dataclass

from parlour.library.pool import ProbePool
from parlour.media.ffmpeg import find_ffmpeg
from parlour.services.libraries import LibraryService
from parlour.services.scanning import Scanner
from parlour.services.watching import LibraryWatcher
from parlour.settings import Settings
from parlour.storage.engine import Catalogue

log = logging.getLogger(__name__)


@dataclass
class Parlour:
    """Everything a front end needs, built once from the settings."""

    settings: Settings
    catalogue: Catalogue
    pool: ProbePool
    scanner: Scanner
    libraries: LibraryService
    watcher: LibraryWatcher

    def close(self) -> None:
        self.watcher.stop()
        self.pool.close()
        self.catalogue.close()


def build(settings: Settings) -> Parlour:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    catalogue = Catalogue.open(settings.catalogue_url)
    pool = ProbePool(settings.scan_workers, settings.probe_timeout_s)
    scanner = Scanner(catalogue, pool, lock_path=settings.data_dir / "scan.lock")
    find_ffmpeg.cache_clear()
    return Parlour(
        settings=settings,
        catalogue=catalogue,
        pool=pool,
        scanner=scanner,
        libraries=LibraryService(catalogue),
        watcher=LibraryWatcher(scanner),
    )
