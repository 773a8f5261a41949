"""Initial schema: registrations, notes, audit log, staff users, processed messages.

Revision ID: 0001_initial
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None

STATUSES = ("new", "in_progress", "contacted", "closed", "unreachable", "withdrawn")
ROLES = ("staff", "admin")


def upgrade() -> None:
    op.create_table(
        "registrations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("reference", sa.String(16), nullable=False),
        sa.Column("idempotency_key", sa.String(128), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("sender_key", sa.String(128), nullable=True),
        sa.Column("name", sa.Text, nullable=True),
        sa.Column("phone", sa.Text, nullable=True),
        sa.Column("postcode", sa.Text, nullable=True),
        sa.Column("due_date", sa.Text, nullable=True),
        sa.Column("weeks_pregnant", sa.Text, nullable=True),
        sa.Column("help_areas", sa.Text, nullable=True),
        sa.Column("reachable", sa.Text, nullable=True),
        sa.Column("consent_text_version", sa.String(64), nullable=False),
        sa.Column("consent_at", sa.DateTime, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("status_changed_at", sa.DateTime, nullable=False),
        sa.Column("claimed_by", sa.String(64), nullable=True),
        sa.Column("claimed_at", sa.DateTime, nullable=True),
        sa.Column("personal_data_deleted_at", sa.DateTime, nullable=True),
        sa.UniqueConstraint("reference", name="uq_registrations_reference"),
        sa.UniqueConstraint("idempotency_key", name="uq_registrations_idempotency_key"),
        sa.CheckConstraint(f"status IN {STATUSES!r}", name="ck_registrations_status"),
    )
    op.create_index("ix_registrations_status", "registrations", ["status"])
    op.create_index("ix_registrations_sender_key", "registrations", ["sender_key"])

    op.create_table(
        "registration_notes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "registration_id",
            sa.Integer,
            sa.ForeignKey("registrations.id", ondelete="CASCADE", name="fk_registration_notes_registration_id_registrations"),
            nullable=False,
        ),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
    )
    op.create_index("ix_registration_notes_registration_id", "registration_notes", ["registration_id"])

    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("reference", sa.String(16), nullable=True),
        sa.Column("detail", sa.String(255), nullable=True),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_index("ix_audit_log_reference", "audit_log", ["reference"])

    op.create_table(
        "staff_users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("failed_attempts", sa.Integer, nullable=False),
        sa.Column("locked_until", sa.DateTime, nullable=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("last_login_at", sa.DateTime, nullable=True),
        sa.UniqueConstraint("username", name="uq_staff_users_username"),
        sa.CheckConstraint(f"role IN {ROLES!r}", name="ck_staff_users_role"),
    )

    op.create_table(
        "processed_messages",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("processed_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_processed_messages_processed_at", "processed_messages", ["processed_at"])


def downgrade() -> None:
    op.drop_table("processed_messages")
    op.drop_table("staff_users")
    op.drop_index("ix_audit_log_reference", table_name="audit_log")
    op.drop_index("ix_audit_log_at", table_name="audit_log")
    op.drop_table("audit_log")
    op.drop_table("registration_notes")
    op.drop_table("registrations")
