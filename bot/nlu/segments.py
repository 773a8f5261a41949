"""DIET that also classifies the parts of a long message (for messages with several needs).

"ik ben 7 maanden zwanger, mijn vriend is weg en ik heb geen geld voor de kraamzorg en
babyspullen" asks for three things. One intent for the whole message is a guess. This
subclass of Rasa's DIETClassifier classifies the whole message as usual and, when the
message is long, also each part of it: the message is cut at punctuation and at joining
words ("en", "maar", "ook", "want" ...) and every part is classified by the *same* model on
the part's own token features (sliced from the message's features; a part's sentence
features are the sum of its tokens', which is what the count-vector featurizers compute for
a text). All parts go through the model in one batch.

The result is set on the message as ``segments`` (not in the parse output: the parts are
the parent's own words): ``[{"start": i, "end": j, "intent": name, "confidence": c}]``.
``bot.nlu.interpret.MessageInterpreter`` decides what to do with it.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import scipy.sparse
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.nlu.classifiers.diet_classifier import DIETClassifier
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, FEATURE_TYPE_SEQUENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

SEGMENTS = "segments"
MIN_TOKENS = 3  # shorter messages are one need
MIN_SEGMENT_TOKENS = 2  # or one word of at least MIN_WORD_CHARS letters ("... en babyspullen")
MIN_WORD_CHARS = 4
MAX_SEGMENTS = 6
# Words that join two needs. Cut before them; they are not part of either side.
JOINERS = frozenset({
    "en", "maar", "want", "omdat", "daarnaast", "verder", "plus", "bovendien", "tevens", "daarbij",
    "alsook", "trouwens", "daarna", "oja", "and", "but", "also", "btw",
})
# Voice-typed and run-on chat text has no punctuation: "ik ben 7 maanden zwanger mijn vriend is weg
# ik heb geen geld voor kraamzorg". A new main clause often starts with the subject: cut before
# these words when the part so far has MIN_RUN_ON_WORDS words and the word before is not one
# after which the subject follows inside the same clause ("kan ik", "voor mijn", "dat ik").
SUBJECT_STARTS = frozenset({"ik", "mijn", "wij", "we", "i", "my"})
MIN_RUN_ON_WORDS = 3
NO_CUT_AFTER = frozenset({
    # complementizers and question words: "of ik", "dat mijn", "hoe ik"
    "of", "dat", "als", "toen", "wat", "waar", "hoe", "wanneer", "waarom", "welke", "wie", "zodat", "zodra",
    "terwijl", "sinds", "tot", "totdat", "voordat", "nadat", "omdat", "want", "dus", "hoewel", "zoals", "die",
    # prepositions: "voor mijn baby", "met mijn vriend"
    "voor", "van", "met", "bij", "aan", "op", "in", "naar", "over", "door", "om", "uit", "zonder", "na", "tegen",
    "onder", "achter", "naast", "tussen", "per", "vanaf", "rond", "binnen", "buiten", "mee", "en",
    # verbs that put the subject after them: "kan ik", "heb ik", "is mijn vriend"
    "kan", "kun", "kon", "wil", "wilde", "moet", "moest", "mag", "mocht", "zal", "zou", "ben", "bent", "is", "was",
    "waren", "zijn", "heb", "hebt", "heeft", "had", "hadden", "hebben", "word", "wordt", "werd", "ga", "gaat", "ging",
    "kom", "komt", "kwam", "krijg", "krijgt", "kreeg", "weet", "wist", "vind", "vond", "denk", "dacht", "zeg",
    "zei", "zit", "zat", "sta", "stond", "doe", "deed", "voel", "voelde", "hoor", "hoorde", "zie", "zag", "snap",
    "begrijp", "help", "helpt", "geef", "bel", "noem", "vertel", "laat", "lukt", "lukte", "maakt", "kost",
    "nu", "dan", "daarom", "toch", "ook", "nog", "al", "even", "eerst", "misschien", "soms", "echt", "heel",
    "niet", "geen", "alleen", "zelf", "samen", "me", "mij", "je", "jij", "u",
    "can", "could", "should", "would", "will", "do", "did", "am", "have", "if", "that", "for", "with",
    "to", "about", "when", "how", "what", "where", "because",
})
_BREAK_RE = re.compile(r"[.,;:!?()\n]|\s-\s")


def split_points(text: str, tokens: list[Any]) -> list[tuple[int, int]]:
    """Token index ranges [start, end) of the parts of a message.

    ``tokens`` are Rasa tokens (``.text``, ``.start``, ``.end``) of ``text``. A part ends at
    punctuation between two tokens and before a joining word (which belongs to no part).
    """
    parts: list[tuple[int, int]] = []
    start = 0
    for i, token in enumerate(tokens):
        if i == 0:
            continue
        gap = text[tokens[i - 1].end:token.start]
        word = str(token.text).lower()
        is_punct = not any(ch.isalnum() for ch in word)
        run_on = (word in SUBJECT_STARTS and i - start >= MIN_RUN_ON_WORDS
                  and str(tokens[i - 1].text).lower() not in NO_CUT_AFTER)
        if _BREAK_RE.search(gap) or word in JOINERS or is_punct or run_on:
            if i > start:
                parts.append((start, i))
            start = i + 1 if (word in JOINERS or is_punct) else i
    if start < len(tokens):
        parts.append((start, len(tokens)))
    def big_enough(s: int, e: int) -> bool:
        words = [str(t.text) for t in tokens[s:e] if any(ch.isalnum() for ch in str(t.text))]
        return len(words) >= MIN_SEGMENT_TOKENS or (len(words) == 1 and len(words[0]) >= MIN_WORD_CHARS)

    parts = [(s, e) for s, e in parts if big_enough(s, e)]
    return parts[:MAX_SEGMENTS]


def _slice_features(message: Message, start: int, end: int) -> list[Features]:
    """Features of tokens [start, end): sequence rows sliced, sentence features recomputed from them."""
    sliced: list[Features] = []
    sequences: dict[str, Any] = {}
    for feature in message.features:
        if feature.attribute != TEXT or feature.type != FEATURE_TYPE_SEQUENCE:
            continue
        rows = feature.features.tocsr()[start:end] if feature.is_sparse() else feature.features[start:end]
        key = str(feature.origin)
        sequences[key] = rows
        sliced.append(Features(rows.tocoo() if feature.is_sparse() else rows, FEATURE_TYPE_SEQUENCE, TEXT,
                               feature.origin))
    for feature in message.features:
        if feature.attribute != TEXT or feature.type != FEATURE_TYPE_SENTENCE:
            continue
        rows = sequences.get(str(feature.origin))
        if rows is None:
            continue  # a sentence-only feature cannot be cut; leave it out for the part
        if scipy.sparse.issparse(rows):
            summed = scipy.sparse.coo_matrix(rows.sum(axis=0))
        else:
            summed = np.asarray(rows).mean(axis=0, keepdims=True)
        sliced.append(Features(summed, FEATURE_TYPE_SENTENCE, TEXT, feature.origin))
    return sliced


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR],
    is_trainable=True,
)
class SegmentingDIETClassifier(DIETClassifier):
    """Rasa's DIETClassifier, plus one intent per part of a long message (``segments``).

    Training stops early once the monitored metric (``early_stopping_monitor``, default the
    training intent accuracy ``i_acc``; ``val_i_acc`` with ``evaluate_on_number_of_examples``)
    has not improved for ``early_stopping_patience`` epochs: ``epochs`` is the ceiling. This
    keeps training within its time budget as the data grows.
    """

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {**DIETClassifier.get_default_config(), "early_stopping_patience": 0,
                "early_stopping_monitor": "i_acc", "early_stopping_min_delta": 0.001}

    def train(self, training_data: TrainingData) -> Resource:
        patience = int(self.component_config.get("early_stopping_patience") or 0)
        if patience <= 0:
            return super().train(training_data)
        import tensorflow as tf
        from rasa.utils import train_utils

        monitor = str(self.component_config.get("early_stopping_monitor") or "i_acc")
        stopper = tf.keras.callbacks.EarlyStopping(
            monitor=monitor, mode="min" if monitor.endswith("loss") else "max", patience=patience,
            min_delta=float(self.component_config.get("early_stopping_min_delta") or 0.0), verbose=1,
        )
        original = train_utils.create_common_callbacks

        def with_early_stopping(*args: Any, **kwargs: Any) -> list[Any]:
            return [*original(*args, **kwargs), stopper]

        train_utils.create_common_callbacks = with_early_stopping  # DIET.train looks it up at call time
        try:
            return super().train(training_data)
        finally:
            train_utils.create_common_callbacks = original

    def process(self, messages: list[Message]) -> list[Message]:
        messages = super().process(messages)
        if self.model is None:
            return messages
        for message in messages:
            self._classify_segments(message)
        return messages

    def _classify_segments(self, message: Message) -> None:
        tokens = message.get(TOKENS_NAMES[TEXT]) or []
        text = message.get(TEXT) or ""
        if len(tokens) < MIN_TOKENS:
            return
        parts = split_points(text, tokens)
        if len(parts) < 2:
            return
        subs = []
        for start, end in parts:
            sub = Message(data={TEXT: text[tokens[start].start:tokens[end - 1].end],
                                TOKENS_NAMES[TEXT]: tokens[start:end]})
            for feature in _slice_features(message, start, end):
                sub.add_features(feature)
            subs.append(sub)
        model_data = self._create_model_data(subs, training=False)
        if model_data.is_empty():
            return
        out = self.model.run_inference(model_data, batch_size=len(subs), output_keys_expected=["i_scores"])
        scores = np.asarray(out["i_scores"])
        segments = []
        for (start, end), row in zip(parts, scores, strict=False):
            best = int(np.argmax(row))
            segments.append({"start": start, "end": end, "intent": self.index_label_id_mapping[best],
                             "confidence": float(row[best])})
        message.set(SEGMENTS, segments)
