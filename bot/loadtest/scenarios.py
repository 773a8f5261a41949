"""Simulated parents: full conversations over the REST channel, tolerant of exact wording.

A parent greets, asks two questions, sends a burst of three messages at once, does the
kraamzorg check, registers with the aanmeldpunt (confirming twice at the same moment, like
an impatient double tap) and says goodbye. Questions are recognised by key words and
answered by clicking the matching button where there is one, so a reworded prompt does not
break the run; an unrecognised prompt ends that flow and is reported.

Every message carries ``metadata.lt_seq`` (its number in the conversation); messages of a
burst share ``metadata.lt_burst``. The consistency check uses them to prove that the
tracker holds every message exactly once and in order.
"""

from __future__ import annotations

import asyncio
import random
import re
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

REFERENCE = re.compile(r"\bMVR-[A-Z0-9]{4}-[A-Z0-9]{2}\b")
FAQ = [
    "wat is home-start", "ik heb geen geld voor babyspullen", "wat is de sleutel van rotterdam",
    "komt er iemand van het cjg bij mij thuis als ik zwanger ben?", "ik voel me alleen met mijn baby",
    "wat is voorzorg", "kinkhoest prik zwanger", "ben jij een robot", "wat kun je allemaal",
]
NAMES = ["Noor", "Fatima", "Sanne", "Ayla", "Maria", "Yasmina", "Lotte", "Esra", "Amber", "Chloë"]
INCOMES = ["1450", "ongeveer 1200 euro netto per maand", "EUR 1.250,50", "twaalfhonderd", "ik heb bijstand", "2100"]
PHONES = ["06 12345678", "0612345678", "+31 6 12345678", "010 2672653"]
POSTCODES = ["3072 AB", "3011AB", "3083 cd", "3025 EA"]

# (key words in the question, preferred button titles/payloads, typed answer when no button fits)
# Checked in order: the first rule whose key words appear in the latest bot text wins.
RULES: list[tuple[tuple[str, ...], tuple[str, ...], str | None]] = [
    # prompts that repeat other prompts' key words come first (the summary lists every field)
    (("klopt dit",), ("Klopt, versturen",), "klopt, versturen"),
    (("toestemming",), ("Ja, ik geef toestemming",), "ja, ik geef toestemming"),
    # kraamzorg check
    (("gemeente rotterdam",), ("Ja",), "ja"),
    (("zorgverzekering",), ("Alleen basis", "alleen basisverzekering"), "alleen basisverzekering"),
    (("hoe woon je",), ("Met partner", "met partner"), "ik woon samen met mijn man"),
    (("hoeveel geld", "inkomen"), (), "{income}"),
    (("schuldregeling", "schuldsanering"), ("Nee",), "nee"),
    (("spaargeld", "vermogen", "gespaard"), ("Nee",), "nee"),
    (("hoe ver ben je zwanger",), (), "28 weken"),
    (("bijzondere bijstand gekregen", "dit jaar al"), ("Nee",), "nee"),
    (("hoeveel uur kraamzorg", "hoeveel uur"), (), "49"),
    # registration
    (("ben je nu zwanger",), ("Ja, ik ben zwanger",), "ja, ik ben zwanger"),
    (("verblijf je nu in rotterdam", "woon of verblijf"), ("Ja, in Rotterdam", "Ja, ik woon in Rotterdam"), "ja"),
    (("je noemen", "hoe heet je", "je naam"), (), "{name}"),
    (("telefoonnummer",), (), "{phone}"),
    (("postcode",), (), "{postcode}"),
    (("uitgerekend",), (), "{weeks} weken"),
    (("het best bellen", "bereikbaar", "bellen?"), ("Ochtend", "Middag"), "ochtend"),
]
HELP_PICKS = ("Klaar",)


@dataclass
class Sample:
    ms: float
    status: int | str
    error: str | None
    burst: bool


@dataclass
class Sent:
    seq: int
    text: str
    burst: int | None
    replies: int = 0


@dataclass
class ParentResult:
    sender: str
    sent: list[Sent] = field(default_factory=list)
    flows: dict[str, str] = field(default_factory=dict)  # flow -> "done" | reason
    references: list[str] = field(default_factory=list)
    unknown_prompts: list[str] = field(default_factory=list)
    repeated_prompts: list[str] = field(default_factory=list)


class Parent:
    """One simulated parent talking to ``client``'s REST channel."""

    def __init__(self, client: httpx.AsyncClient, sender: str, rng: random.Random, samples: list[Sample],
                 think: tuple[float, float], deadline: float) -> None:
        self.client = client
        self.rng = rng
        self.samples = samples
        self.think = think
        self.deadline = deadline
        self.result = ParentResult(sender)
        self._seq = 0
        self._burst = 0
        self.profile = {
            "name": rng.choice(NAMES), "income": rng.choice(INCOMES), "phone": rng.choice(PHONES),
            "postcode": rng.choice(POSTCODES), "weeks": str(rng.randint(12, 34)),
        }

    # ------------------------------------------------------------------ transport
    async def _post(self, text: str, burst: int | None) -> list[dict[str, Any]]:
        self._seq += 1
        sent = Sent(self._seq, text, burst)
        self.result.sent.append(sent)
        metadata: dict[str, Any] = {"lt_seq": sent.seq}
        if burst is not None:
            metadata["lt_burst"] = burst
        body = {"sender": self.result.sender, "message": text, "metadata": metadata}
        start = time.perf_counter()
        try:
            resp = await self.client.post("/webhooks/rest/webhook", json=body)
            ms = (time.perf_counter() - start) * 1000
            if resp.status_code != 200:
                self.samples.append(Sample(ms, resp.status_code, f"HTTP {resp.status_code}", burst is not None))
                return []
            replies = resp.json()
            if not isinstance(replies, list):
                self.samples.append(Sample(ms, resp.status_code, "reply is not a list", burst is not None))
                return []
            error = None if replies else "empty reply"
            self.samples.append(Sample(ms, resp.status_code, error, burst is not None))
            sent.replies = len(replies)
            for reply in replies:
                self.result.references += REFERENCE.findall(str(reply.get("text") or ""))
            return replies
        except (httpx.HTTPError, ValueError) as exc:
            ms = (time.perf_counter() - start) * 1000
            self.samples.append(Sample(ms, "exception", exc.__class__.__name__, burst is not None))
            return []

    async def say(self, text: str) -> list[dict[str, Any]]:
        await asyncio.sleep(self.rng.uniform(*self.think))
        return await self._post(text, None)

    async def burst(self, texts: list[str]) -> list[list[dict[str, Any]]]:
        """Send several messages at the same moment (no waiting for the replies in between)."""
        await asyncio.sleep(self.rng.uniform(*self.think))
        self._burst += 1
        return list(await asyncio.gather(*(self._post(t, self._burst) for t in texts)))

    # ------------------------------------------------------------------ answering
    def answer(self, replies: list[dict[str, Any]]) -> str | None:
        """The answer to the latest question (a button payload when one fits), or None."""
        text = " ".join(str(r.get("text") or "") for r in replies).lower()
        buttons = [b for r in replies for b in (r.get("buttons") or [])]
        by_title = {str(b.get("title")): str(b.get("payload")) for b in buttons}
        titles_lower = " ".join(by_title).lower()
        if "klaar" in titles_lower or "weet ik nog niet" in titles_lower:  # help areas: pick one, then 'Klaar'
            if "Klaar" in by_title:
                return by_title["Klaar"]
            for title, payload in by_title.items():
                if title not in ("Weet ik nog niet",):
                    return payload
        tail = text[-400:]
        for keys, preferred, typed in RULES:
            if any(k in tail for k in keys):
                for title in preferred:
                    if title in by_title:
                        return by_title[title]
                    if title in by_title.values():
                        return title
                if typed is not None:
                    return typed.format(**self.profile)
        self.result.unknown_prompts.append(tail[-160:])
        return None

    async def form(self, flow: str, start: str, done: re.Pattern[str], max_turns: int = 24,
                   confirm_burst: bool = False) -> None:
        replies = await self.say(start)
        asked: dict[str, int] = {}
        for _ in range(max_turns):
            if time.monotonic() > self.deadline:
                self.result.flows[flow] = "deadline"
                break
            joined = " ".join(str(r.get("text") or "") for r in replies)
            if done.search(joined):
                self.result.flows[flow] = "done"
                return
            answer = self.answer(replies)
            if answer is None:
                self.result.flows[flow] = "unknown prompt"
                break
            prompt = joined[-120:]
            asked[prompt] = asked.get(prompt, 0) + 1
            if asked[prompt] >= 2:
                # The same question again: the click did not work. Note it, then type like a person would.
                self.result.repeated_prompts.append(prompt)
                typed = self.typed_answer(replies)
                if asked[prompt] >= 4 or typed is None:
                    self.result.flows[flow] = "stuck"
                    break
                answer = typed
            if confirm_burst and "klopt dit" in joined.lower():
                both = await self.burst([answer, answer])  # a double tap on 'Klopt, versturen'
                replies = both[0] if REFERENCE.search(str(both[0])) else both[1]
            else:
                replies = await self.say(answer)
        else:
            self.result.flows[flow] = "too many turns"
        await self.say("stop")  # like a parent who gives up: leave the form

    def typed_answer(self, replies: list[dict[str, Any]]) -> str | None:
        """The typed answer for the latest question (no button)."""
        tail = " ".join(str(r.get("text") or "") for r in replies).lower()[-400:]
        for keys, _preferred, typed in RULES:
            if any(k in tail for k in keys) and typed is not None:
                return typed.format(**self.profile)
        return None

    async def run(self) -> ParentResult:
        await self.say("hoi")
        faq = self.rng.sample(FAQ, 5)
        replies = await self.say(faq[0])
        payloads = [b.get("payload") for r in replies for b in (r.get("buttons") or [])]
        if payloads:
            await self.say(str(payloads[0]))  # click the first follow-up button
        await self.burst(faq[1:4])
        await self.form("kraamzorg", "/kraamzorg_check", re.compile(r"Wat wil je nu doen\?"))
        await self.form("registration", "/request_registration", REFERENCE, confirm_burst=True)
        await self.say(faq[4])
        await self.say("dank je wel")
        return self.result
