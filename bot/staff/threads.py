"""The message thread of a case: staff write to her on her own channel, and take the chat over.

Every view and every send is audited (``bot.store.audit``; never the text). The page asks for
new messages every few seconds (:func:`poll`, JSON). Those polls are not audited: the page view
that started them is, and a row every 5 seconds would bury the audit log without telling who saw
anything new. Polls also do not count as activity for the idle session timeout
(``bot.staff.auth``): an open page alone does not keep a session alive. Delivery goes
through ``bot.outbound`` (the app's ``OUTBOUND`` config, default: the environment); a failed
message stays in the thread as failed and can be sent again ("Opnieuw versturen").
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    get_template_attribute,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from bot.outbound import OutboundConfig, deliver
from bot.outbound.deliver import window_open
from bot.store import audit, threads

bp = Blueprint("threads", __name__)

CHANNEL_NOTES = {
    "whatsapp": "Ze krijgt je bericht in WhatsApp. Schreef ze de laatste 24 uur niet? Dan krijgt ze eerst een "
                "vast bericht met de vraag te reageren; jouw tekst volgt zodra ze reageert.",
    "telegram": "Ze krijgt je bericht in Telegram.",
    "webchat": "Ze ziet je bericht zodra ze de webchat (nog) open heeft.",
}
STATUS_LABELS = {
    "received": "ontvangen", "pending": "wordt verstuurd", "held": "wacht op haar reactie (vast bericht verstuurd)",
    "sent": "verstuurd", "delivered": "afgeleverd", "read": "gelezen", "failed": "mislukt",
}


def _db():
    return current_app.config["DATABASE_URL"]


def _outbound() -> OutboundConfig:
    return current_app.config.get("OUTBOUND") or OutboundConfig.from_env()


def _user() -> str:
    return current_user.username


def _override() -> bool:
    """A coordinator or admin who confirmed stepping into a colleague's handoff."""
    return bool(current_user.is_coordinator) and request.form.get("confirm") == "1"


def _held(reference: str, exc: threads.HandoffHeld):
    flash(f"{exc.holder} heeft dit gesprek overgenomen. Alleen {exc.holder} (of een coördinator) kan nu "
          "berichten sturen of het gesprek teruggeven aan de chatbot. Er is niets verstuurd of veranderd.")
    return _back(reference)


def _deliver(message_id: int) -> str:
    return deliver(message_id, _outbound(), url=_db(), now=current_app.config["NOW"]())


@bp.route("/registrations/<reference>/berichten")
def thread_page(reference: str):
    view = threads.get_thread(reference, url=_db())
    if view is None:
        abort(404)
    audit.record(_user(), "viewed thread", reference, url=_db())
    now = current_app.config["NOW"]()
    return render_template(
        "thread.html", t=view, status_labels=STATUS_LABELS, channel_note=CHANNEL_NOTES.get(view.channel),
        window_open=view.channel == "whatsapp" and window_open(view.last_inbound_at, now),
        max_length=threads.MAX_STAFF_MESSAGE,
        held_by_other=view.handoff_by if view.handoff_by and view.handoff_by != _user() else None,
        may_override=bool(current_user.is_coordinator),
    )


@bp.route("/registrations/<reference>/berichten/nieuw")
def poll(reference: str):
    """Messages after ``na`` (an id) as rendered list items, and who holds the handoff. Not audited
    (see the module doc)."""
    after = request.args.get("na", "0")
    messages = threads.messages_after(reference, int(after) if after.isdigit() else 0, url=_db())
    if messages is None:
        abort(404)
    render = get_template_attribute("_message.html", "message")
    view = threads.get_handoff_holder(reference, url=_db())
    return jsonify({
        "messages": [{"id": m.id, "html": str(render(m, reference, STATUS_LABELS))} for m in messages],
        "handoff_by": view,
    })


def _back(reference: str):
    return redirect(url_for("threads.thread_page", reference=reference) + "#berichten")


@bp.route("/registrations/<reference>/berichten", methods=["POST"])
def send(reference: str):
    text = request.form.get("text", "")
    try:
        message_id = threads.add_staff_message(reference, _user(), text, now=current_app.config["NOW"](), url=_db(),
                                               override=_override())
    except LookupError:
        abort(404)
    except threads.HandoffHeld as exc:
        return _held(reference, exc)
    except ValueError:
        flash("Je bericht is leeg of te lang (meer dan 2000 tekens), of haar gegevens zijn verwijderd. Er is niets verstuurd.")
        return _back(reference)
    status = _deliver(message_id)
    audit.record(_user(), "message sent", reference, f"status={status}", url=_db())
    flash({"failed": "Je bericht is bewaard, maar versturen is mislukt. Probeer het opnieuw.",
           "held": "Ze schreef de laatste 24 uur niet. Ze kreeg een vast bericht met de vraag te reageren; "
                   "jouw tekst volgt zodra ze reageert."}.get(status, "Je bericht is verstuurd."))
    return _back(reference)


@bp.route("/registrations/<reference>/berichten/<message>/opnieuw", methods=["POST"])
def retry(reference: str, message: str):
    view = threads.get_thread(reference, url=_db())
    message_id = int(message) if message.isdigit() else -1
    if view is None or not any(m.id == message_id and m.direction == "out" for m in view.messages):
        abort(404)
    status = _deliver(message_id)
    audit.record(_user(), "message retried", reference, f"status={status}", url=_db())
    flash("Versturen is weer mislukt. Het bericht blijft bewaard." if status == "failed" else "Je bericht is verstuurd.")
    return _back(reference)


def _bot_message(reference: str, key: str) -> str:
    from bot.loop.texts import text

    message_id = threads.add_staff_message(reference, threads.BOT, text(key), now=current_app.config["NOW"](), url=_db())
    return _deliver(message_id)


@bp.route("/registrations/<reference>/overnemen", methods=["POST"])
def start_handoff(reference: str):
    try:
        started = threads.start_handoff(reference, _user(), now=current_app.config["NOW"](), url=_db())
    except LookupError:
        abort(404)
    if started:
        _bot_message(reference, "handoff_started")
        flash("Je hebt het gesprek overgenomen. De chatbot is stil voor haar, behalve bij gevaar.")
    else:
        flash("Overnemen kan niet: het gesprek is al overgenomen, of er is geen gesprek (meer).")
    return _back(reference)


@bp.route("/registrations/<reference>/beeindigen", methods=["POST"])
def end_handoff(reference: str):
    try:
        ended = threads.end_handoff(reference, _user(), now=current_app.config["NOW"](), url=_db(),
                                    override=_override())
    except LookupError:
        abort(404)
    except threads.HandoffHeld as exc:
        return _held(reference, exc)
    if ended:
        status = _bot_message(reference, "handoff_ended")
        flash("Het gesprek is weer bij de chatbot." + (" Het bericht daarover kon niet worden verstuurd."
                                                         if status == "failed" else ""))
    return _back(reference)
