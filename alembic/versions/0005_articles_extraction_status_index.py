"""articles: an index on extraction_status, so /metrics counts stories by outcome from the index
instead of reading every story's text

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 23:55:00

"""

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_index("ix_articles_extraction_status", "articles", ["extraction_status"])


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index("ix_articles_extraction_status", table_name="articles")
