"""Office settings: what a signed-in user saved as the office's model settings (保存为本单位设置),
kept across restarts, over the `.env` defaults"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "office_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_office_settings")),
        sa.UniqueConstraint("name", name=op.f("uq_office_settings_name")),
    )


def downgrade() -> None:
    op.drop_table("office_settings")
