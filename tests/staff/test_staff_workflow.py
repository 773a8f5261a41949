"""The staff app's work on cases: conflicts, takeover, release, withdrawal and erasure with roles,
calls, notes, the expired-session draft, search, duplicates, the queue and plain Dutch."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from staff_helpers import PASSWORD, csrf_from, form_data, version_of

from bot.store import audit
from bot.store.registrations import create_registration, get_registration, withdraw_by_sender
from bot.store.testing import sample_registration_input


def make(db_url: str, key: str, **overrides) -> str:
    overrides.setdefault("sender_key", f"sender-{key}")
    return create_registration(sample_registration_input(idempotency_key=key, **overrides), url=db_url)


@pytest.fixture
def ref(db_url):
    return make(db_url, "main")


def page_of(client, ref: str) -> str:
    return client.get(f"/registrations/{ref}").get_data(as_text=True)


def error_text(html: str, key: str) -> str:
    match = re.search(rf'<p class="error" role="alert" id="error-{key}">(.*?)</p>', html, re.S)
    assert match, f"no error next to {key}"
    return match.group(1)


# ------------------------------------------------------------------ two colleagues
def test_a_stale_status_change_is_refused_with_who_changed_it(staff_client, bram_client, ref, db_url):
    anna_form = form_data(staff_client, ref, status="contacted")
    bram_form = form_data(bram_client, ref, status="unreachable")  # both pages show the same version
    assert staff_client.post(f"/registrations/{ref}/status", data=anna_form).status_code == 302
    resp = bram_client.post(f"/registrations/{ref}/status", data=bram_form)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 409
    assert "Deze aanmelding is intussen gewijzigd door anna" in error_text(html, "status")
    assert '<strong id="status"' in html and ">Contact gehad</strong>" in html  # the newest data is shown
    assert get_registration(ref, url=db_url).status == "contacted"
    # with the fresh page it works
    assert bram_client.post(f"/registrations/{ref}/status", data={
        "csrf_token": csrf_from(html), "version": version_of(html), "status": "unreachable"}).status_code == 302
    assert get_registration(ref, url=db_url).status == "unreachable"


def test_claiming_a_colleagues_case_asks_first(staff_client, bram_client, ref, db_url):
    assert staff_client.post(f"/registrations/{ref}/claim", data=form_data(staff_client, ref)).status_code == 302
    resp = bram_client.post(f"/registrations/{ref}/claim", data=form_data(bram_client, ref))
    html = resp.get_data(as_text=True)
    assert resp.status_code == 409 and "Al opgepakt door <strong>anna</strong> — overnemen?" in html
    assert get_registration(ref, url=db_url).claimed_by == "anna"
    data = {"csrf_token": csrf_from(html), "version": version_of(html), "takeover": "1"}
    assert bram_client.post(f"/registrations/{ref}/claim", data=data).status_code == 302
    assert get_registration(ref, url=db_url).claimed_by == "bram"
    queue = staff_client.get("/registrations").get_data(as_text=True)
    assert 'id="unread">1' in queue  # anna is told
    notes = staff_client.get("/meldingen").get_data(as_text=True)
    assert f"aanmelding {ref} van je overgenomen" in notes
    assert 'id="unread"' not in staff_client.get("/registrations").get_data(as_text=True)  # read now


def test_release_and_status_new_give_the_case_back(staff_client, ref, db_url):
    staff_client.post(f"/registrations/{ref}/claim", data=form_data(staff_client, ref))
    assert "Vrijgeven" in page_of(staff_client, ref)
    assert staff_client.post(f"/registrations/{ref}/release", data=form_data(staff_client, ref)).status_code == 302
    reg = get_registration(ref, url=db_url)
    assert reg.claimed_by is None and reg.status == "new"
    staff_client.post(f"/registrations/{ref}/status", data=form_data(staff_client, ref, status="contacted"))
    assert get_registration(ref, url=db_url).claimed_by == "anna"
    staff_client.post(f"/registrations/{ref}/status", data=form_data(staff_client, ref, status="new"))
    reg = get_registration(ref, url=db_url)
    assert reg.status == "new" and reg.claimed_by is None


# ------------------------------------------------------------------ withdrawal, erasure, roles
def test_withdrawal_by_phone_offers_erasure_with_the_retention_rule(staff_client, coordinator_client, ref, db_url):
    page = staff_client.get(f"/registrations/{ref}/withdraw").get_data(as_text=True)
    assert "Fatima Zwanenburg" in page and "AVG artikel 17" in page and "365 dagen" in page
    assert 'name="erase" value="yes" checked' in page
    resp = staff_client.post(f"/registrations/{ref}/withdraw", data=form_data(staff_client, ref, erase="yes"),
                             follow_redirects=True)
    assert "coördinator bevestigt" in resp.get_data(as_text=True)
    reg = get_registration(ref, url=db_url)
    assert reg.status == "withdrawn" and reg.erasure_requested_by == "anna" and reg.name
    # read-only and out of the work queue
    page = page_of(staff_client, ref)
    assert "Oppakken" not in page and "Status opslaan" not in page and "Notitie opslaan" not in page
    assert ref not in staff_client.get("/registrations").get_data(as_text=True)
    resp = staff_client.post(f"/registrations/{ref}/claim", data=form_data(staff_client, ref))
    assert resp.status_code == 409 and "ingetrokken" in error_text(resp.get_data(as_text=True), "claim")
    # the coordinator sees the request and confirms it, seeing the name
    requests = coordinator_client.get("/registrations?view=erasure").get_data(as_text=True)
    assert ref in requests and "verwijderen aangevraagd" in requests
    assert "view=erasure" not in staff_client.get("/registrations").get_data(as_text=True)
    confirm = coordinator_client.get(f"/registrations/{ref}/erase").get_data(as_text=True)
    assert "Fatima Zwanenburg" in confirm and "Aangevraagd door anna" in confirm
    data = form_data(coordinator_client, ref, confirm=ref)
    assert coordinator_client.post(f"/registrations/{ref}/erase", data=data).status_code == 302
    assert get_registration(ref, url=db_url).personal_data_deleted


def test_staff_cannot_erase_or_reopen_a_withdrawal_but_a_coordinator_can(staff_client, coordinator_client, db_url):
    ref = make(db_url, "kept")
    staff_client.post(f"/registrations/{ref}/withdraw", data=form_data(staff_client, ref))  # no erase box
    reg = get_registration(ref, url=db_url)
    assert reg.status == "withdrawn" and reg.erasure_requested_by is None and reg.name
    # a staff POST to erase only records a request
    staff_client.post(f"/registrations/{ref}/erase", data=form_data(staff_client, ref, confirm=ref))
    reg = get_registration(ref, url=db_url)
    assert not reg.personal_data_deleted and reg.erasure_requested_by == "anna"
    assert "Heropenen" not in page_of(staff_client, ref)
    resp = staff_client.post(f"/registrations/{ref}/reopen", data=form_data(staff_client, ref))
    assert resp.status_code == 409 and "coördinator" in error_text(resp.get_data(as_text=True), "reopen")
    assert "Heropenen" in page_of(coordinator_client, ref)
    assert coordinator_client.post(f"/registrations/{ref}/reopen",
                                   data=form_data(coordinator_client, ref)).status_code == 302
    assert get_registration(ref, url=db_url).status == "in_progress"


def test_client_withdrawal_in_the_chat_shows_on_the_case_and_tells_the_owner(staff_client, db_url):
    ref = make(db_url, "chat", sender_key="her-chat")
    staff_client.post(f"/registrations/{ref}/claim", data=form_data(staff_client, ref))
    withdraw_by_sender("her-chat", url=db_url)
    queue = staff_client.get("/registrations").get_data(as_text=True)
    assert 'id="unread">1' in queue and ref not in queue
    page = page_of(staff_client, ref)
    assert re.search(r"Ingetrokken door cliënt via chat op \d\d-\d\d-\d{4} \d\d:\d\d", page)
    assert "Oppakken" not in page and "Fatima" not in page
    assert "via de chat ingetrokken" in staff_client.get("/meldingen").get_data(as_text=True)


def test_close_asks_a_reason(staff_client, ref, db_url):
    resp = staff_client.post(f"/registrations/{ref}/close", data=form_data(staff_client, ref, reason=""))
    assert resp.status_code == 409 and "Kies waarom" in error_text(resp.get_data(as_text=True), "close")
    staff_client.post(f"/registrations/{ref}/close", data=form_data(staff_client, ref, reason="referred"))
    reg = get_registration(ref, url=db_url)
    assert reg.status == "closed" and reg.close_reason == "referred"
    page = page_of(staff_client, ref)
    assert "Afgesloten</strong> (Doorverwezen naar andere hulp)" in page and "Heropenen" in page


# ------------------------------------------------------------------ calls and notes
def test_call_attempts_feed_unreachable(staff_client, ref, db_url):
    for _ in range(3):
        staff_client.post(f"/registrations/{ref}/calls", data=form_data(staff_client, ref, result="no_answer"))
    reg = get_registration(ref, url=db_url)
    assert reg.status == "unreachable" and len(reg.calls) == 3
    page = page_of(staff_client, ref)
    assert page.count("· anna · Niet opgenomen") == 3
    staff_client.post(f"/registrations/{ref}/calls", data=form_data(staff_client, ref, result="spoken"))
    assert get_registration(ref, url=db_url).status == "contacted"


def test_notes_keep_line_breaks_newest_first_below_the_input(staff_client, ref):
    staff_client.post(f"/registrations/{ref}/notes", data=form_data(staff_client, ref, text="Eerste\nregel twee"))
    staff_client.post(f"/registrations/{ref}/notes", data=form_data(staff_client, ref, text="Tweede notitie"))
    page = page_of(staff_client, ref)
    assert '<p class="text">Eerste\nregel twee</p>' in page
    assert page.index('id="note"') < page.index("Tweede notitie") < page.index("Eerste")


def test_a_too_long_note_is_refused_clearly_and_kept(staff_client, ref, db_url):
    text = ("woord " * 1000).strip()  # 5,999 characters
    resp = staff_client.post(f"/registrations/{ref}/notes", data=form_data(staff_client, ref, text=text))
    html = resp.get_data(as_text=True)
    assert resp.status_code == 409
    assert "Je notitie is te lang: 5.999 tekens. Het maximum is 5.000 tekens." in error_text(html, "note")
    assert f">{text}</textarea>" in html  # nothing lost
    assert 'maxlength' not in html  # the browser does not cut it silently either
    assert get_registration(ref, url=db_url).notes == []


def test_an_expired_session_keeps_the_note_and_returns_to_the_case(app, staff_client, bram_client, clock, ref):
    data = form_data(staff_client, ref, text="Gebeld met haar moeder.\nZij belt morgen terug.")
    clock.now += timedelta(minutes=31)
    resp = staff_client.post(f"/registrations/{ref}/notes", data=data)
    assert resp.status_code == 302 and f"/login?next=/registrations/{ref}" in resp.headers["Location"]
    login_page = staff_client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Je notitie is bewaard" in login_page
    token = csrf_from(login_page)
    resp = staff_client.post(f"/login?next=/registrations/{ref}",
                             data={"username": "anna", "password": PASSWORD, "csrf_token": token})
    assert resp.headers["Location"].endswith(f"/registrations/{ref}")
    page = page_of(staff_client, ref)
    assert "Gebeld met haar moeder.\nZij belt morgen terug.</textarea>" in page and 'id="draft-notice"' in page
    assert "Zij belt morgen" not in page_of(bram_client, ref)  # only for her
    assert "Zij belt morgen" not in page_of(staff_client, ref)  # shown once; saving is her choice


# ------------------------------------------------------------------ search and duplicates
@pytest.mark.parametrize("typed", ["06-12345678", "+31 6 1234 5678", "0031612345678", "06 12 34 56 78"])
def test_search_by_phone(staff_client, db_url, typed):
    ref = make(db_url, "p1")
    make(db_url, "p2", phone="+31687654321", name="Sanne de Vries")
    page = staff_client.get("/registrations/search", query_string={"q": typed}).get_data(as_text=True)
    assert ref in page and "Sanne" not in page and f'value="{typed}"' in page


def test_search_by_name_and_the_audit_keeps_no_search_text(staff_client, db_url):
    fatima = make(db_url, "n1", name="Fátima Zwanenburg")
    sanne = make(db_url, "n2", name="Sanne de Vries", phone="+31687654321")
    page = staff_client.get("/registrations/search", query_string={"q": "fatima zwan"}).get_data(as_text=True)
    assert fatima in page and sanne not in page and "1 aanmelding gevonden" in page
    page = staff_client.get("/registrations/search", query_string={"q": "VRIES"}).get_data(as_text=True)
    assert sanne in page and fatima not in page
    page = staff_client.get("/registrations/search", query_string={"q": "Priya"}).get_data(as_text=True)
    assert "Geen aanmelding gevonden voor ‘Priya’" in page and 'value="Priya"' in page
    searched = [e for e in audit.entries(url=db_url) if e.action == "searched"]
    assert len(searched) == 3 and not any("fatima" in (e.detail or "").lower() for e in searched)
    assert searched[0].detail == "kind=name, results=0"


def test_possible_duplicate_is_flagged_with_a_link(staff_client, db_url):
    first = make(db_url, "d1")
    second = make(db_url, "d2")
    page = page_of(staff_client, second)
    assert f'Mogelijk dubbel: zelfde telefoonnummer als <a href="/registrations/{first}">{first}</a>' in page


# ------------------------------------------------------------------ call-back information, plain Dutch
def test_call_back_information_in_plain_dutch(staff_client, db_url):
    ref = create_registration(sample_registration_input(
        idempotency_key="cb", postcode="onbekend", channel="rest", language="Arabisch", interpreter=True,
        own_words="Ik slaap nu bij een vriendin.\nIk wil hulp met een huis.",
        consent_text_version="1-365d-def32813", consent_text="Voordat je je aanmeldt, vraag ik je toestemming."),
        url=db_url)
    page = page_of(staff_client, ref)
    assert "<strong>Geen vast adres</strong>" in page and "Postcode: onbekend" not in page
    assert 'class="flag flag-no_address"' in page
    assert "Arabisch · tolk nodig: ja" in page
    assert "Ik slaap nu bij een vriendin.\nIk wil hulp met een huis." in page
    assert ">testkanaal (REST)<" in page and ">rest<" not in page
    assert re.search(r"<summary>tekst van \d\d-\d\d-\d{4}</summary>", page) and "vraag ik je toestemming" in page
    assert "1-365d-def32813" not in page
    staff_client.post(f"/registrations/{ref}/claim", data=form_data(staff_client, ref))
    history = page_of(staff_client, ref).split('id="geschiedenis"')[1]
    assert "Nieuw → In behandeling" in history and "->" not in history and "via testkanaal (REST)" in history


def test_gebied_and_current_weeks_are_shown(staff_client, db_url, clock):
    due = clock.now.date() + timedelta(weeks=6)
    ref = make(db_url, "g", postcode="3072AB", due_date=due)
    page = page_of(staff_client, ref)
    assert '<dd id="f-gebied">Feijenoord</dd>' in page
    assert "(nu 34 weken)" in page or "(nu 33 weken)" in page or "(nu 35 weken)" in page
    assert 'class="flag flag-late"' in page


# ------------------------------------------------------------------ the queue
def test_queue_columns_flags_legend_sorting_and_paging(app, staff_client, db_url, clock):
    app.config["PER_PAGE"] = 2
    today = clock.now.date()
    urgent = make(db_url, "u", due_date=today + timedelta(weeks=4), name="Late Lotte")
    make(db_url, "a", due_date=today + timedelta(weeks=20), name="Eerste Eva", phone="+31611111111")
    make(db_url, "b", due_date=today + timedelta(weeks=22), name="Tweede Tess", phone="+31622222222",
         postcode="3081AB")
    page = staff_client.get("/registrations").get_data(as_text=True)
    first_row = page.split("<tbody>")[1].split("</tr>")[0]
    assert "Late Lotte" in first_row and "32+ weken" in first_row and "Feijenoord" in first_row
    assert "Geld en administratie" in page or "geld en administratie" in page
    assert "Pagina 1 van 2" in page and 'rel="next"' in page
    assert "Wat betekenen de statussen" in page and "32 weken of meer zwanger" in page
    assert 'aria-sort="ascending"' in page  # urgency, the default order
    page2 = staff_client.get("/registrations?page=2").get_data(as_text=True)
    assert "Tweede Tess" in page2 and "Late Lotte" not in page2
    charlois = staff_client.get("/registrations?gebied=Charlois").get_data(as_text=True)
    assert "Tweede Tess" in charlois and "Eerste Eva" not in charlois
    urgent_only = staff_client.get("/registrations?urgent=1").get_data(as_text=True)
    assert "Late Lotte" in urgent_only and "Eerste Eva" not in urgent_only
    by_due = staff_client.get("/registrations?sort=due&desc=1").get_data(as_text=True)
    assert "Tweede Tess" in by_due.split("<tbody>")[1].split("</tr>")[0]
    staff_client.post(f"/registrations/{urgent}/claim", data=form_data(staff_client, urgent))
    mine = staff_client.get("/registrations?view=mine").get_data(as_text=True)
    assert "Late Lotte" in mine and "Eerste Eva" not in mine
    assert 'href="/registrations?view=mine" aria-current="page"' in mine
    assert staff_client.get("/registrations?sort=bogus&page=x").status_code == 200  # bad input: defaults


def test_back_link_returns_to_the_same_filtered_list(staff_client, ref):
    staff_client.get("/registrations?gebied=Feijenoord&sort=received")
    page = page_of(staff_client, ref)
    assert 'href="/registrations?gebied=Feijenoord&amp;sort=received">← Terug naar de lijst' in page


# ------------------------------------------------------------------ audit log, accessibility
def test_audit_log_pages_and_filters(admin_client, staff_client, ref, db_url):
    for _ in range(55):
        audit.record("anna", "viewed", ref, url=db_url)
    page = admin_client.get("/audit").get_data(as_text=True)
    assert "Pagina 1 van" in page and page.count("<tr>") == 51  # header + 50 rows
    assert admin_client.get("/audit?page=2").status_code == 200
    today = date.today().isoformat()
    filtered = admin_client.get(f"/audit?wie=anna&actie=viewed&van={today}&tot={today}").get_data(as_text=True)
    assert "55 regels" in filtered
    old = admin_client.get("/audit?tot=2000-01-01").get_data(as_text=True)
    assert "0 regels" in old
    bad = admin_client.get("/audit?reference=xyz").get_data(as_text=True)
    assert "geen geldige referentie" in bad


def test_skip_link_to_search_and_main_navigation_state(staff_client):
    page = staff_client.get("/registrations").get_data(as_text=True)
    body = page.split("<body", 1)[1]
    assert body.index('class="skip" href="#zoekveld"') < body.index("<header")  # the first thing to tab to
    assert 'id="zoekveld"' in page
    assert '<a href="/registrations" aria-current="page">Aanmeldingen</a>' in page


def test_a_callback_request_joins_the_queue_as_urgent_and_renders(staff_client, db_url):
    from datetime import datetime, timezone

    from bot.store.callbacks import CallbackInput, create_callback_request

    ref = create_callback_request(CallbackInput(
        channel="whatsapp", sender_key="cb-sender", consent_text_version="cb-1", consent_at=datetime.now(timezone.utc),
        idempotency_key="cb-1", phone="+31655555555", moment="'s middags"), url=db_url)
    queue = staff_client.get("/registrations").get_data(as_text=True)
    row = queue.split("<tbody>")[1].split("</tr>")[0]
    assert ref in row and "Terugbelverzoek" in row and "Terugbellen" in row  # urgent, first
    page = page_of(staff_client, ref)
    assert ">None<" not in page and "Terugbelverzoek" in page and "'s middags" in page.replace("&#39;", "'")
    found = staff_client.get("/registrations/search", query_string={"q": "06 5555 5555"}).get_data(as_text=True)
    assert ref in found
