"""app passwords for music apps (Subsonic), and the salts that signed in recently

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "app_passwords",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("label", sa.String(length=64), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("nonce", sa.LargeBinary(), nullable=False),
        sa.Column("ciphertext", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("last_used_at", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_app_passwords_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_app_passwords")),
        sa.UniqueConstraint("secret_hash", name=op.f("uq_app_passwords_secret_hash")),
    )
    op.create_index(op.f("ix_app_passwords_user_id"), "app_passwords", ["user_id"], unique=False)
    op.create_table(
        "subsonic_salts",
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("salt_hash", sa.String(length=64), nullable=False),
        sa.Column("seen_at", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_subsonic_salts_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("user_id", "salt_hash", name="uq_subsonic_salts_pair"),
    )
    op.create_index("ix_subsonic_salts_seen_at", "subsonic_salts", ["seen_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_subsonic_salts_seen_at", table_name="subsonic_salts")
    op.drop_table("subsonic_salts")
    op.drop_index(op.f("ix_app_passwords_user_id"), table_name="app_passwords")
    op.drop_table("app_passwords")
