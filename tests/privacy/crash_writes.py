"""Privacy writes that a test kills (FT-02), run as their own process.

crash_writes.py consents DATA   give and withdraw instance consent for ever, printing
                                the number of decisions committed after each one
crash_writes.py erase DATA USER erase USER's playlists, then die by SIGKILL after the
                                commit and before the checkpoint that follows it
"""

import os
import signal
import sys
from pathlib import Path

from parlour.domain.accounts import HOST
from support import open_parlour

MAX_DECISIONS = 100_000  # the test kills it long before; a bound all the same


def consents(data: Path) -> None:
    app = open_parlour(data)
    for done in range(1, MAX_DECISIONS + 1):
        app.consent.decide_instance(HOST, "instance_basics", done % 2 == 1)
        print(done, flush=True)


def erase(data: Path, user: str) -> None:
    app = open_parlour(data)

    def crash() -> bool:  # the erasure has committed; the process dies before the checkpoint
        os.kill(os.getpid(), signal.SIGKILL)
        return False

    app.catalogue.checkpoint = crash  # type: ignore[method-assign, assignment]
    app.my_data.erase_user_category(HOST, user, "playlists")


if __name__ == "__main__":
    if sys.argv[1] == "consents":
        consents(Path(sys.argv[2]))
    else:
        erase(Path(sys.argv[2]), sys.argv[3])
