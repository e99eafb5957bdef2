"""Following library folders for changes (inotify through watchfiles), batched."""

import logging
import threading
from collections.abc import Callable

import watchfiles

log = logging.getLogger(__name__)

_RECHECK_MS = 5000  # how often the set of roots is looked at again


def watch_folders(
    current_roots: Callable[[], list[str]],
    on_change: Callable[[set[str]], None],
    stop: threading.Event,
) -> None:
    """Call ``on_change`` with the changed paths of each batch until ``stop`` is set.

    ``current_roots`` is asked again every few seconds, so a library added while the
    server runs is followed without a restart.
    """
    while not stop.is_set():
        roots = sorted(current_roots())
        if not roots:
            stop.wait(_RECHECK_MS / 1000)
            continue
        try:
            for changes in watchfiles.watch(
                *roots,
                stop_event=stop,
                yield_on_timeout=True,
                rust_timeout=_RECHECK_MS,
                debounce=800,
                raise_interrupt=False,
            ):
                if changes:
                    on_change({path for _change, path in changes})
                if sorted(current_roots()) != roots:
                    break
        except (OSError, RuntimeError) as exc:
            # A root vanished (an unmounted disk, say): wait and look at the roots again.
            log.warning("watching library folders failed: %s; retrying", exc)
            stop.wait(_RECHECK_MS / 1000)
