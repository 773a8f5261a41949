"""The language of the conversation and of the consent text (issue 11): the language she used
in the chat ("nl" / "en") on the registration, and the language of each consent text version.

Revision ID: 0005_languages
Revises: 0003_parent_loop
Create Date: 2026-12-01

Chained after the newest revision on main when it was written (0003_parent_loop). When
0004_staff_loop lands first, set ``down_revision = "0004_staff_loop"`` (one head).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_languages"
down_revision = "0003_parent_loop"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("registrations") as batch:
        # Not personal by itself (like the channel): which language the conversation and the
        # consent she gave were in.
        batch.add_column(sa.Column("chat_language", sa.String(8), nullable=True))
    with op.batch_alter_table("consent_texts") as batch:
        batch.add_column(sa.Column("language", sa.String(8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("consent_texts") as batch:
        batch.drop_column("language")
    with op.batch_alter_table("registrations") as batch:
        batch.drop_column("chat_language")
