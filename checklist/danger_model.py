"""A second net under the danger patterns: a naive Bayes score over character n-grams, trained on written examples.

The patterns in content/lexicon/urgent.yaml catch what they name; people in trouble rarely use the words a list
expects ("孙儿到现在九点了还没回来", "把攒的药放在枕头底下了"). This model weighs many weak cues at once and is
scored on short windows, so one alarming clause in a long story counts. It only ever adds alarms (never removes a
pattern's), at a threshold set on harmless questions so that false alarms stay rare. Retrain after editing the
examples: `python -m checklist.danger_model` (content/lexicon/danger_examples/ → content/lexicon/danger_model.json).
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

WINDOW, STEP = 24, 6  # characters: about one clause; windows overlap so no clause is cut in two everywhere
_DROP = re.compile(r"[\s\W\d_]+")


def grams(text: str) -> Iterator[str]:
    """Character bigrams and trigrams of a window, punctuation and digits dropped."""
    chars = _DROP.sub("", text)
    for n in (2, 3):
        for i in range(len(chars) - n + 1):
            yield chars[i : i + n]


def windows(text: str) -> Iterator[str]:
    if len(text) <= WINDOW:
        yield text
        return
    for start in range(0, len(text) - WINDOW + STEP, STEP):
        yield text[start : start + WINDOW]


@dataclass(frozen=True)
class DangerModel:
    weights: dict[str, float]  # log P(gram | danger) - log P(gram | calm)
    bias: float  # log prior odds
    threshold: float

    def score(self, prepared: str) -> float:
        """The most alarming window's log-odds, each window's grams averaged so long windows don't dominate."""
        best = -math.inf
        for window in windows(prepared):
            found = [self.weights[g] for g in grams(window) if g in self.weights]
            if found:
                best = max(best, self.bias + sum(found) / math.sqrt(len(found)))
        return best

    def alarms(self, prepared: str) -> bool:
        return self.score(prepared) >= self.threshold


def train(danger: Iterable[str], calm: Iterable[str], alpha: float = 0.5, min_count: int = 2) -> DangerModel:
    """Multinomial naive Bayes over windows; the threshold is set later (see `calibrate`)."""
    counts = {True: Counter[str](), False: Counter[str]()}
    docs = {True: 0, False: 0}
    for label, texts in ((True, danger), (False, calm)):
        for text in texts:
            docs[label] += 1
            counts[label].update(set(grams(text)))
    vocab = [g for g in counts[True] | counts[False] if counts[True][g] + counts[False][g] >= min_count]
    totals = {label: sum(counts[label][g] for g in vocab) + alpha * len(vocab) for label in counts}
    weights = {
        g: math.log((counts[True][g] + alpha) / totals[True]) - math.log((counts[False][g] + alpha) / totals[False])
        for g in vocab
    }
    weights = {g: round(w, 3) for g, w in weights.items() if abs(w) >= 0.4}  # near-neutral grams add only noise
    return DangerModel(weights, round(math.log(docs[True] / docs[False]), 3), 0.0)


def save(model: DangerModel, path: Path) -> None:
    data = {"bias": model.bias, "threshold": model.threshold, "weights": dict(sorted(model.weights.items()))}
    path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


@cache
def load(path: Path) -> DangerModel | None:
    """The trained model, or None when there is none (the patterns then work alone)."""
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    return DangerModel(
        {str(g): float(w) for g, w in data["weights"].items()}, float(data["bias"]), float(data["threshold"])
    )


def examples_dir() -> Path:
    from checklist.lexicon import lexicon_dir

    return lexicon_dir() / "danger_examples"


def _prepared(texts: Iterable[str]) -> list[str]:
    from checklist.lexicon import load_lexicon
    from checklist.normalize import normalize
    from checklist.urgency import Detector

    detector = Detector(load_lexicon().urgent)  # the patterns' own blanking of harmless phrases (打疫苗, 笑死…)
    return [detector.prepare(normalize(t)) for t in texts]


def _corpus() -> tuple[list[str], list[str]]:
    """The written examples, plus every service question of content/questions (all calm by construction)."""
    import yaml

    from checklist.questions import load_questions

    folder = examples_dir()
    danger = yaml.safe_load((folder / "danger.yaml").read_text(encoding="utf-8"))
    calm = yaml.safe_load((folder / "calm.yaml").read_text(encoding="utf-8"))
    calm += [e for q in load_questions() for e in q.examples]
    return _prepared(danger), _prepared(calm)


def cross_validated(danger: list[str], calm: list[str], folds: int = 5) -> tuple[list[float], list[float]]:
    """Each text scored by a model that never saw it."""
    out_danger: list[float] = []
    out_calm: list[float] = []
    for k in range(folds):
        model = train(
            [t for i, t in enumerate(danger) if i % folds != k], [t for i, t in enumerate(calm) if i % folds != k]
        )
        out_danger += [model.score(t) for i, t in enumerate(danger) if i % folds == k]
        out_calm += [model.score(t) for i, t in enumerate(calm) if i % folds == k]
    return out_danger, out_calm


def main(false_alarms: float = 0.005) -> None:
    """Train on content/lexicon/danger_examples, set the threshold on unseen calm texts, write the model."""
    danger, calm = _corpus()
    scores_danger, scores_calm = cross_validated(danger, calm)
    ranked = sorted(scores_calm, reverse=True)
    threshold = ranked[int(len(ranked) * false_alarms)] + 1e-6
    recall = sum(s >= threshold for s in scores_danger) / len(scores_danger)
    final = train(danger, calm)
    model = DangerModel(final.weights, final.bias, round(threshold, 4))
    from checklist.lexicon import lexicon_dir

    save(model, lexicon_dir() / "danger_model.json")
    print(
        f"{len(danger)} danger, {len(calm)} calm examples; {len(model.weights)} weighted grams; "
        f"threshold {model.threshold}: cross-validated recall {recall:.1%} at {false_alarms:.1%} false alarms"
    )


if __name__ == "__main__":
    main()
