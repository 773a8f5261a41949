"""The safety tiers: names, urgency order and the Rasa intents that carry them.

An *emergency* tier takes over the conversation with its own answer (content/safety.yml).
``maybe`` never takes over: it adds one short "bel bij twijfel" line before the normal answer.
"""

from __future__ import annotations

# Most urgent first: when one message matches several tiers, the first one wins.
EMERGENCY_TIERS: tuple[str, ...] = (
    "life",              # not breathing, blue, unconscious, seizure, very heavy bleeding: 112 first
    "suicide",           # thoughts of suicide, plans, means: 113, 112 in acute danger
    "violence",          # violence at home, threats (also against the baby): Veilig Thuis, 112
    "sick_baby",         # a young baby with alarm signs: huisarts / huisartsenpost now, 112
    "pregnancy_urgent",  # pregnancy warning signs: verloskundige now, day and night
    "mental_crisis",     # panic, losing control, fear of harming the baby, psychosis: huisarts today, 113
)
MAYBE = "maybe"
TIERS: tuple[str, ...] = (*EMERGENCY_TIERS, MAYBE)

INTENT_PREFIX = "safety_"
INTENT_FOR_TIER: dict[str, str] = {tier: f"{INTENT_PREFIX}{tier}" for tier in EMERGENCY_TIERS}
SAFETY_INTENTS: tuple[str, ...] = tuple(INTENT_FOR_TIER.values())
# Every from_text form slot ignores these intents (domain.yml `not_intent`), so the rules answer them.
FORM_NOT_INTENT: tuple[str, ...] = (*SAFETY_INTENTS, "stop")

# `maybe` lines come in topics, so that a doubtful message about violence does not get the midwife.
MAYBE_TOPICS: tuple[str, ...] = ("pregnancy", "baby", "violence", "mind")
MAYBE_TOPIC_FOR_TIER: dict[str, str] = {
    "life": "pregnancy",
    "pregnancy_urgent": "pregnancy",
    "sick_baby": "baby",
    "violence": "violence",
    "suicide": "mind",
    "mental_crisis": "mind",
}


def tier_for_intent(intent: str | None) -> str | None:
    """``safety_life`` -> ``life``; ``None`` for any other intent."""
    if intent and intent.startswith(INTENT_PREFIX):
        tier = intent[len(INTENT_PREFIX):]
        if tier in EMERGENCY_TIERS:
            return tier
    return None


def most_urgent(tiers: list[str]) -> str | None:
    """The most urgent emergency tier of ``tiers`` (``None`` when there is none)."""
    ranked = [t for t in EMERGENCY_TIERS if t in tiers]
    return ranked[0] if ranked else None
