"""digest_deals: whether a deal was shown only as unconfirmed, so that a later confirmation shows it again
in the main list (once); unique on recipient, deal and that flag

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 00:35:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema. Deals recorded before it count as shown in the main list: never shown again."""
    with op.batch_alter_table("digest_deals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("unconfirmed", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.drop_constraint("uq_digest_deals_recipient_deal_id", type_="unique")
        batch_op.create_unique_constraint(
            "uq_digest_deals_recipient_deal_id_unconfirmed", ["recipient", "deal_id", "unconfirmed"]
        )
    with op.batch_alter_table("digest_deals", schema=None) as batch_op:
        batch_op.alter_column("unconfirmed", server_default=None)


def downgrade() -> None:
    """Downgrade schema: a deal's second row (shown again once confirmed) goes."""
    op.execute(
        "DELETE FROM digest_deals WHERE unconfirmed = false AND EXISTS (SELECT 1 FROM digest_deals AS d "
        "WHERE d.recipient = digest_deals.recipient AND d.deal_id = digest_deals.deal_id AND d.unconfirmed)"
    )
    with op.batch_alter_table("digest_deals", schema=None) as batch_op:
        batch_op.drop_constraint("uq_digest_deals_recipient_deal_id_unconfirmed", type_="unique")
        batch_op.create_unique_constraint("uq_digest_deals_recipient_deal_id", ["recipient", "deal_id"])
        batch_op.drop_column("unconfirmed")
