"""plays from DLNA devices, recorded against the device when the admin chooses

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-09
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("dlna_settings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("record_plays", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("play_retention_days", sa.Integer(), nullable=False, server_default="7")
        )
    op.create_table(
        "dlna_plays",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("device_id", sa.String(length=32), nullable=False),
        sa.Column("library_id", sa.String(length=32), nullable=False),
        sa.Column("item_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("played_at", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["device_id"],
            ["dlna_devices.id"],
            name=op.f("fk_dlna_plays_device_id_dlna_devices"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["library_id"],
            ["libraries.id"],
            name=op.f("fk_dlna_plays_library_id_libraries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dlna_plays")),
    )
    with op.batch_alter_table("dlna_plays", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dlna_plays_device_id"), ["device_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_dlna_plays_library_id"), ["library_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_dlna_plays_played_at"), ["played_at"], unique=False)


def downgrade() -> None:
    op.drop_table("dlna_plays")
    with op.batch_alter_table("dlna_settings", schema=None) as batch_op:
        batch_op.drop_column("play_retention_days")
        batch_op.drop_column("record_plays")
