"""The chat language and the English consent are stored and shown to staff (issue 11)."""

from __future__ import annotations

import pytest

from bot.staff import labels
from bot.store.registrations import consent_text_info, create_registration, get_registration
from bot.store.testing import sample_registration_input

ENGLISH_CONSENT = "Before you register, I ask for your consent. ... Do you give your consent?"


def test_english_registration_keeps_language_and_consent_text(db_url) -> None:
    ref = create_registration(sample_registration_input(
        chat_language="en", consent_text_version="2-365d-abcdef12-en", consent_text=ENGLISH_CONSENT,
        idempotency_key="idem-en"), url=db_url)
    reg = get_registration(ref, url=db_url)
    assert reg.chat_language == "en" and reg.consent_text_version == "2-365d-abcdef12-en"
    text, _ = consent_text_info("2-365d-abcdef12-en", url=db_url)
    assert text == ENGLISH_CONSENT
    # an older registration (before 0005) reads as Dutch
    old = create_registration(sample_registration_input(idempotency_key="idem-old"), url=db_url)
    assert get_registration(old, url=db_url).chat_language is None


def test_unknown_chat_language_is_refused(db_url) -> None:
    with pytest.raises(ValueError, match="chat_language"):
        create_registration(sample_registration_input(chat_language="tr", idempotency_key="x"), url=db_url)


def test_staff_see_the_chat_language(staff_client, db_url) -> None:
    ref = create_registration(sample_registration_input(
        chat_language="en", consent_text_version="2-365d-abcdef12-en", idempotency_key="idem-en2"), url=db_url)
    page = staff_client.get(f"/registrations/{ref}").get_data(as_text=True)
    assert 'id="f-chat-language">Engels' in page
    assert labels.consent_version_label("2-365d-abcdef12-en") == "tekstversie 2, bewaartermijn 365 dagen, Engelse tekst"
    assert labels.chat_language_label(None).startswith("Nederlands")


def test_staff_see_the_preferred_language_and_interpreter_need(staff_client, db_url) -> None:
    """Asked in the chat's registration (issue 14 item 5): the language to call her in, and a tolk."""
    ref = create_registration(sample_registration_input(
        chat_language="en", language="Arabisch", interpreter=True, idempotency_key="idem-lang"), url=db_url)
    page = staff_client.get(f"/registrations/{ref}").get_data(as_text=True)
    assert 'id="f-language">Arabisch · tolk nodig: ja' in page
