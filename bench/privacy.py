"""My-data benchmark (PR-06, P-11): export and erase a user with many plays, against the
same rows read or deleted bare on SQLite in the same run.

    python bench/privacy.py                  # 100000 plays, in a temp dir
    python bench/privacy.py --plays 20000 --keep

Measured, each on a fresh copy of the same catalogue (page cache warm):
  export   MyDataService.export + orjson (the JSON document, every category)
  csv      MyDataService.history_csv
  erase    MyDataService.erase(history) including its checkpoint
against the floors:
  read     SELECT the user's plays with sqlite3 and orjson.dumps the tuples
  delete   DELETE the user's plays with sqlite3 (secure_delete on) and a TRUNCATE checkpoint
Targets: export under 30 s and erase under 60 s for 100000 plays (P-10, P-11).
"""

import argparse
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import orjson
from sqlalchemy import insert

from parlour.app import build
from parlour.domain.accounts import HOST, Viewer
from parlour.domain.ids import new_id
from parlour.settings import load_settings
from parlour.storage import schema as s
from report import say, source_version

EXPORT_TARGET_S = 30.0
ERASE_TARGET_S = 60.0
BATCH = 10_000
DAY = 86400


def make_catalogue(data: Path, plays: int) -> str:
    """A catalogue with one user who has ``plays`` plays over ``plays // 10`` items, a
    state row for each item, and another user with as many plays (so the queries have
    to pick). Returns the first user's name."""
    app = build(load_settings(data))
    try:
        rng = random.Random(5)
        now = int(time.time())
        for name in ("reader", "other"):
            info = app.accounts.add_user(HOST, name, name + "-bench-password")
            items = [new_id() for _ in range(max(plays // 10, 1))]
            with app.catalogue.writing() as conn:
                conn.execute(
                    insert(s.user_item_state),
                    [
                        {"user_id": info.id, "item_id": item, "kind": "track", "play_count": 10,
                         "last_played_at": now, "updated_at": now}
                        for item in items
                    ],
                )  # fmt: skip
            for start in range(0, plays, BATCH):
                rows = [
                    {"user_id": info.id, "item_id": rng.choice(items), "kind": "track",
                     "played_at": now - rng.randrange(365 * DAY)}
                    for _ in range(min(BATCH, plays - start))
                ]  # fmt: skip
                with app.catalogue.writing() as conn:
                    conn.execute(insert(s.play_events), rows)
        app.catalogue.checkpoint()
    finally:
        app.close()
    return "reader"


def timed(work: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = work()
    return time.perf_counter() - start, result


def fresh(template: Path, into: Path) -> Path:
    if into.exists():
        shutil.rmtree(into)
    shutil.copytree(template, into)
    return into


def viewer_of(app: object, name: str) -> Viewer:
    info = app.accounts.list_users(HOST)  # type: ignore[attr-defined]
    found = next(user for user in info if user.name == name)
    return Viewer(found.id, found.name, found.role, frozenset())


def parlour_side(template: Path, work: Path, name: str) -> dict[str, float]:
    found: dict[str, float] = {}
    app = build(load_settings(fresh(template, work / "p")))
    try:
        viewer = viewer_of(app, name)
        found["export"], document = timed(lambda: orjson.dumps(app.my_data.export(viewer)))
        found["export_bytes"] = float(len(document))  # type: ignore[arg-type]
        found["csv"], _ = timed(lambda: app.my_data.history_csv(viewer))
        found["erase"], erased = timed(lambda: app.my_data.erase(viewer, "history"))
        found["erased_rows"] = float(erased["rows"])  # type: ignore[index]
    finally:
        app.close()
    return found


def bare_side(template: Path, work: Path, name: str) -> dict[str, float]:
    found: dict[str, float] = {}
    data = fresh(template, work / "b")
    db = sqlite3.connect(data / "catalogue.db", isolation_level=None)
    try:
        db.execute("PRAGMA secure_delete=ON")
        (user_id,) = db.execute("SELECT id FROM users WHERE name = ?", (name,)).fetchone()
        query = (
            "SELECT item_id, kind, played_at FROM play_events WHERE user_id = ?"
            " ORDER BY played_at, id"
        )
        found["read"], _ = timed(lambda: orjson.dumps(db.execute(query, (user_id,)).fetchall()))

        def delete() -> None:
            db.execute("DELETE FROM play_events WHERE user_id = ?", (user_id,))
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

        found["delete"], _ = timed(delete)
    finally:
        db.close()
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plays", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help="keep the work dir")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="parlour-privacy-bench-"))
    try:
        template = work / "template"
        say(f"making a catalogue with {args.plays} plays per user")
        name = make_catalogue(template, args.plays)
        bare_side(template, work, name)  # warm the page cache for both sides
        ours, floor = parlour_side(template, work, name), bare_side(template, work, name)
        export_ratio = ours["export"] / floor["read"]
        erase_ratio = ours["erase"] / floor["delete"]
        lines = [
            f"source {source_version()}, {args.plays} plays, python {sys.version.split()[0]}",
            f"export JSON   {ours['export']:.2f} s ({ours['export_bytes'] / 1e6:.1f} MB)"
            f"  target < {EXPORT_TARGET_S:.0f} s",
            f"history CSV   {ours['csv']:.2f} s",
            f"bare read     {floor['read']:.2f} s   export/read = {export_ratio:.1f}",
            f"erase history {ours['erase']:.2f} s ({ours['erased_rows']:.0f} rows)"
            f"  target < {ERASE_TARGET_S:.0f} s",
            f"bare delete   {floor['delete']:.2f} s   erase/delete = {erase_ratio:.1f}",
        ]
        print("\n".join(lines))
        ok = ours["export"] < EXPORT_TARGET_S and ours["erase"] < ERASE_TARGET_S
        return 0 if ok else 1
    finally:
        if args.keep:
            say(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
