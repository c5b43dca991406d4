"""feed backoff: failing_since, dead, disabled_reason (410 Gone), config_url and redirects seen

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 09:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("feeds", schema=None) as batch_op:
        batch_op.add_column(sa.Column("failing_since", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("dead", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("disabled_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("config_url", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("redirect_target", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("redirect_count", sa.Integer(), nullable=False, server_default="0"))
    # stored feeds: the URL is the configured one; a failing feed has failed since its last success
    op.execute("UPDATE feeds SET config_url = url")
    op.execute("UPDATE feeds SET failing_since = COALESCE(last_success_at, created_at) WHERE error_count > 0")
    with op.batch_alter_table("feeds", schema=None) as batch_op:
        batch_op.alter_column("config_url", existing_type=sa.Text(), nullable=False)
        batch_op.alter_column("dead", server_default=None)
        batch_op.alter_column("redirect_count", server_default=None)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("feeds", schema=None) as batch_op:
        batch_op.drop_column("redirect_count")
        batch_op.drop_column("redirect_target")
        batch_op.drop_column("config_url")
        batch_op.drop_column("disabled_reason")
        batch_op.drop_column("dead")
        batch_op.drop_column("failing_since")
