"""The loop between the aanmeldpunt and the parent (issue 13): callback requests as a kind of
case, message threads, verification attempts.

Revision ID: 0003_parent_loop
Revises: 0002_staff_workflow
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_parent_loop"
down_revision = "0002_staff_workflow"
branch_labels = None
depends_on = None


def _has_column(table: str, column: str) -> bool:
    return column in {c["name"] for c in sa.inspect(op.get_bind()).get_columns(table)}


def upgrade() -> None:
    with op.batch_alter_table("registrations") as batch:
        # 0002_staff_workflow adds the same column; add it only when it is missing.
        if not _has_column("registrations", "kind"):
            batch.add_column(
                sa.Column("kind", sa.String(16), nullable=False, server_default="registration")
            )
        batch.add_column(sa.Column("related_reference", sa.String(16), nullable=True))

    op.create_table(
        "thread_messages",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "registration_id",
            sa.Integer,
            sa.ForeignKey("registrations.id", ondelete="CASCADE", name="fk_thread_messages_registration_id_registrations"),
            nullable=False,
        ),
        sa.Column("direction", sa.String(8), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.CheckConstraint("direction IN ('in', 'out')", name="ck_thread_messages_direction"),
    )
    op.create_index("ix_thread_messages_registration_id", "thread_messages", ["registration_id"])

    op.create_table(
        "verification_attempts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("reference", sa.String(16), nullable=False),
        sa.Column(
            "registration_id",
            sa.Integer,
            sa.ForeignKey(
                "registrations.id", ondelete="CASCADE", name="fk_verification_attempts_registration_id_registrations"
            ),
            nullable=True,
        ),
        sa.Column("sender_key", sa.String(128), nullable=False),
        sa.Column("succeeded", sa.Boolean, nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_verification_attempts_reference", "verification_attempts", ["reference"])
    op.create_index("ix_verification_attempts_registration_id", "verification_attempts", ["registration_id"])
    op.create_index("ix_verification_attempts_sender_key", "verification_attempts", ["sender_key"])
    op.create_index("ix_verification_attempts_at", "verification_attempts", ["at"])


def downgrade() -> None:
    op.drop_table("verification_attempts")
    op.drop_table("thread_messages")
    with op.batch_alter_table("registrations") as batch:
        batch.drop_column("related_reference")
        # The kind column belongs to 0002_staff_workflow once that is the down revision.
        if down_revision == "0001_initial":
            batch.drop_column("kind")
