"""Fictitious registrations for a demo or the staff benchmark (``python -m bot.store.cli seed-demo``).

Every name and phone number is made up (names from common Dutch, Moroccan, Turkish, Surinamese
and other first and last names; 06 numbers from a random generator). Refused when
``APP_ENV=production``. Rows are written in batches through the same model and derived
columns as real registrations (encrypted fields, search index, queue columns).
"""

from __future__ import annotations

import json
import os
import random
import uuid
from datetime import date, datetime, timedelta

from sqlalchemy import select

from bot.store import derived
from bot.store.db import store_session
from bot.store.models import CallAttempt, NoteRecord, RegistrationRecord, utcnow
from bot.store.registrations import new_reference, wipe

FIRST = ("Fatima", "Sanne", "Priya", "Ayşe", "Noor", "Zoë", "Latifa", "Chantal", "Esra", "Maria", "Anouk", "Yara",
         "Khadija", "Sharon", "Naima", "Elif", "Ilse", "Samira", "Joyce", "Merve", "Olga", "Aylin", "Lisa", "Hanna",
         "Shirley", "Soumaya", "Eva", "Büşra", "Daniëlle", "Grace", "Amal", "Iris", "Nadia", "Ruth", "Ines", "Mila")
LAST = ("de Vries", "Jansen", "El Amrani", "Yılmaz", "Bakker", "Zwanenburg", "Kaya", "Pinas", "Visser", "Bouzid",
        "van Dijk", "Demir", "Smit", "Mohan", "El Idrissi", "Meijer", "Çelik", "Wijngaarde", "de Jong", "Haddou",
        "Mulder", "Şahin", "Kartosen", "Bos", "Ouali", "van den Berg", "Doğan", "Sital", "Dekker", "Benali")
PC4 = ("3011", "3012", "3021", "3024", "3031", "3051", "3061", "3066", "3071", "3072", "3074", "3076", "3081",
       "3082", "3083", "3084", "3085", "3086", "3191", "3192", "3151", "3181")
HELP = ("Zwangerschap en baby", "Wonen", "Ouderschap", "School en werk", "Mensen om me heen", "Instanties",
        "Geld en administratie", "Gezondheid", "Weet ik nog niet")
WORDS = ("Ik heb schulden en weet niet waar ik moet beginnen.", "Ik zoek een huis, ik slaap nu bij mijn zus.",
         "Ik ben alleen en mijn familie woont ver weg.", "Ik wil graag hulp met de papieren van de gemeente.",
         "Mijn vriend is soms agressief, ik voel me niet veilig thuis.", None, None, None)
STAFF = ("anna", "bram", "carla", "dewi", "emre")
STATUS_WEIGHTS = (("new", 30), ("in_progress", 25), ("contacted", 15), ("unreachable", 8), ("closed", 15),
                  ("withdrawn", 7))


def _phone(rng: random.Random) -> str:
    # 06-1 to 06-5: mobile ranges (06-6x are pagers, 06-7x/8x/9x other services)
    return "+316" + str(rng.randint(1, 5)) + "".join(str(rng.randrange(10)) for _ in range(7))


def _record(rng: random.Random, reference: str, now: datetime, phones: list[str]) -> RegistrationRecord:
    created = now - timedelta(minutes=rng.randrange(60 * 24 * 120))
    today = now.date()
    due: date = today + timedelta(days=rng.randrange(-14, 230))
    status = rng.choices([s for s, _ in STATUS_WEIGHTS], [w for _, w in STATUS_WEIGHTS])[0]
    phone = rng.choice(phones) if phones and rng.random() < 0.02 else _phone(rng)  # ~2% duplicate numbers
    phones.append(phone)
    no_address = rng.random() < 0.04
    rec = RegistrationRecord(
        reference=reference, idempotency_key=f"seed-{uuid.uuid4().hex}", kind="registration", status=status,
        channel=rng.choice(("whatsapp", "whatsapp", "telegram", "rest")), sender_key=f"seed-{uuid.uuid4().hex}",
        name=f"{rng.choice(FIRST)} {rng.choice(LAST)}", phone=phone,
        postcode="onbekend" if no_address else f"{rng.choice(PC4)}{rng.choice('ABCDEFGHJK')}{rng.choice('ABCDEFGHJK')}",
        due_date=due.isoformat(), weeks_pregnant=str(max(4, min(42, 40 - (due - created.date()).days // 7))),
        help_areas=json.dumps(rng.sample(HELP[:-1], rng.randint(1, 3)) if rng.random() > 0.1 else [HELP[-1]],
                              ensure_ascii=False),
        reachable=rng.choice(("'s ochtends", "'s middags", "'s avonds", "maakt niet uit")),
        language=rng.choice(("Nederlands", "Nederlands", "Engels", "Arabisch", "Turks", "Pools", None)),
        interpreter=rng.choice(("nee", "nee", "ja", None)), own_words=rng.choice(WORDS),
        consent_text_version="1-365d-5eed0000", consent_at=created, created_at=created, updated_at=created,
        status_changed_at=created, updated_by="client",
    )
    if status != "new":
        rec.claimed_by = rng.choice(STAFF)
        rec.claimed_at = created + timedelta(hours=2)
    if status == "closed":
        rec.close_reason = rng.choice(("intake_planned", "referred", "no_help_needed", "duplicate"))
    if status == "withdrawn":
        rec.withdrawn_by = rng.choice(("client", "staff"))
        rec.withdrawn_at = created + timedelta(days=1)
    if status in ("in_progress", "contacted", "unreachable") and rng.random() < 0.5:
        rec.notes.append(NoteRecord(actor=rec.claimed_by, created_at=created + timedelta(hours=3),
                                    text="Gebeld, terugbellen afgesproken."))
        rec.call_attempts.append(CallAttempt(actor=rec.claimed_by, at=created + timedelta(hours=3), result="voicemail"))
    derived.apply(rec)
    if rec.withdrawn_by == "client":
        wipe(rec, rec.withdrawn_at)
    return rec


def seed_demo(count: int, seed: int = 1, url: str | None = None, now: datetime | None = None,
              batch: int = 250) -> int:
    """Add ``count`` fictitious registrations; returns how many were added."""
    if os.environ.get("APP_ENV", "").strip().lower() == "production":
        raise ValueError("seed-demo is refused when APP_ENV=production")
    if count < 0:
        raise ValueError("count must be >= 0")
    rng = random.Random(seed)
    now = now or utcnow()
    with store_session(url) as session:
        used = set(session.execute(select(RegistrationRecord.reference)).scalars())
    phones: list[str] = []
    added = 0
    while added < count:
        with store_session(url) as session:
            for _ in range(min(batch, count - added)):
                reference = new_reference()
                while reference in used:
                    reference = new_reference()
                used.add(reference)
                session.add(_record(rng, reference, now, phones))
                added += 1
    return added
