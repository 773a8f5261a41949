"""Staff web app: authentication, CSRF, headers, session expiry, route crawl, basic actions, audit, escaping.

(Sessions and login throttling: test_staff_sessions.py; the workflow: test_staff_workflow.py.)"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from staff_helpers import ADMIN_PASSWORD, PASSWORD, csrf_from, form_data, login

from bot.store import audit
from bot.store.registrations import create_registration, get_registration
from bot.store.testing import sample_registration_input


@pytest.fixture
def ref(db_url):
    return create_registration(sample_registration_input(), url=db_url)


def token(client) -> str:
    return csrf_from(client.get("/registrations").get_data(as_text=True))


# ------------------------------------------------------------------ every route needs login
def _concrete(rule) -> str:
    path = rule.rule
    for arg in rule.arguments:
        path = re.sub(rf"<(?:[^:>]+:)?{arg}>", "MVR-AAAA-AA", path)
    return path


def test_every_route_requires_login(app, client, ref):
    from bot.staff.app import PUBLIC_ENDPOINTS

    public = PUBLIC_ENDPOINTS
    crawled = 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint in public:
            continue
        path = _concrete(rule).replace("MVR-AAAA-AA", ref)
        for method in ("GET", "POST"):
            resp = client.open(path, method=method)
            if method not in rule.methods:
                assert resp.status_code in (302, 401, 403, 405), (method, path, resp.status_code)
                continue
            crawled += 1
            assert resp.status_code in (302, 401, 403), (method, path, resp.status_code)
            if resp.status_code == 302:
                assert urlsplit_path(resp.headers["Location"]) == "/login", (method, path)
            else:
                # JSON answers (401) for the keep-alive and the thread page's poll for new messages
                assert path.startswith("/session/") or path.endswith("/berichten/nieuw"), (method, path)
            body = resp.get_data(as_text=True)
            assert "Fatima" not in body and "+316" not in body
    # queue, search, detail, claim, release, status, close, reopen, notes, calls, withdraw and erase
    # (GET+POST), notifications, audit, logout, index, keep-alive
    assert crawled >= 18
    # and nothing was changed
    reg = get_registration(ref, url=app.config["DATABASE_URL"])
    assert reg.status == "new" and reg.notes == [] and reg.name


def urlsplit_path(location: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(location).path


def test_login_page_is_public_and_static_css(client):
    assert client.get("/login").status_code == 200
    assert client.get("/static/style.css").status_code == 200


# ------------------------------------------------------------------ login, lockout
def test_login_success_and_logout(client, db_url):
    resp = login(client)
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/registrations")
    assert client.get("/login").status_code == 302  # already logged in
    assert client.get("/registrations").status_code == 200
    resp = client.post("/logout", data={"csrf_token": token(client)})
    assert resp.status_code == 302
    assert client.get("/registrations").status_code == 302
    actions = [e.action for e in audit.entries(actor="anna", url=db_url)]
    assert "login" in actions and "logout" in actions


def test_wrong_password_and_unknown_user(client):
    wrong = login(client, "anna", "fout wachtwoord")
    unknown = login(client, "niemand", PASSWORD)
    assert wrong.status_code == unknown.status_code == 401
    # the same answer for both, shown as an error, and the username stays in the field
    assert 'class="error" role="alert"' in wrong.get_data(as_text=True)
    assert 'value="anna"' in wrong.get_data(as_text=True)
    def comparable(resp, username):
        return re.sub(r'name="csrf_token" value="[^"]+"', "", resp.get_data(as_text=True)).replace(username, "X")

    assert comparable(wrong, "anna") == comparable(unknown, "niemand")
    assert client.get("/registrations").status_code == 302


def test_lockout_after_five_failures(app, client, clock, db_url):
    for _ in range(5):
        resp = login(client, "anna", "fout wachtwoord")
        assert resp.status_code == 401
    # the right password is refused during the lockout
    assert login(client, "anna", PASSWORD).status_code == 401
    clock.now += timedelta(minutes=14)
    assert login(client, "anna", PASSWORD).status_code == 401
    clock.now += timedelta(minutes=2)
    assert login(client, "anna", PASSWORD).status_code == 302
    actions = [e.action for e in audit.entries(actor="anna", url=db_url)]
    assert "account locked" in actions and "login refused" in actions


def test_login_redirects_only_to_local_next(client):
    token_ = csrf_from(client.get("/login").get_data(as_text=True))
    resp = client.post("/login?next=https://evil.example/x", data={"username": "anna", "password": PASSWORD,
                                                                   "csrf_token": token_})
    assert resp.headers["Location"].endswith("/registrations")


def test_login_requires_csrf(client):
    client.get("/login")
    resp = client.post("/login", data={"username": "anna", "password": PASSWORD})
    assert resp.status_code == 400
    assert client.get("/registrations").status_code == 302


# ------------------------------------------------------------------ CSRF on authenticated POSTs
@pytest.mark.parametrize("action,data", [
    ("claim", {}), ("status", {"status": "contacted"}), ("notes", {"text": "x"}), ("erase", {"confirm": "REF"}),
    ("withdraw", {"erase": "yes"}), ("calls", {"result": "spoken"}), ("close", {"reason": "duplicate"}),
])
def test_post_without_or_with_wrong_csrf_token_is_rejected(staff_client, ref, db_url, action, data):
    data = {k: (ref if v == "REF" else v) for k, v in data.items()}
    data["version"] = "1"
    assert staff_client.post(f"/registrations/{ref}/{action}", data=data).status_code == 400
    bad = dict(data, csrf_token="forged")
    assert staff_client.post(f"/registrations/{ref}/{action}", data=bad).status_code == 400
    reg = get_registration(ref, url=db_url)
    assert reg.status == "new" and reg.claimed_by is None and reg.notes == [] and reg.name


def test_csrf_token_of_another_session_is_rejected(app, staff_client, ref):
    other = app.test_client()
    login(other, "beheer", ADMIN_PASSWORD)
    foreign = token(other)
    resp = staff_client.post(f"/registrations/{ref}/claim", data={"csrf_token": foreign, "version": "1"})
    assert resp.status_code == 400


# ------------------------------------------------------------------ headers and cookies
def test_security_headers_and_cookie_flags(client, staff_client, ref):
    resp = client.get("/login")
    cookie = resp.headers.get("Set-Cookie", "")
    for page in (resp, staff_client.get(f"/registrations/{ref}"), staff_client.get("/registrations")):
        h = page.headers
        assert "default-src 'self'" in h["Content-Security-Policy"]
        assert h["X-Frame-Options"] == "DENY"
        assert h["X-Content-Type-Options"] == "nosniff"
        assert h["Referrer-Policy"] == "no-referrer"
        assert "no-store" in h["Cache-Control"]
    assert "staff_session=" in cookie
    for flag in ("Secure", "HttpOnly", "SameSite=Strict"):
        assert flag in cookie, cookie


def test_static_files_and_script_come_from_self(client):
    js = client.get("/static/staff.js")
    assert js.status_code == 200 and "session-warning" in js.get_data(as_text=True)
    page = client.get("/login").get_data(as_text=True)
    assert '<script src="/static/staff.js" defer></script>' in page and "<script>" not in page
    assert "<title>Inloggen · Aanmeldpunt Moeders van Rotterdam</title>" in page  # one product name


def test_endpoint_names_from_before_the_blueprints_still_build(app, ref):
    from flask import url_for

    with app.test_request_context():
        assert url_for("queue") == "/registrations"
        assert url_for("detail", reference=ref) == f"/registrations/{ref}"
        assert url_for("audit_log") == "/audit" and url_for("login") == "/login"


def test_insecure_cookies_only_when_configured(monkeypatch, db_url):
    from bot.staff.app import create_app

    monkeypatch.setenv("STAFF_INSECURE_COOKIES", "1")
    app = create_app({"DATABASE_URL": db_url, "SECRET_KEY": "x"})
    cookie = app.test_client().get("/login").headers.get("Set-Cookie", "")
    assert "Secure" not in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie


def test_secret_key_generated_once_under_var(monkeypatch, db_url, tmp_path):
    from bot.staff.app import create_app

    first = create_app({"DATABASE_URL": db_url}).config["SECRET_KEY"]
    second = create_app({"DATABASE_URL": db_url}).config["SECRET_KEY"]
    assert first == second and len(first) > 30
    assert (tmp_path / "var" / "staff_secret_key").stat().st_mode & 0o077 == 0
    monkeypatch.setenv("STAFF_SECRET_KEY", "from-env")
    assert create_app({"DATABASE_URL": db_url}).config["SECRET_KEY"] == "from-env"


# ------------------------------------------------------------------ session expiry
def test_idle_session_expires(staff_client, clock, db_url):
    clock.now += timedelta(minutes=29)
    assert staff_client.get("/registrations").status_code == 200  # activity refreshes
    clock.now += timedelta(minutes=29)
    assert staff_client.get("/registrations").status_code == 200
    clock.now += timedelta(minutes=31)
    resp = staff_client.get("/registrations?view=mine")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    assert "next=/registrations?view%3Dmine" in resp.headers["Location"]  # back to the same page afterwards
    assert staff_client.get("/registrations").status_code == 302  # really logged out
    assert "session expired" in [e.action for e in audit.entries(actor="anna", url=db_url)]


# ------------------------------------------------------------------ queue, detail, actions
def test_queue_shows_count_and_views(staff_client, db_url, ref):
    other = create_registration(sample_registration_input(idempotency_key="2", name="Sanne"), url=db_url)
    page = staff_client.get("/registrations").get_data(as_text=True)
    assert re.search(r'id="new-count"><strong>2</strong>', page)
    assert ref in page and other in page
    staff_client.post(f"/registrations/{other}/close", data=form_data(staff_client, other, reason="no_help_needed"))
    page = staff_client.get("/registrations").get_data(as_text=True)
    assert ref in page and other not in page and re.search(r'id="new-count"><strong>1</strong>', page)
    page = staff_client.get("/registrations?view=closed").get_data(as_text=True)
    assert other in page and ref not in page
    assert 'href="/registrations?view=closed" aria-current="page"' in page
    page = staff_client.get("/registrations?view=all").get_data(as_text=True)
    assert other in page and ref in page
    assert staff_client.get("/registrations?view=bogus").status_code == 404


def test_detail_shows_all_fields_and_consent(staff_client, ref, db_url):
    inp = sample_registration_input()
    page = staff_client.get(f"/registrations/{ref}").get_data(as_text=True)
    for value in (inp.name, "06 12345678", 'href="tel:+31612345678"', inp.postcode, "01-05-2026", *inp.help_areas,
                  "Telegram", "03-11-2025 11:00", "tekstversie consent-v1"):  # consent time in Amsterdam time
        assert value in page or value.replace("'", "&#39;") in page, value
    assert "Kanaal: rest" not in page and ">telegram<" not in page
    assert ("anna", "viewed", ref) in [(e.actor, e.action, e.reference) for e in audit.entries(url=db_url)]
    assert staff_client.get("/registrations/MVR-AAAA-AA").status_code == 404


def test_search_by_reference_goes_to_the_case(staff_client, ref):
    resp = staff_client.get("/registrations/search", query_string={"q": ref.lower().replace("-", " ")})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/registrations/{ref}")
    resp = staff_client.get("/registrations/search", query_string={"q": "onzin"})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "Geen aanmelding gevonden" in page
    assert 'value="onzin"' in page  # the typed text stays


def test_claim_status_note(staff_client, ref, db_url):
    assert staff_client.post(f"/registrations/{ref}/claim", data=form_data(staff_client, ref)).status_code == 302
    assert staff_client.post(f"/registrations/{ref}/status",
                             data=form_data(staff_client, ref, status="contacted")).status_code == 302
    bogus = staff_client.post(f"/registrations/{ref}/status", data=form_data(staff_client, ref, status="bogus"))
    assert bogus.status_code == 409 and 'id="error-status"' in bogus.get_data(as_text=True)
    assert staff_client.post(f"/registrations/{ref}/notes",
                             data=form_data(staff_client, ref, text="Huisbezoek dinsdag")).status_code == 302
    reg = get_registration(ref, url=db_url)
    assert reg.claimed_by == "anna" and reg.status == "contacted"
    assert [(n.actor, n.text) for n in reg.notes] == [("anna", "Huisbezoek dinsdag")]
    page = staff_client.get(f"/registrations/{ref}").get_data(as_text=True)
    assert "Huisbezoek dinsdag" in page and "Contact gehad" in page
    actions = [e.action for e in audit.entries(reference=ref, url=db_url)]
    assert {"claimed", "status changed", "note added"} <= set(actions)
    detail = [e.detail for e in audit.entries(reference=ref, url=db_url) if e.action == "note added"]
    assert detail == [None]  # note text never in the audit log


def test_erase_requires_coordinator_and_confirmation(staff_client, coordinator_client, ref, db_url):
    page = staff_client.get(f"/registrations/{ref}/erase").get_data(as_text=True)
    assert "Definitief verwijderen" not in page and "Verwijderen aanvragen" in page
    page = coordinator_client.get(f"/registrations/{ref}/erase").get_data(as_text=True)
    assert "Definitief verwijderen" in page and "Fatima Zwanenburg" in page  # the name is shown
    resp = coordinator_client.post(f"/registrations/{ref}/erase", data=form_data(coordinator_client, ref, confirm="ja"))
    assert resp.status_code == 400 and 'class="error" role="alert"' in resp.get_data(as_text=True)
    assert get_registration(ref, url=db_url).name is not None
    resp = coordinator_client.post(f"/registrations/{ref}/erase", data=form_data(coordinator_client, ref, confirm=ref))
    assert resp.status_code == 302
    reg = get_registration(ref, url=db_url)
    assert reg.personal_data_deleted and reg.name is None and reg.status == "withdrawn"
    page = coordinator_client.get(f"/registrations/{ref}").get_data(as_text=True)
    assert "persoonsgegevens zijn verwijderd" in page and "Fatima" not in page
    assert ("carla", "personal data deleted") in [(e.actor, e.action) for e in audit.entries(url=db_url)]


# ------------------------------------------------------------------ audit log page
def test_audit_log_admin_only(staff_client, admin_client, ref):
    staff_client.get(f"/registrations/{ref}")
    assert staff_client.get("/audit").status_code == 403
    page = admin_client.get("/audit").get_data(as_text=True)
    assert admin_client.get("/audit").status_code == 200
    assert ref in page and "bekeken" in page and "anna" in page
    assert "audit log refused" in page  # the refused attempt is itself audited
    filtered = admin_client.get("/audit", query_string={"reference": ref}).get_data(as_text=True)
    assert "<td data-action=\"login\">" not in filtered and "bekeken" in filtered
    by_person = admin_client.get("/audit", query_string={"wie": "anna", "actie": "viewed"}).get_data(as_text=True)
    assert by_person.count("<tr>") - 1 == 1  # one row besides the header
    # staff do not see the audit link, admins do
    assert 'href="/audit"' not in staff_client.get("/registrations").get_data(as_text=True)
    assert 'href="/audit"' in admin_client.get("/registrations").get_data(as_text=True)


# ------------------------------------------------------------------ escaping
def test_personal_values_are_escaped(staff_client, db_url):
    evil = "<script>alert(1)</script>"
    ref = create_registration(
        sample_registration_input(idempotency_key="xss", name=evil, reachable='"><img src=x onerror=alert(2)>',
                                  help_areas=["<b>vet</b>"]), url=db_url)
    staff_client.post(f"/registrations/{ref}/notes", data=form_data(staff_client, ref, text="<iframe src=//evil>"))
    for page in (staff_client.get("/registrations").get_data(as_text=True),
                 staff_client.get(f"/registrations/{ref}").get_data(as_text=True)):
        assert evil not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    detail = staff_client.get(f"/registrations/{ref}").get_data(as_text=True)
    assert "<img src=x" not in detail and "<b>vet</b>" not in detail and "<iframe" not in detail
    assert "&lt;iframe src=//evil&gt;" in detail


def test_database_down_gives_503(db_url, clock):
    from bot.staff.app import create_app
    from bot.store.testing import free_port

    app = create_app({"DATABASE_URL": f"postgresql+psycopg2://postgres@127.0.0.1:{free_port()}/x",
                      "SECRET_KEY": "x", "NOW": clock})
    client = app.test_client()
    page = client.get("/login")
    assert page.status_code == 200
    resp = client.post("/login", data={"username": "anna", "password": PASSWORD,
                                       "csrf_token": csrf_from(page.get_data(as_text=True))})
    assert resp.status_code == 503 and "niet bereikbaar" in resp.get_data(as_text=True)


# ------------------------------------------------------------------ content report
def test_content_report_page_admin_only(staff_client, admin_client, clock):
    from markupsafe import escape

    from bot.devtools.content_report import build_report

    assert staff_client.get("/inhoud").status_code == 403
    response = admin_client.get("/inhoud")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    report = build_report(clock().date())
    for item in report.checked:
        assert str(escape(item.where)) in page
    assert "content/kraamzorg/hourly_rates.yml" in page and "2026" in page
    assert page.count("<tr") - 3 == len(report.checked) + len(report.missing) + len(report.unverified)
    assert all(str(escape(u.where)) in page for u in report.unreviewed)
    assert 'href="/inhoud"' in admin_client.get("/registrations").get_data(as_text=True)
    assert 'href="/inhoud"' not in staff_client.get("/registrations").get_data(as_text=True)


def test_content_report_page_flags_stale_items(app, clock):
    from datetime import timedelta

    from staff_helpers import ADMIN_PASSWORD, login

    clock.now = clock.now + timedelta(days=800)  # everything was checked more than 6 months ago
    admin = app.test_client()
    assert login(admin, "beheer", ADMIN_PASSWORD).status_code == 302
    page = admin.get("/inhoud").get_data(as_text=True)
    assert "Verouderd</span>" in page and "In orde" not in page
