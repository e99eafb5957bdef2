"""music apps' state: the now-playing choice, bookmarks and saved play queues

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("user_privacy") as batch:
        batch.add_column(
            sa.Column("share_now_playing", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table(
        "bookmarks",
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("item_id", sa.String(length=32), nullable=False),
        sa.Column("position_ms", sa.BigInteger(), nullable=False),
        sa.Column("comment", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_bookmarks_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("user_id", "item_id", name="uq_bookmarks_pair"),
    )
    op.create_table(
        "play_queues",
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("item_ids", sa.Text(), nullable=False),
        sa.Column("current_item_id", sa.String(length=32), nullable=True),
        sa.Column("position_ms", sa.BigInteger(), nullable=False),
        sa.Column("changed_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_play_queues_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_play_queues")),
    )


def downgrade() -> None:
    op.drop_table("play_queues")
    op.drop_table("bookmarks")
    with op.batch_alter_table("user_privacy") as batch:
        batch.drop_column("share_now_playing")
