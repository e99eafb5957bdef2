"""The privacy rules about a user's own data: every table holding data about people is
declared (inventory) and exported, and the erase and retention rules say what they should."""

import csv
import io
from pathlib import Path

import pytest
from sqlalchemy import Column, ForeignKey, Integer, MetaData, String, Table

from parlour.domain.errors import ConflictError, InvalidInputError, NotFoundError
from parlour.privacy import export, inventory
from parlour.privacy.erase import ERASABLE, check_account_erasure, erasable
from parlour.privacy.inventory import Category
from parlour.privacy.retention import (
    DAY_S,
    check_retention_days,
    history_cutoff,
    may_record_play,
)
from parlour.storage import schema as s
from parlour.storage.my_data_store import PrivacyChoices, personal_tables


def test_the_schema_walk_finds_the_tables_that_hold_data_about_users() -> None:
    found = personal_tables()
    assert {"users", "auth_tokens", "play_events", "playlists", "playlist_entries"} <= set(found)
    assert found["playlist_entries"] is not None
    assert found["playlist_entries"].parent == "playlists"  # reached through its playlist
    assert "tracks" not in found and "libraries" not in found


def test_every_table_holding_user_data_has_a_category() -> None:
    """A new table that refers to users fails here until the inventory says what it
    keeps, why and for how long (and docs/privacy.md gets its row)."""
    assert inventory.unclassified(personal_tables()) == []
    assert inventory.undeclared_tables(personal_tables()) == []


def test_every_column_naming_a_user_leads_to_the_users_table() -> None:
    """A user id stored without a foreign key would escape the schema walk."""
    tables = personal_tables()
    for table in s.metadata.sorted_tables:
        for column in table.columns:
            if column.name.endswith(("user_id", "owner_id")):
                assert table.name in tables, f"{table.name}.{column.name} has no foreign key"


def test_a_new_table_about_users_is_reported_unclassified() -> None:
    metadata = MetaData()
    s.users.to_metadata(metadata)
    Table(
        "watch_parties",
        metadata,
        Column("id", String(32), primary_key=True),
        Column("host_id", String(32), ForeignKey("users.id")),
    )
    Table(
        "watch_party_guests",
        metadata,
        Column("party_id", String(32), ForeignKey("watch_parties.id")),
        Column("seat", Integer),
    )
    found = personal_tables(metadata)
    assert inventory.unclassified(found) == ["watch_parties", "watch_party_guests"]
    assert inventory.inventory(found)["unclassified_tables"] == [
        "watch_parties",
        "watch_party_guests",
    ]
    assert inventory.processing_record(found)["unclassified_tables"] == [
        "watch_parties",
        "watch_party_guests",
    ]


def test_the_export_covers_every_table_holding_user_data() -> None:
    """PR-06's schema-drift guard: each personal table has a section in the export."""
    assert set(export.SECTIONS) == set(personal_tables())
    assert set(export.SECTIONS.values()) <= set(export.SCHEMA_BODY["properties"])


def test_inventory_claims_consent_records_and_states_login_events_kept_in_memory() -> None:
    categories = {c["category"]: c for c in inventory.inventory(personal_tables())["categories"]}
    assert categories["consents"]["stored_in"] == ["consent_records"]
    assert "account is deleted" in categories["consents"]["retention"]
    assert categories["login-events"]["stored_in"] == []
    assert "15 minutes" in categories["login-events"]["retention"]
    assert all(c["what"] and c["why"] and c["retention"] for c in categories.values())


def test_only_the_listed_categories_can_be_erased_alone() -> None:
    assert erasable("history") is Category.HISTORY
    assert erasable("devices") is Category.DEVICES
    for name in ("account", "grants", "consents", "", "../history", "HISTORY"):
        with pytest.raises(NotFoundError):
            erasable(name)
    assert Category.ACCOUNT not in ERASABLE


def test_the_last_admin_cannot_be_erased() -> None:
    with pytest.raises(ConflictError):
        check_account_erasure(True, 0)
    check_account_erasure(True, 1)
    check_account_erasure(False, 0)


def test_paused_history_records_no_play() -> None:
    assert may_record_play(PrivacyChoices(pause_history=False))
    assert not may_record_play(PrivacyChoices(pause_history=True))


def test_retention_cutoff_is_the_limit_before_now() -> None:
    now = 1_800_000_000
    assert history_cutoff(PrivacyChoices(), now) is None
    assert history_cutoff(PrivacyChoices(history_retention_days=30), now) == now - 30 * DAY_S


@pytest.mark.parametrize("value", [0, -1, 10**9, "30", True, 1.5, [30]])
def test_retention_limits_must_be_whole_days(value: object) -> None:
    with pytest.raises(InvalidInputError):
        check_retention_days(value)


def test_retention_limits_accept_null_and_days() -> None:
    assert check_retention_days(None) is None
    assert check_retention_days(30) == 30
    assert check_retention_days(7.0) == 7


def test_history_csv_has_a_header_and_one_row_per_play() -> None:
    plays = [
        {"item_id": "a" * 32, "kind": "track", "played_at": 0},
        {"item_id": "b" * 32, "kind": "movie", "played_at": 86400},
    ]
    rows = list(csv.reader(io.StringIO(export.history_csv(plays))))
    assert rows == [
        list(export.HISTORY_CSV_COLUMNS),
        ["1970-01-01T00:00:00Z", "0", "a" * 32, "track"],
        ["1970-01-02T00:00:00Z", "86400", "b" * 32, "movie"],
    ]


def test_docs_privacy_names_every_table_holding_user_data() -> None:
    """docs/privacy.md describes every stored datum: each personal table has a row."""
    docs = (Path(__file__).resolve().parents[3] / "docs" / "privacy.md").read_text("utf-8")
    for table in personal_tables():
        assert f"`{table}`" in docs, table
