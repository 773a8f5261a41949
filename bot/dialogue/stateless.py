"""A base for policies that learn nothing and decide from the tracker alone.

Our own policies (typed button titles, a correction after the kraamzorg outcome) predict one
action with confidence 1.0 when a plain function says so, with a priority above the RulePolicy.
This base holds the part they share: the default priority, no training, and loading.
Subclasses register themselves with ``DefaultV1Recipe.register`` and implement
``predict_action_probabilities``.
"""

from __future__ import annotations

from typing import Any

from rasa.core.policies.policy import Policy, SupportedData
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.domain import Domain
from rasa.shared.core.generator import TrackerWithCachedStates

PRIORITY = 7  # above the RulePolicy (6): what the conversation knows beats a rule for what DIET guessed


class StatelessPolicy(Policy):
    """A policy without training whose prediction is a pure function of the tracker."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"priority": PRIORITY}

    @staticmethod
    def supported_data() -> SupportedData:
        return SupportedData.ML_AND_RULE_DATA

    def train(self, training_trackers: list[TrackerWithCachedStates], domain: Domain, **kwargs: Any) -> Resource:
        return self._resource  # nothing to learn

    @classmethod
    def load(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> StatelessPolicy:
        return cls(config, model_storage, resource, execution_context)
