"""Command line for the application database.

    python -m bot.store.cli migrate
    python -m bot.store.cli create-staff USERNAME [--role staff|coordinator|admin] [--admin]
                                                                # password: prompt, or STAFF_PASSWORD
    python -m bot.store.cli set-password USERNAME              # also ends the account's sessions
    python -m bot.store.cli set-role USERNAME ROLE
    python -m bot.store.cli deactivate USERNAME | activate USERNAME
    python -m bot.store.cli purge [--days N] [--tracker-days N] # retention (run daily); see below
    python -m bot.store.cli rotate-keys                        # re-encrypt with the first key (app + tracker)
    python -m bot.store.cli reindex                            # rebuild search index and queue columns
    python -m bot.store.cli seed-demo --count 5000             # fictitious registrations (not in production)

``purge``: personal data of closed/withdrawn registrations after RETENTION_DAYS (365); processed
message ids after 7 days (and rows from before they were keyed hashes); the conversation history
(Rasa tracker store, TRACKER_DB_*) after TRACKER_RETENTION_DAYS (90), abandoned forms' encrypted
values, and message ids or client metadata stored by older versions (bot/privacy/retention.py).

Uses DATABASE_URL (default: SQLite under var/). Exit code 0 on success, 1 on errors,
2 when the database is unavailable.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import sys
from datetime import timedelta

from sqlalchemy.exc import OperationalError

from bot.privacy.keys import MissingSecret
from bot.store.errors import StoreUnavailable
from bot.store.models import ROLES

DEDUP_RETENTION_DAYS = 7
SESSION_ROW_RETENTION_DAYS = 30  # ended staff sessions are kept this long (who was logged in when)


def _password(args_username: str) -> str:
    env = os.environ.get("STAFF_PASSWORD")
    if env:
        return env
    if not sys.stdin.isatty():
        raise ValueError("no terminal: set STAFF_PASSWORD")
    first = getpass.getpass(f"Password for {args_username}: ")
    second = getpass.getpass("Repeat: ")
    if first != second:
        raise ValueError("passwords differ")
    return first


def _retention_days(value: int | None) -> int:
    if value is not None:
        return value
    return int(os.environ.get("RETENTION_DAYS", "365"))


def rotate_keys(url: str | None = None) -> int:
    """Re-encrypt every personal field with the current key; returns the number of rows rewritten."""
    from sqlalchemy import select
    from sqlalchemy.orm.attributes import flag_modified

    from bot.store.db import store_session
    from bot.store.loop_models import ThreadMessage
    from bot.store.models import NoteDraft, NoteRecord, RegistrationRecord
    from bot.store.registrations import PERSONAL_COLUMNS

    # Loading decrypts with any configured key; a flagged column is written back encrypted
    # with the first key.
    columns = (*PERSONAL_COLUMNS, "flag_reasons")
    touched = 0
    with store_session(url) as session:
        for rec in session.execute(select(RegistrationRecord)).scalars():
            for col in columns:
                if getattr(rec, col) is not None:
                    flag_modified(rec, col)
            touched += 1
        for model in (NoteRecord, NoteDraft, ThreadMessage):
            for row in session.execute(select(model)).scalars():
                flag_modified(row, "text")
                touched += 1
    return touched


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    parser = argparse.ArgumentParser(prog="python -m bot.store.cli", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="create/upgrade the database schema")
    p_staff = sub.add_parser("create-staff", help="create a staff account")
    p_staff.add_argument("username")
    p_staff.add_argument("--role", choices=ROLES, default=None,
                         help="staff (default); coordinator: may erase personal data and reopen withdrawn cases; "
                              "admin: coordinator + audit log")
    p_staff.add_argument("--admin", action="store_true", help="same as --role admin")
    p_pw = sub.add_parser("set-password", help="set a new password (ends its sessions, lifts login locks)")
    p_pw.add_argument("username")
    p_role = sub.add_parser("set-role", help="change the role of an account (ends its sessions)")
    p_role.add_argument("username")
    p_role.add_argument("role", choices=ROLES)
    for name, text in (("deactivate", "block an account at once (ends its sessions)"),
                       ("activate", "allow a deactivated account again")):
        sub.add_parser(name, help=text).add_argument("username")
    p_purge = sub.add_parser("purge", help="retention: delete personal data of old closed/withdrawn registrations")
    p_purge.add_argument("--days", type=int, default=None, help="default: RETENTION_DAYS or 365")
    p_purge.add_argument("--tracker-days", type=int, default=None,
                         help="conversation history; default: TRACKER_RETENTION_DAYS or 90")
    sub.add_parser("rotate-keys", help="re-encrypt personal data with the first key of APP_ENCRYPTION_KEYS "
                                       "and tracker slot values with the first key of TRACKER_ENCRYPTION_KEYS")
    sub.add_parser("reindex", help="rebuild the search index and queue columns (after changing SEARCH_INDEX_KEY)")
    p_seed = sub.add_parser("seed-demo", help="add fictitious registrations for a demo or the benchmark")
    p_seed.add_argument("--count", type=int, default=5000)
    p_seed.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    from bot.store import db, registrations, staff_users

    try:
        if args.command == "migrate":
            db.migrate()
            print("database is up to date")
        elif args.command == "create-staff":
            account = staff_users.create_staff(args.username, _password(args.username), admin=args.admin,
                                               role=args.role)
            print(f"created {account.role} account {account.username}")
        elif args.command == "set-password":
            staff_users.set_password(args.username, _password(args.username))
            print(f"password set for {args.username}; its sessions have ended")
        elif args.command == "set-role":
            staff_users.set_role(args.username, args.role)
            print(f"{args.username} is now {args.role}; its sessions have ended")
        elif args.command in ("deactivate", "activate"):
            staff_users.set_active(args.username, args.command == "activate")
            print(f"{args.username} {args.command}d")
        elif args.command == "purge":
            from bot.privacy.retention import purge_tracker, retention_days
            from bot.store import dedup, drafts, staff_sessions
            from bot.store.models import utcnow

            days = _retention_days(args.days)
            tracker_days = retention_days(args.tracker_days)
            now = utcnow()
            purged = registrations.purge_expired(days, now)
            forgotten = dedup.purge_processed(now - timedelta(days=DEDUP_RETENTION_DAYS)) + dedup.purge_legacy()
            drafts.purge(now)
            staff_sessions.purge(now - timedelta(days=SESSION_ROW_RETENTION_DAYS))
            staff_users.purge_throttle(now)
            from bot.store.parent_access import purge_verification_attempts

            attempts = purge_verification_attempts(now)
            print(f"purged personal data of {purged} registration(s) older than {days} days; "
                  f"forgot {forgotten} processed message id(s) and {attempts} chat verification attempt(s)")
            tracker = purge_tracker(tracker_days, now.timestamp())
            if tracker.store_found:
                print(f"conversation history: deleted {tracker.deleted_events} event(s) older than {tracker_days} days; "
                      f"cleared {tracker.compacted_values} value(s) of abandoned forms; "
                      f"hashed {tracker.hashed_message_ids} old message id(s)")
            else:
                print("conversation history: no tracker database yet")
        elif args.command == "rotate-keys":
            from bot.privacy.retention import tracker_store_from_env

            print(f"re-encrypted {rotate_keys()} row(s)")
            store = tracker_store_from_env()
            if store is not None:
                print(f"re-encrypted {store.rotate_encrypted_values()} conversation value(s)")
        elif args.command == "reindex":
            print(f"reindexed {registrations.reindex()} registration(s)")
        elif args.command == "seed-demo":
            from bot.store.seed import seed_demo

            print(f"added {seed_demo(args.count, seed=args.seed)} fictitious registration(s)")
    except StoreUnavailable:
        print("database unavailable (check DATABASE_URL)", file=sys.stderr)
        return 2
    except OperationalError:
        print("tracker database unavailable (check TRACKER_DB_*)", file=sys.stderr)
        return 2
    except MissingSecret as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
