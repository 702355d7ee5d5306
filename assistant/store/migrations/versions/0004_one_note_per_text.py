"""One note per text per section: a unique key on (report, section, sha256 of the text), so two
saves of the same note at once store it once on PostgreSQL too. Notes stored twice before this
revision are merged: the first one (its author and time) is kept, the later copies removed."""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_notes = sa.table(
    "notes",
    sa.column("id", sa.Integer),
    sa.column("report_id", sa.Integer),
    sa.column("section", sa.String),
    sa.column("text", sa.Text),
    sa.column("digest", sa.String),
)


def upgrade() -> None:
    with op.batch_alter_table("notes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("digest", sa.String(length=64), nullable=True))
    conn = op.get_bind()
    seen: set[tuple[int, str, str]] = set()
    copies: list[int] = []
    rows = conn.execute(
        sa.select(_notes.c.id, _notes.c.report_id, _notes.c.section, _notes.c.text).order_by(
            _notes.c.id
        )
    ).all()
    for note_id, report_id, section, text in rows:
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        key = (report_id, section, digest)
        if key in seen:
            copies.append(note_id)
            continue
        seen.add(key)
        conn.execute(sa.update(_notes).where(_notes.c.id == note_id).values(digest=digest))
    if copies:
        conn.execute(sa.delete(_notes).where(_notes.c.id.in_(copies)))
    with op.batch_alter_table("notes", schema=None) as batch_op:
        batch_op.alter_column("digest", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(
            "uq_notes_report_section_digest", ["report_id", "section", "digest"]
        )


def downgrade() -> None:
    with op.batch_alter_table("notes", schema=None) as batch_op:
        batch_op.drop_constraint("uq_notes_report_section_digest", type_="unique")
        batch_op.drop_column("digest")
