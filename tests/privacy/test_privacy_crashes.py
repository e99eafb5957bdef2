"""FT-02 kill9_during_privacy_writes: a consent record killed half-way is wholly there or
wholly absent, and an erasure whose process died after the commit is complete on disk,
canary bytes included, once the catalogue is opened again; erasing again is harmless."""

import os
import secrets
import signal
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select, text

from parlour.domain.accounts import HOST, Viewer
from parlour.storage import schema as s
from support import open_parlour

SCRIPT = Path(__file__).with_name("crash_writes.py")
TESTS = Path(__file__).resolve().parents[1]
ENV = dict(os.environ, PYTHONPATH=os.pathsep.join([str(TESTS), *sys.path]))


def _files(data: Path) -> bytes:
    return b"".join(
        path.read_bytes() for path in sorted(data.glob("catalogue.db*")) if path.is_file()
    )


def test_a_consent_write_killed_midway_is_whole_or_absent(tmp_path: Path) -> None:
    data = tmp_path / "data"
    open_parlour(data).close()
    earlier = 0  # records left by the runs before
    for kill_after in (3, 17, 41):  # decisions seen committed before the kill
        child = subprocess.Popen(
            [sys.executable, str(SCRIPT), "consents", str(data)],
            stdout=subprocess.PIPE,
            text=True,
            env=ENV,
        )
        assert child.stdout is not None
        seen = 0
        for line in child.stdout:  # bounded: the child stops at MAX_DECISIONS
            seen = int(line)
            if seen >= kill_after:
                child.send_signal(signal.SIGKILL)
                break
        child.wait(timeout=30)
        seen = max([seen, *(int(line) for line in child.stdout.read().split())])
        child.stdout.close()
        assert child.returncode == -signal.SIGKILL

        app = open_parlour(data)
        try:
            with app.catalogue.reading() as conn:
                assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
                rows = conn.execute(select(s.consent_records)).mappings().all()
            for row in rows:
                assert all(value is not None for key, value in row.items() if key != "subject_id")
                assert len(row["payload_schema_hash"]) == len(row["notice_hash"]) == 64
            state = app.consent.instance(HOST)
        finally:
            app.close()
        # This run's records: every one it reported, and at most the one it was killed in.
        assert seen <= len(rows) - earlier <= seen + 1
        assert len(state["records"]) == len(rows)
        assert state["scopes"][0]["given"] is state["records"][-1]["given"]
        earlier = len(rows)


def test_an_erasure_cut_short_by_a_crash_is_complete_after_the_restart(tmp_path: Path) -> None:
    data = tmp_path / "data"
    marker = "canary-" + secrets.token_hex(8)
    app = open_parlour(data)
    try:
        info = app.accounts.add_user(HOST, "erin", "erin-password")
        erin = Viewer(info.id, info.name, info.role, frozenset())
        app.activity.create_playlist(erin, marker, "music", marker * 3)
    finally:
        app.close()

    crashed = subprocess.run(
        [sys.executable, str(SCRIPT), "erase", str(data), "erin"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env=ENV,
    )
    assert crashed.returncode == -signal.SIGKILL, crashed.stderr
    assert marker.encode() in _files(data)  # the crash left old pages in the log

    app = open_parlour(data)  # the restart
    try:
        assert marker.encode() not in _files(data)
        with app.catalogue.reading() as conn:
            left = conn.execute(select(s.playlists.c.id).where(s.playlists.c.user_id == info.id))
            assert left.all() == []
        again = app.my_data.erase_user_category(HOST, "erin", "playlists")
        assert again["rows"] == 0  # idempotent
    finally:
        app.close()
