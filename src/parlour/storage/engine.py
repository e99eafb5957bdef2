"""Opening the catalogue: engines, SQLite pragmas, one writer, and migrations to head."""

import logging
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Dialect, Engine, Table, create_engine, event, insert, text
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.pool import ConnectionPoolEntry

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")
# The newest migration; a test holds it equal to Alembic's head. Knowing it here lets an
# up-to-date catalogue open without loading Alembic at all (a third of start-up time).
SCHEMA_REVISION = "0013"
BUSY_TIMEOUT_MS = 15000
_CHECKPOINT_TRIES = 3  # each first waits up to busy_timeout for readers to finish


@cache
def _insert_sql(
    table: Table, columns: tuple[str, ...], dialect: Dialect
) -> tuple[str, tuple[str, ...] | None]:
    compiled = insert(table).compile(dialect=dialect, column_keys=list(columns))
    order = tuple(compiled.positiontup or ()) if compiled.positional else None
    return str(compiled), order


def insert_rows(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert many rows with one executemany straight to the driver.

    SQLAlchemy's per-row parameter processing was a third of a scan's write time at ten
    thousand rows. The SQL is still compiled by SQLAlchemy for the connection's dialect;
    values must be plain (str, int, float, bool, bytes, None) and every row must have the
    keys of the first.
    """
    if not rows:
        return
    sql, order = _insert_sql(table, tuple(rows[0]), conn.dialect)
    if order is None:
        conn.exec_driver_sql(sql, list(rows))
    else:
        conn.exec_driver_sql(sql, [tuple(row[name] for name in order) for row in rows])


def _sqlite_pragmas(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    # SQLite-only: WAL lets readers go on while the one writer writes; NORMAL sync is
    # durable at each checkpoint and never corrupts; foreign keys drive our cascades.
    dbapi_connection.isolation_level = None  # we issue BEGIN ourselves (see _begin)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA temp_store=MEMORY")
    cursor.execute("PRAGMA cache_size=-16000")
    cursor.close()


def _secure_delete(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    # Deleted rows are overwritten with zeros rather than left in free space, so that
    # erasing a user's data (privacy.erase) leaves none of it in the file. Only the
    # writer deletes; it costs a little I/O on deletes and nothing else.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def _sqlite_engine(path: Path, *, writer: bool) -> Engine:
    engine = create_engine(
        f"sqlite:///{path}",
        pool_size=1 if writer else 8,
        max_overflow=0 if writer else 8,
        # Last in, first out: a quiet server keeps reusing its warmest connection (its
        # page cache and prepared statements) instead of rotating through all eight.
        pool_use_lifo=True,
        connect_args={"check_same_thread": False, "timeout": 15},
    )
    event.listen(engine, "connect", _sqlite_pragmas)
    if writer:
        event.listen(engine, "connect", _secure_delete)
    # IMMEDIATE takes the write lock up front, so a writer never fails half-way through
    # upgrading a read transaction (which busy_timeout cannot wait out).
    begin_sql = "BEGIN IMMEDIATE" if writer else "BEGIN"

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        conn.exec_driver_sql(begin_sql)

    return engine


class Catalogue:
    """The catalogue database: pooled readers and exactly one writer at a time."""

    def __init__(self, url: str) -> None:
        self.url = url
        if url.startswith("sqlite:///"):
            path = Path(url.removeprefix("sqlite:///"))
            path.parent.mkdir(parents=True, exist_ok=True)
            self.is_sqlite = True
            self.read_engine = _sqlite_engine(path, writer=False)
            self.write_engine = _sqlite_engine(path, writer=True)
        else:
            self.is_sqlite = False
            self.read_engine = self.write_engine = create_engine(url, pool_pre_ping=True)
        self._write_lock = threading.Lock()

    @classmethod
    def open(cls, url: str) -> "Catalogue":
        """Open the catalogue at ``url`` and bring its schema to the newest version.

        A write-ahead log left by a process that died is folded into the file and
        emptied at once, so that an erasure committed just before a crash is complete on
        disk after the restart (FT-02); a log in use by a running server is left alone."""
        catalogue = cls(url)
        catalogue.migrate()
        catalogue.checkpoint(wait=False)
        return catalogue

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        """One write transaction; committed on success, rolled back on any error."""
        with self._write_lock, self.write_engine.begin() as conn:
            yield conn

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A read-only transaction with a consistent snapshot."""
        with self.read_engine.begin() as conn:
            yield conn

    def checkpoint(self, *, wait: bool = True) -> bool:
        """Copy the write-ahead log into the database file and truncate the log to
        nothing, so that old page versions (erased rows among them) are gone from both
        files; True once done. Readers in a transaction can hold it up for a while;
        without ``wait`` it gives up at once if anyone else is using the log.
        PostgreSQL has nothing to do."""
        if not self.is_sqlite:
            return True
        with self._write_lock, self.write_engine.connect() as conn:
            # The driver's connection: SQLAlchemy's would BEGIN first, and a checkpoint
            # cannot run inside a transaction.
            raw = conn.connection.driver_connection
            assert raw is not None
            if not wait:
                raw.execute("PRAGMA busy_timeout=0")
            try:
                for _ in range(_CHECKPOINT_TRIES if wait else 1):
                    busy = raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
                    if not busy:
                        return True
                    time.sleep(0.1)
            except sqlite3.OperationalError:  # locked by another process: not now, then
                return False
            finally:
                if not wait:
                    raw.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        return False

    def schema_revision(self) -> str | None:
        """The migration the catalogue is at, or None for an empty database."""
        with self.read_engine.connect() as conn:
            try:
                return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
            except (OperationalError, ProgrammingError):  # no such table: a new catalogue
                return None

    def migrate(self) -> None:
        """Bring the schema to the newest migration (Alembic runs only when needed)."""
        if self.schema_revision() == SCHEMA_REVISION:
            return
        from alembic import command  # noqa: PLC0415 - see SCHEMA_REVISION
        from alembic.config import Config  # noqa: PLC0415

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with self._write_lock, self.write_engine.connect() as conn:
            log.info("migrating catalogue to %s", SCHEMA_REVISION)
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
            conn.commit()

    def close(self) -> None:
        self.read_engine.dispose()
        if self.write_engine is not self.read_engine:
            self.write_engine.dispose()
