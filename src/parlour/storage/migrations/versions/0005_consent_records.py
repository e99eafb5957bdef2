"""consent records (append-only)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Append-only (P-04, PR-03): no row is ever changed, and none deleted while its subject
# exists. Erasing an account deletes the user row first; the foreign key's cascade then
# removes that user's records, and the trigger lets it because the user is gone. The
# instance's records (subject_id NULL) can never be deleted.
_TRIGGERS = (
    """
    CREATE TRIGGER consent_records_no_update BEFORE UPDATE ON consent_records
    BEGIN
        SELECT RAISE(ABORT, 'consent_records is append-only: record a new decision');
    END
    """,
    """
    CREATE TRIGGER consent_records_no_delete BEFORE DELETE ON consent_records
    WHEN OLD.subject_id IS NULL
        OR EXISTS (SELECT 1 FROM users WHERE id = OLD.subject_id)
    BEGIN
        SELECT RAISE(ABORT, 'consent_records is append-only: they go only with the account');
    END
    """,
)


def upgrade() -> None:
    op.create_table(
        "consent_records",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("subject_kind", sa.String(length=8), nullable=False),
        sa.Column("subject_id", sa.String(length=32), nullable=True),
        sa.Column("scope", sa.String(length=32), nullable=False),
        sa.Column("policy_version", sa.Integer(), nullable=False),
        sa.Column("payload_schema_hash", sa.String(length=64), nullable=False),
        sa.Column("notice_hash", sa.String(length=64), nullable=False),
        sa.Column("given", sa.Boolean(), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("recorded_at", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["subject_id"],
            ["users.id"],
            name=op.f("fk_consent_records_subject_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_records")),
    )
    op.create_index(
        "ix_consent_records_subject",
        "consent_records",
        ["subject_id", "scope", "id"],
        unique=False,
    )
    if op.get_bind().dialect.name == "sqlite":
        for trigger in _TRIGGERS:
            op.execute(trigger)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS consent_records_no_delete")
        op.execute("DROP TRIGGER IF EXISTS consent_records_no_update")
    op.drop_index("ix_consent_records_subject", table_name="consent_records")
    op.drop_table("consent_records")
