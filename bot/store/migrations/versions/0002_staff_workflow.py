"""Staff workflow: search index, queue columns, optimistic lock, call attempts, call-back fields,
server-side staff sessions, login throttling per address, notifications, drafts, roles.

Revision ID: 0002_staff_workflow
Revises: 0001_initial
Create Date: 2026-01-15

Backfill: the search index and queue columns of existing registrations are computed here
(decrypting with APP_ENCRYPTION_KEYS and hashing with SEARCH_INDEX_KEY). Rows that cannot be
decrypted are skipped with a warning; ``python -m bot.store.cli reindex`` redoes them.
Existing data is also repaired: erased cases still open become withdrawn (they were counted
as new), and withdrawals made through the chat are marked as such.
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from alembic import op

revision = "0002_staff_workflow"
down_revision = "0001_initial"
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")

OLD_ROLES = ("staff", "admin")
ROLES = ("staff", "coordinator", "admin")
OPEN = ("new", "in_progress", "contacted", "unreachable")


def upgrade() -> None:
    with op.batch_alter_table("registrations") as batch:
        batch.add_column(sa.Column("kind", sa.String(16), nullable=False, server_default="registration"))
        batch.add_column(sa.Column("language", sa.Text, nullable=True))
        batch.add_column(sa.Column("interpreter", sa.Text, nullable=True))
        batch.add_column(sa.Column("own_words", sa.Text, nullable=True))
        batch.add_column(sa.Column("phone_index", sa.String(32), nullable=True))
        batch.add_column(sa.Column("gebied", sa.String(64), nullable=True))
        batch.add_column(sa.Column("due_week", sa.Date, nullable=True))
        batch.add_column(sa.Column("help_codes", sa.String(255), nullable=True))
        batch.add_column(sa.Column("flagged", sa.Boolean, nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("flag_reasons", sa.Text, nullable=True))
        batch.add_column(sa.Column("version", sa.Integer, nullable=False, server_default="1"))
        batch.add_column(sa.Column("updated_by", sa.String(64), nullable=True))
        batch.add_column(sa.Column("close_reason", sa.String(32), nullable=True))
        batch.add_column(sa.Column("withdrawn_by", sa.String(16), nullable=True))
        batch.add_column(sa.Column("withdrawn_at", sa.DateTime, nullable=True))
        batch.add_column(sa.Column("erasure_requested_by", sa.String(64), nullable=True))
        batch.add_column(sa.Column("erasure_requested_at", sa.DateTime, nullable=True))
        batch.create_index("ix_registrations_phone_index", ["phone_index"])
        batch.create_index("ix_registrations_gebied", ["gebied"])
        batch.create_index("ix_registrations_due_week", ["due_week"])
        batch.create_index("ix_registrations_claimed_by", ["claimed_by"])
        batch.create_index("ix_registrations_status_created_at", ["status", "created_at"])

    with op.batch_alter_table("audit_log") as batch:
        batch.create_index("ix_audit_log_actor", ["actor"])

    with op.batch_alter_table("staff_users") as batch:
        batch.drop_constraint("ck_staff_users_role", type_="check")
        batch.create_check_constraint("ck_staff_users_role", f"role IN {ROLES!r}")
        batch.drop_column("failed_attempts")
        batch.drop_column("locked_until")

    op.create_table(
        "registration_search_tokens",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("registration_id", sa.Integer,
                  sa.ForeignKey("registrations.id", ondelete="CASCADE",
                                name="fk_registration_search_tokens_registration_id_registrations"),
                  nullable=False),
        sa.Column("token", sa.String(32), nullable=False),
    )
    op.create_index("ix_registration_search_tokens_registration_id", "registration_search_tokens",
                    ["registration_id"])
    op.create_index("ix_registration_search_tokens_token", "registration_search_tokens", ["token"])

    op.create_table(
        "call_attempts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("registration_id", sa.Integer,
                  sa.ForeignKey("registrations.id", ondelete="CASCADE",
                                name="fk_call_attempts_registration_id_registrations"),
                  nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("result", sa.String(16), nullable=False),
    )
    op.create_index("ix_call_attempts_registration_id", "call_attempts", ["registration_id"])

    op.create_table(
        "consent_texts",
        sa.Column("version", sa.String(64), primary_key=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("first_used_at", sa.DateTime, nullable=False),
    )

    op.create_table(
        "staff_sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.Integer,
                  sa.ForeignKey("staff_users.id", ondelete="CASCADE", name="fk_staff_sessions_user_id_staff_users"),
                  nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("last_seen_at", sa.DateTime, nullable=False),
        sa.Column("expires_at", sa.DateTime, nullable=False),
        sa.Column("revoked_at", sa.DateTime, nullable=True),
    )
    op.create_index("ix_staff_sessions_user_id", "staff_sessions", ["user_id"])

    op.create_table(
        "login_throttle",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("account_id", sa.Integer, nullable=True),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("window_start", sa.DateTime, nullable=False),
        sa.Column("locked_until", sa.DateTime, nullable=True),
    )
    op.create_index("ix_login_throttle_account_id", "login_throttle", ["account_id"])

    op.create_table(
        "staff_notifications",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("reference", sa.String(16), nullable=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("read_at", sa.DateTime, nullable=True),
    )
    op.create_index("ix_staff_notifications_username", "staff_notifications", ["username"])

    op.create_table(
        "note_drafts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer,
                  sa.ForeignKey("staff_users.id", ondelete="CASCADE", name="fk_note_drafts_user_id_staff_users"),
                  nullable=False),
        sa.Column("reference", sa.String(16), nullable=False),
        sa.Column("field", sa.String(16), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_note_drafts_user_id", "note_drafts", ["user_id"])

    _repair_states()
    _backfill()


def _repair_states() -> None:
    bind = op.get_bind()
    reg = sa.table("registrations", sa.column("id"), sa.column("reference"), sa.column("status"),
                   sa.column("personal_data_deleted_at"), sa.column("status_changed_at"),
                   sa.column("withdrawn_by"), sa.column("withdrawn_at"))
    audit = sa.table("audit_log", sa.column("action"), sa.column("reference"))
    by_client = sa.select(audit.c.reference).where(audit.c.action == "withdrawn by client")
    bind.execute(reg.update().where(reg.c.status == "withdrawn", reg.c.reference.in_(by_client))
                 .values(withdrawn_by="client", withdrawn_at=reg.c.status_changed_at))
    # Erased while still open (possible before this revision): erasure closes the case.
    bind.execute(reg.update().where(reg.c.status.in_(OPEN), reg.c.personal_data_deleted_at.is_not(None))
                 .values(status="withdrawn", withdrawn_by="staff", withdrawn_at=reg.c.personal_data_deleted_at))
    bind.execute(reg.update().where(reg.c.status == "withdrawn", reg.c.withdrawn_by.is_(None))
                 .values(withdrawn_by="staff", withdrawn_at=reg.c.status_changed_at))


def _backfill() -> None:
    from bot.store import crypto, derived
    from bot.store.errors import DecryptionError

    bind = op.get_bind()
    reg = sa.table("registrations", sa.column("id"), sa.column("name"), sa.column("phone"), sa.column("postcode"),
                   sa.column("due_date"), sa.column("help_areas"), sa.column("own_words"),
                   sa.column("personal_data_deleted_at"), sa.column("help_codes"), sa.column("gebied"),
                   sa.column("flagged"), sa.column("flag_reasons"), sa.column("due_week"),
                   sa.column("phone_index"))
    tokens = sa.table("registration_search_tokens", sa.column("registration_id"), sa.column("token"))
    rows = bind.execute(sa.select(reg.c.id, reg.c.name, reg.c.phone, reg.c.postcode, reg.c.due_date,
                                  reg.c.help_areas, reg.c.own_words)
                        .where(reg.c.personal_data_deleted_at.is_(None))).all()
    skipped = 0
    for row in rows:
        try:
            clear = [crypto.decrypt(v) for v in row[1:]]
        except DecryptionError:
            skipped += 1
            continue
        columns, name_tokens = derived.compute(*clear)
        columns["flag_reasons"] = crypto.encrypt(columns["flag_reasons"])
        bind.execute(reg.update().where(reg.c.id == row.id).values(**columns))
        if name_tokens:
            bind.execute(tokens.insert(), [{"registration_id": row.id, "token": t} for t in sorted(name_tokens)])
    if skipped:
        log.warning("%d registration(s) could not be decrypted for the search index; "
                    "run `python -m bot.store.cli reindex` with the right APP_ENCRYPTION_KEYS", skipped)


def downgrade() -> None:
    for index, table in (("ix_note_drafts_user_id", "note_drafts"),
                         ("ix_staff_notifications_username", "staff_notifications"),
                         ("ix_login_throttle_account_id", "login_throttle"),
                         ("ix_staff_sessions_user_id", "staff_sessions"),
                         ("ix_call_attempts_registration_id", "call_attempts"),
                         ("ix_registration_search_tokens_token", "registration_search_tokens"),
                         ("ix_registration_search_tokens_registration_id", "registration_search_tokens")):
        op.drop_index(index, table_name=table)
    for table in ("note_drafts", "staff_notifications", "login_throttle", "staff_sessions", "consent_texts",
                  "call_attempts", "registration_search_tokens"):
        op.drop_table(table)
    op.execute("UPDATE staff_users SET role = 'staff' WHERE role = 'coordinator'")
    with op.batch_alter_table("staff_users") as batch:
        batch.add_column(sa.Column("failed_attempts", sa.Integer, nullable=False, server_default="0"))
        batch.add_column(sa.Column("locked_until", sa.DateTime, nullable=True))
        batch.drop_constraint("ck_staff_users_role", type_="check")
        batch.create_check_constraint("ck_staff_users_role", f"role IN {OLD_ROLES!r}")
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_index("ix_audit_log_actor")
    with op.batch_alter_table("registrations") as batch:
        for index in ("ix_registrations_status_created_at", "ix_registrations_claimed_by", "ix_registrations_due_week",
                      "ix_registrations_gebied", "ix_registrations_phone_index"):
            batch.drop_index(index)
        for column in ("erasure_requested_at", "erasure_requested_by", "withdrawn_at", "withdrawn_by", "close_reason",
                       "updated_by", "version", "flag_reasons", "flagged", "help_codes", "due_week", "gebied",
                       "phone_index", "own_words", "interpreter", "language", "kind"):
            batch.drop_column(column)
