"""Staff messages on her channel and live handoff (issue 13, items 2 and 3): delivery columns
on thread_messages, the channel address per case (thread_contacts) and handoffs.

Revision ID: 0006_loop
Revises: 0005_languages
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_loop"
down_revision = "0005_languages"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("thread_messages") as batch:
        batch.add_column(sa.Column("status", sa.String(16), nullable=False, server_default="received"))
        batch.add_column(sa.Column("via", sa.String(16), nullable=True))
        batch.add_column(sa.Column("channel_message_key", sa.String(64), nullable=True))
        batch.add_column(sa.Column("attempts", sa.Integer, nullable=False, server_default="0"))
        batch.add_column(sa.Column("error", sa.String(64), nullable=True))
        batch.add_column(sa.Column("status_at", sa.DateTime, nullable=True))
    op.create_index("ix_thread_messages_channel_message_key", "thread_messages", ["channel_message_key"])

    op.create_table(
        "thread_contacts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "registration_id", sa.Integer,
            sa.ForeignKey("registrations.id", ondelete="CASCADE", name="fk_thread_contacts_registration_id_registrations"),
            nullable=False,
        ),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("address", sa.Text, nullable=False),
        sa.Column("last_inbound_at", sa.DateTime, nullable=True),
        sa.UniqueConstraint("registration_id", name="uq_thread_contacts_registration_id"),
    )
    op.create_table(
        "handoffs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "registration_id", sa.Integer,
            sa.ForeignKey("registrations.id", ondelete="CASCADE", name="fk_handoffs_registration_id_registrations"),
            nullable=False,
        ),
        sa.Column("sender_key", sa.String(128), nullable=False),
        sa.Column("started_by", sa.String(64), nullable=False),
        sa.Column("started_at", sa.DateTime, nullable=False),
        sa.Column("ended_by", sa.String(64), nullable=True),
        sa.Column("ended_at", sa.DateTime, nullable=True),
    )
    op.create_index("ix_handoffs_registration_id", "handoffs", ["registration_id"])
    op.create_index("ix_handoffs_sender_key", "handoffs", ["sender_key"])


def downgrade() -> None:
    op.drop_table("handoffs")
    op.drop_table("thread_contacts")
    op.drop_index("ix_thread_messages_channel_message_key", "thread_messages")
    with op.batch_alter_table("thread_messages") as batch:
        for column in ("status_at", "error", "attempts", "channel_message_key", "via", "status"):
            batch.drop_column(column)
