"""digest ledger (digests, digest_deals) and deals.recorded_at

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 08:13:13.822883

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "digests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient", sa.String(length=320), nullable=False),
        sa.Column("digest_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("message_id", sa.Text(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=True),
        sa.Column("deal_count", sa.Integer(), nullable=False),
        sa.Column("window_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("window_end", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digests")),
        sa.UniqueConstraint("recipient", "digest_date", name=op.f("uq_digests_recipient_digest_date")),
    )
    with op.batch_alter_table("digests", schema=None) as batch_op:
        batch_op.create_index(
            "ix_digests_status_next_attempt_at", ["status", "next_attempt_at"], unique=False
        )

    op.create_table(
        "digest_deals",
        sa.Column("digest_id", sa.Integer(), nullable=False),
        sa.Column("deal_id", sa.Integer(), nullable=False),
        sa.Column("recipient", sa.String(length=320), nullable=False),
        sa.Column("headline", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["digest_id"], ["digests.id"], name=op.f("fk_digest_deals_digest_id_digests")
        ),
        sa.PrimaryKeyConstraint("digest_id", "deal_id", name=op.f("pk_digest_deals")),
        sa.UniqueConstraint("recipient", "deal_id", name=op.f("uq_digest_deals_recipient_deal_id")),
    )
    # Deals stored before this migration count as recorded when they were last updated.
    with op.batch_alter_table("deals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE deals SET recorded_at = updated_at")
    with op.batch_alter_table("deals", schema=None) as batch_op:
        batch_op.alter_column("recorded_at", existing_type=sa.DateTime(timezone=True), nullable=False)
        batch_op.create_index("ix_deals_recorded_at", ["recorded_at"], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("deals", schema=None) as batch_op:
        batch_op.drop_index("ix_deals_recorded_at")
        batch_op.drop_column("recorded_at")

    op.drop_table("digest_deals")
    with op.batch_alter_table("digests", schema=None) as batch_op:
        batch_op.drop_index("ix_digests_status_next_attempt_at")

    op.drop_table("digests")
