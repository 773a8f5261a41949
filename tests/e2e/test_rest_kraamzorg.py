"""End to end over REST: the kraamzorg check with the new questions (issue 16, items 2 and 4).

The stack runs with today's date: the norm, asset limit and rate are the ones in
content/kraamzorg/ for today, so the test asserts on the rules, not on fixed amounts.
"""

from __future__ import annotations

import datetime as dt
import uuid

from bot.kraamzorg.tables import Household, tables
from bot.parsing.money import format_eur
from bot.testing.stack import texts


def _sender() -> str:
    return f"e2e-kz-{uuid.uuid4().hex[:10]}"


def test_kraamzorg_check_free_text_and_savings_above_the_limit(rasa_stack) -> None:
    limit = tables().asset_limit_for(Household.SINGLE, dt.date.today())
    norm = tables().norm_for(Household.SINGLE, dt.date.today())
    assert limit is not None and norm is not None
    sender = _sender()
    assert "Rotterdam" in texts(rasa_stack.rest(sender, "/kraamzorg_check"))
    # 'nee' followed by other words is not 'not in Rotterdam'
    reply = texts(rasa_stack.rest(sender, "nee niet weer die vragen"))
    assert "níet" in reply and "niet in aanmerking" not in reply
    assert "verzekering" in texts(rasa_stack.rest(sender, "ja")).lower()
    # a question about an option is explained and asked again
    reply = texts(rasa_stack.rest(sender, "wat is aanvullend?"))
    assert "extra verzekering" in reply and "Welke zorgverzekering" in reply
    assert "Hoe woon je" in texts(rasa_stack.rest(sender, "alleen basisverzekering"))
    assert "Hoeveel geld" in texts(rasa_stack.rest(sender, "mijn vriend is weg"))  # single, not 'met partner'
    assert "21 jaar of ouder" in texts(rasa_stack.rest(sender, "1000"))
    assert "jonger dan 21" in texts(rasa_stack.rest(sender, "nee"))
    assert "spaargeld" in texts(rasa_stack.rest(sender, "nee"))
    # far above the limit: only the excess counts, and it is more than the maximum reimbursement
    savings = limit.amount + 5000
    reply = texts(rasa_stack.rest(sender, f"we hebben zo'n {int(savings)} euro spaargeld"))
    assert "waarschijnlijk niet terug" in reply and format_eur(savings - limit.amount) in reply
    assert "Zo vraag je het aan" not in reply  # the steps and the other reasons on request
    assert rasa_stack.tracker(sender).get("active_loop", {}).get("name") in (None, "")
    why = texts(rasa_stack.rest(sender, "waarom"))  # typed button title
    assert "Waarom:" in why and format_eur(limit.amount) in why
    how = texts(rasa_stack.rest(sender, "/offering_how"))
    assert "Zo vraag je het aan" in how and "categorie 7" in how
    # a correction after the outcome: a new outcome, not a new topic
    assert "Sorry" not in why + how and "begrijp" not in why + how
    # a correction after the outcome: her other answers stay, the questions that now matter follow
    fixed = texts(rasa_stack.rest(sender, "oh wacht we hebben maar 2000 euro spaargeld"))
    assert "spaargeld aangepast" in fixed and "Hoe ver ben je zwanger" in fixed, fixed
    replies = [texts(rasa_stack.rest(sender, answer)) for answer in ("30 weken", "nee", "weet ik niet")]
    assert any("waarschijnlijk" in reply for reply in replies), replies
    assert "Woon je in de gemeente Rotterdam" not in "\n".join(replies)
