"""The catalogue opens in WAL mode, migrates to exactly the schema the code declares, and
keeps its search index in step with its entries."""

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import insert, inspect, text

from parlour.storage import schema as s
from parlour.storage.engine import MIGRATIONS, SCHEMA_REVISION, Catalogue


def _fts_objects(name: str | None, *_: object) -> bool:
    return not (name or "").startswith("search_fts")


def test_migrations_build_the_declared_schema(tmp_path: Path) -> None:
    catalogue = Catalogue.open(f"sqlite:///{tmp_path / 'c.db'}")
    try:
        with catalogue.write_engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "include_name": _fts_objects}
            )
            assert compare_metadata(context, s.metadata) == []
            assert set(inspect(conn).get_table_names()) >= set(s.metadata.tables)
    finally:
        catalogue.close()


def test_opening_twice_is_a_no_op_and_uses_wal(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'c.db'}"
    Catalogue.open(url).close()
    catalogue = Catalogue.open(url)
    try:
        with catalogue.reading() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert (
                conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
                == SCHEMA_REVISION
            )
    finally:
        catalogue.close()


def test_search_index_follows_inserts_updates_and_deletes(tmp_path: Path) -> None:
    catalogue = Catalogue.open(f"sqlite:///{tmp_path / 'c.db'}")
    match = text(
        "SELECT e.item_id FROM search_fts JOIN search_entries e ON e.entry_id = search_fts.rowid"
        " WHERE search_fts MATCH :q"
    )
    try:
        with catalogue.writing() as conn:
            conn.execute(
                insert(s.libraries).values(
                    id="l" * 32, name="L", kind="music", follow_symlinks=False, created_at=0
                )
            )
            conn.execute(
                insert(s.search_entries).values(
                    item_id="i" * 32,
                    kind="track",
                    library_id="l" * 32,
                    title="Blue Lagoon",
                    context="Émile Sørensen",
                    people="",
                )
            )
        with catalogue.reading() as conn:
            assert conn.execute(match, {"q": "lagoon"}).scalars().all() == ["i" * 32]
            assert conn.execute(match, {"q": "emile"}).scalars().all() == ["i" * 32]  # diacritics
            assert conn.execute(match, {"q": "lag*"}).scalars().all() == ["i" * 32]  # as-you-type
        with catalogue.writing() as conn:
            conn.execute(text("UPDATE search_entries SET title = 'Red Harbour'"))
        with catalogue.reading() as conn:
            assert conn.execute(match, {"q": "lagoon"}).scalars().all() == []
            assert conn.execute(match, {"q": "harbour"}).scalars().all() == ["i" * 32]
        with catalogue.writing() as conn:
            conn.execute(text("DELETE FROM search_entries"))
        with catalogue.reading() as conn:
            assert conn.execute(match, {"q": "harbour"}).scalars().all() == []
    finally:
        catalogue.close()


def test_a_failed_write_leaves_nothing_behind(tmp_path: Path) -> None:
    catalogue = Catalogue.open(f"sqlite:///{tmp_path / 'c.db'}")
    try:
        try:
            with catalogue.writing() as conn:
                conn.execute(
                    insert(s.libraries).values(
                        id="a" * 32, name="A", kind="music", follow_symlinks=False, created_at=0
                    )
                )
                raise RuntimeError("interrupted")
        except RuntimeError:
            pass
        with catalogue.reading() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM libraries").scalar() == 0
    finally:
        catalogue.close()


def test_the_known_schema_revision_is_alembics_head() -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(config).get_current_head() == SCHEMA_REVISION
