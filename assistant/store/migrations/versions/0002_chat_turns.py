"""Chat turns: what each message of a section's conversation was (a question, its answer with
the sources cited, an instruction, the version it produced, a refusal)"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("chat_messages", schema=None) as batch_op:
        # rows written before this revision were requests and the versions they produced
        batch_op.add_column(
            sa.Column("kind", sa.String(length=20), nullable=False, server_default="message")
        )
        batch_op.add_column(sa.Column("sources", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("draft_number", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("chat_messages", schema=None) as batch_op:
        batch_op.drop_column("draft_number")
        batch_op.drop_column("sources")
        batch_op.drop_column("kind")
