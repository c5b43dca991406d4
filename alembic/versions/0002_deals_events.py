"""classifications, deals, events and revisions

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 07:22:15.206545

"""

from collections.abc import Sequence

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "deals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("subtype", sa.String(length=30), nullable=True),
        sa.Column("key", sa.String(length=400), nullable=False),
        sa.Column("headline", sa.Text(), nullable=False),
        sa.Column("parties", sa.JSON(), nullable=False),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("amount", sa.Double(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("amount_usd", sa.Double(), nullable=True),
        sa.Column("round", sa.String(length=30), nullable=True),
        sa.Column("valuation", sa.Double(), nullable=True),
        sa.Column("valuation_currency", sa.String(length=3), nullable=True),
        sa.Column("product", sa.Text(), nullable=True),
        sa.Column("rumor", sa.Boolean(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("sources", sa.Integer(), nullable=False),
        sa.Column("first_reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deals")),
    )
    with op.batch_alter_table("deals", schema=None) as batch_op:
        batch_op.create_index("ix_deals_first_reported_at", ["first_reported_at"], unique=False)
        batch_op.create_index("ix_deals_type_key", ["type", "key"], unique=False)

    op.create_table(
        "classifications",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("classifier_version", sa.String(length=40), nullable=False),
        sa.Column("ai_related", sa.Boolean(), nullable=False),
        sa.Column("rumor", sa.Boolean(), nullable=False),
        sa.Column("classified_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name=op.f("fk_classifications_article_id_articles")
        ),
        sa.PrimaryKeyConstraint("article_id", name=op.f("pk_classifications")),
    )
    op.create_table(
        "deal_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("deal_id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=30), nullable=False),
        sa.Column("old", sa.Text(), nullable=True),
        sa.Column("new", sa.Text(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name=op.f("fk_deal_revisions_article_id_articles")
        ),
        sa.ForeignKeyConstraint(["deal_id"], ["deals.id"], name=op.f("fk_deal_revisions_deal_id_deals")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deal_revisions")),
    )
    with op.batch_alter_table("deal_revisions", schema=None) as batch_op:
        batch_op.create_index("ix_deal_revisions_deal_id", ["deal_id"], unique=False)

    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("deal_id", sa.Integer(), nullable=False),
        sa.Column("classifier_version", sa.String(length=40), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("subtype", sa.String(length=30), nullable=True),
        sa.Column("parties", sa.JSON(), nullable=False),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("amount", sa.Double(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("amount_usd", sa.Double(), nullable=True),
        sa.Column("round", sa.String(length=30), nullable=True),
        sa.Column("valuation", sa.Double(), nullable=True),
        sa.Column("valuation_currency", sa.String(length=3), nullable=True),
        sa.Column("product", sa.Text(), nullable=True),
        sa.Column("rumor", sa.Boolean(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("confidence", sa.Double(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], name=op.f("fk_events_article_id_articles")),
        sa.ForeignKeyConstraint(["deal_id"], ["deals.id"], name=op.f("fk_events_deal_id_deals")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
    )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_index("ix_events_article_id", ["article_id"], unique=False)
        batch_op.create_index("ix_events_deal_id", ["deal_id"], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index("ix_events_deal_id")
        batch_op.drop_index("ix_events_article_id")

    op.drop_table("events")
    with op.batch_alter_table("deal_revisions", schema=None) as batch_op:
        batch_op.drop_index("ix_deal_revisions_deal_id")

    op.drop_table("deal_revisions")
    op.drop_table("classifications")
    with op.batch_alter_table("deals", schema=None) as batch_op:
        batch_op.drop_index("ix_deals_type_key")
        batch_op.drop_index("ix_deals_first_reported_at")

    op.drop_table("deals")
