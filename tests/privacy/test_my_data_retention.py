"""History retention with a fake clock (P-12, PR-08), and the admin's command line:
inventory, export and erase of a named user."""

import json
import time
from pathlib import Path

from sqlalchemy import select

from parlour.domain.accounts import HOST
from parlour.privacy.retention import DAY_S
from parlour.services import accounts
from parlour.services.application import Parlour
from parlour.storage import my_data_store
from parlour.storage import schema as s
from support import demo_libraries, open_parlour, run_parlour


def _catalogue_with_plays(data: Path, demo_roots: dict[str, Path]) -> tuple[Parlour, str]:
    app = open_parlour(data)
    kind, root = demo_libraries(demo_roots)["Music"]
    app.libraries.add(HOST, kind, str(root), "Music")
    assert app.scanner.scan().failures == []
    app.accounts.add_user(HOST, "alice", "alice-password")
    app.accounts.grant(HOST, "alice", ["Music"])
    return app, "alice"


def _track_ids(app: Parlour) -> list[str]:
    with app.catalogue.reading() as conn:
        return list(conn.execute(select(s.tracks.c.id).order_by(s.tracks.c.id)).scalars())


def test_retention_removes_only_plays_older_than_the_users_limit(
    tmp_path: Path, demo_roots: dict[str, Path]
) -> None:
    app, _ = _catalogue_with_plays(tmp_path / "data", demo_roots)
    try:
        _, viewer = app.accounts.login("alice", "alice-password", "127.0.0.1")
        track_ids = _track_ids(app)
        now = int(time.time())  # plays may be at most a year old; the service's clock moves
        app.activity.record_play(viewer, track_ids[0], now - 200 * DAY_S)
        app.activity.record_play(viewer, track_ids[1], now - 10 * DAY_S)
        app.activity.record_play(viewer, track_ids[2], now - 1 * DAY_S)
        clock = [now]
        app.my_data.clock = lambda: clock[0]

        # Setting a limit applies it at once: the 200-day-old play goes.
        app.my_data.set_privacy(viewer, False, 30)
        with app.catalogue.reading() as conn:
            kept = {row["item_id"] for row in my_data_store.plays(conn, viewer.user_id)}
        assert kept == {track_ids[1], track_ids[2]}

        # Three weeks on, the 10-day-old play is 31 days old; the other is 22.
        clock[0] = now + 21 * DAY_S
        assert app.my_data.apply_retention() == 1
        with app.catalogue.reading() as conn:
            kept = {row["item_id"] for row in my_data_store.plays(conn, viewer.user_id)}
            state = my_data_store.item_states(conn, viewer.user_id)
        assert kept == {track_ids[2]}
        last_played = {row["item_id"]: row["last_played_at"] for row in state}
        assert last_played[track_ids[1]] is None  # as old as the play: gone with it
        assert last_played[track_ids[2]] == now - DAY_S
        assert app.my_data.apply_retention() == 0  # nothing more to do
    finally:
        app.close()


def test_retention_removes_sign_ins_idle_past_their_limit_even_if_never_used_again(
    parlour: Parlour,
) -> None:
    """P-12 and PR-08: a browser session idle 30 days and a device idle 90 go, whether
    or not anyone presents them again; a live one stays."""
    parlour.accounts.add_user(HOST, "alice", "alice-password")
    _, viewer = parlour.accounts.login("alice", "alice-password", "127.0.0.1")
    parlour.accounts.issue_token(viewer.user_id, device="phone")
    now = int(time.time())
    clock = [now]
    parlour.my_data.clock = lambda: clock[0]

    def kinds() -> list[str]:
        with parlour.catalogue.reading() as conn:
            found = conn.execute(select(s.auth_tokens.c.kind).order_by(s.auth_tokens.c.kind))
            return list(found.scalars())

    parlour.my_data.apply_retention()
    assert kinds() == ["device", "session"]
    clock[0] = now + accounts.SESSION_IDLE_S + 60
    parlour.my_data.apply_retention()
    assert kinds() == ["device"]
    clock[0] = now + accounts.DEVICE_IDLE_S + 60
    parlour.my_data.apply_retention()
    assert kinds() == []


def test_the_admin_exports_and_erases_a_user_from_the_command_line(
    tmp_path: Path, demo_roots: dict[str, Path]
) -> None:
    data = tmp_path / "data"
    app, _ = _catalogue_with_plays(data, demo_roots)
    try:
        _, viewer = app.accounts.login("alice", "alice-password", "127.0.0.1")
        track = _track_ids(app)[0]
        app.activity.record_play(viewer, track)
    finally:
        app.close()
    out = tmp_path / "alice.json"
    result = run_parlour(
        "--data-dir", str(data), "privacy", "export", "alice", "--output", str(out)
    )
    assert result.returncode == 0, result.stderr
    document = json.loads(out.read_text())
    assert [play["item_id"] for play in document["play_history"]] == [track]
    assert out.stat().st_mode & 0o077 == 0

    erased = run_parlour(
        "--data-dir", str(data), "privacy", "erase", "alice", "--category", "history"
    )
    assert erased.returncode == 0, erased.stderr
    again = run_parlour("--data-dir", str(data), "privacy", "export", "alice")
    assert json.loads(again.stdout)["play_history"] == []

    record = run_parlour("--data-dir", str(data), "privacy", "inventory", "--json")
    assert record.returncode == 0, record.stderr
    assert json.loads(record.stdout)["unclassified_tables"] == []

    gone = run_parlour("--data-dir", str(data), "privacy", "erase", "alice")
    assert gone.returncode == 0, gone.stderr
    missing = run_parlour("--data-dir", str(data), "privacy", "export", "alice")
    assert missing.returncode == 1 and "no user named" in missing.stderr
