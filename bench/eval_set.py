"""Score the engine on labelled sets in the held-out format (q, id, alt, urgent); `-v` lists every miss.

Run: .venv/bin/python bench/eval_set.py tests/data/ask_dev_heldout.yaml tests/data/ask_fresh.yaml [-v]
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.ask import load_matcher  # noqa: E402
from checklist.content import load_catalog  # noqa: E402
from checklist.matcher import Matcher  # noqa: E402


@dataclass
class Score:
    """The held-out numbers: top-1 (direct answer right), top-3, out-of-scope kept out, urgent recall, alarms."""

    top1: int = 0
    top3: int = 0
    asked: int = 0
    no_answer: int = 0
    oos: int = 0
    oos_ok: int = 0
    urgent: int = 0
    caught: int = 0
    calm: int = 0
    alarms: int = 0
    misses: list[tuple[Any, ...]] = field(default_factory=list)

    def line(self) -> str:
        def pct(a: int, b: int) -> str:
            return f"{a / b:.1%} ({a}/{b})" if b else "n/a"

        return (
            f"top1 {pct(self.top1, self.asked)}, no-answer {self.no_answer}, top3 {pct(self.top3, self.asked)}, "
            f"oos rejected {pct(self.oos_ok, self.oos)}, urgent recall {pct(self.caught, self.urgent)}, "
            f"false alarms {pct(self.alarms, self.calm)}"
        )


def evaluate(matcher: Matcher, items: list[dict[str, Any]]) -> Score:
    s = Score()
    for it in items:
        r = matcher.ask(it["q"])
        ok = {it.get("id"), *it.get("alt", [])} - {None}
        flagged = r.urgent is not None
        if it.get("urgent"):
            s.urgent += 1
            s.caught += flagged
            if not flagged:
                s.misses.append(("URGENT-MISS", it["q"]))
        else:
            s.calm += 1
            s.alarms += flagged
            if flagged:
                s.misses.append(("FALSE-ALARM", r.urgent.categories, it["q"]))  # type: ignore[union-attr]
        cands = [c.id for c in r.candidates]
        if it.get("id") is None and not it.get("urgent"):
            s.oos += 1
            s.oos_ok += r.answer is None
            if r.answer is not None:
                s.misses.append(("OOS-ANSWERED", r.answer, it["q"]))
        elif it.get("id") is not None:
            s.asked += 1
            if r.answer in ok:
                s.top1 += 1
            else:
                s.no_answer += r.answer is None
                s.misses.append(("WRONG" if r.answer else "NOANS", it["id"], r.answer, cands[:3], it["q"]))
            s.top3 += bool(ok & set(cands[:3]))
    return s


def load(path: str) -> list[dict[str, Any]]:
    return yaml.safe_load(Path(path).read_text(encoding="utf-8"))


HELD_OUT = ("tests/data/ask_dev_heldout.yaml", "tests/data/ask_fresh.yaml")
# Measured with this script on main at 0992f5d, before the second round of work on the engine.
BEFORE = {
    "tests/data/ask_dev_heldout.yaml": "79.7% (353/443) | 92.8% | 90.3% (65/72) | 53.7% (36/67) | 3.0% (15/503)",
    "tests/data/ask_fresh.yaml": "77.8% (63/81) | 93.8% | 78.6% (22/28) | 28.4% (23/81) | 11.9% (13/109)",
}
SECTION = """## Held-out sets in the parents' own words (second round)

`tests/data/ask_dev_heldout.yaml` (570 questions written by someone who never saw our examples) and
`tests/data/ask_fresh.yaml` (190 written by the matcher2 helper before it changed anything), scored by
`bench/eval_set.py` (`-v` lists every miss). Top-1 counts a direct answer with the right entry (or an
accepted alternative); out-of-scope rejected: questions with no entry that got no answer; false alarms: share of
the non-urgent questions that raised the alarm. Top-1 can exceed top-3: for a child in danger the answer is the
service the danger calls for (self-harm → 19) even when the words themselves matched other entries.

| set | | top-1 | top-3 | out-of-scope rejected | urgent recall | false alarms |
| --- | --- | --- | --- | --- | --- | --- |
{rows}

On `tests/data/ask_labelled.yaml` (the table at the top) the first round measured 96.1% top-1, 100% top-3,
100% out-of-scope rejected, 100% recall, 0.0% false alarms, p50 0.30 / p99 1.16 ms and a 0.53 s cold start on a
quieter machine. Accuracy is unchanged; the one false alarm now (房子被大火烧了，我们一家没地方住了) is on purpose:
a family with nowhere to sleep tonight is treated as urgent and offered 临时救助. Latency rose with ~250 danger
patterns and the sound check but stays well inside the budget (p99 ≤ 5 ms, cold start ≤ 1.5 s).

**Say it plainly: both sets were used for tuning**, so the "after" numbers are optimistic. The dev set drove the
danger signals, the new example phrasings and keywords (concepts, never its sentences) and the answer threshold
and gap; the second set was written before any change, but its misses were fixed afterwards too. To see how the
fixes carry over to wordings nobody tuned on, seven more rounds of fresh questions were written, each before
running the engine on it, and scored once before fixing (these rounds now live in
`tests/cases/urgent_signals.yaml`):

| fresh round (first look) | urgent recall | false alarms | top-1 |
| --- | --- | --- | --- |
| the second set above, danger signals built on the dev set only | 92.6% (75/81) | 4.6% (5/109) | |
| round 1 | 55.0% (11/20) | 22.0% (9/41) | |
| round 2 | 47.5% (19/40) | 32.5% (13/40) | |
| round 3 | 56.0% (14/25) | 8.6% (3/35) | |
| round 4 | 45.2% (14/31) | 10.3% (3/29) | |
| round 5 | 80.0% (16/20) | 1.8% (2/114) | 93.8% (90/96) |
| round 6 | 60.0% (12/20) | 14.6% (6/41) | |
| round 7 | 56.0% (14/25) | 32.0% (8/25) | |

The rounds were deliberately written in other situations and voices than the dev set (dialect passives like 遭,
grooming by game currency, drugs, child labour, farewell notes, charcoal, pyramid schemes…) and their "calm"
halves on purpose full of near-misses, so each first look found gaps that were then closed with general cues.
Those first looks (roughly 55–80% recall) are the honest estimate here for danger worded in ways nobody has
seen yet; it is the weakest number, so expect some misses on a new set. All rounds are kept as tests.

## Third round: a trained second net under the patterns

Patterns catch what they name. `checklist/danger_model.py` adds a naive Bayes score over character n-grams,
taken on 24-character windows, trained on `content/lexicon/danger_examples/` (1,054 messages of a child in danger
and 1,312 calm look-alikes, written independently of every test set, plus the 21 entries' service questions).
It only ever adds alarms; its threshold is set by 5-fold cross-validation so that 0.5% of unseen calm texts would
alarm. A third set of 458 questions (grandparents, children, neighbours, teachers; written by someone who saw
neither the examples nor the other sets, kept outside the repository so it stays unseen) was scored once before
this round and once after (one pattern, stock-piled pills, was added after looking at its misses):

| third set (never tuned on) | top-1 | top-3 | out-of-scope rejected | urgent recall | false alarms |
| --- | --- | --- | --- | --- | --- |
| first round's engine | 79.3% (280/353) | 94.6% | 88.5% (46/52) | 34.9% (22/63) | 6.8% (27/395) |
| second round (patterns only) | 86.4% (305/353) | 96.9% | 88.5% (46/52) | 61.9% (39/63) | 4.8% (19/395) |
| third round (patterns + trained net) | 86.7% (306/353) | 96.9% | 88.5% (46/52) | 92.1% (58/63) | 6.1% (24/395) |

Its false alarms come mostly from long stories about a death or a parent who left years ago, and children kept
at home; its non-urgent half was written to be full of risky-looking words, so real traffic will alarm less.

## Fourth round: a fresh set split in two halves

A fourth set of 427 questions (message-board and hotline voices, dialect, voice-input homophones, grandparents,
neighbours, children; written without seeing the examples or the other sets; kept outside the repository) was
split by alternate items. Only the first half's misses were read and fixed (a child to be sold or given away for
money, a stranger handing out sweets, a baby left without milk; grown-ups' vaccines, buses and insurance,
pregnancy care, unpaid wages, adult hukou transfer and exams past 18 as out of scope; homophones like
姿助 and 申清); the second half was only scored:

| fourth set | top-1 | top-3 | out-of-scope rejected | urgent recall | false alarms |
| --- | --- | --- | --- | --- | --- |
| first look, whole set | 87.1% (298/342) | 96.8% | 67.9% (36/53) | 90.8% (59/65) | 1.7% (6/362) |
| tuned half, before → after | 89.5% → 91.9% | 97.7% → 97.7% | 76.9% → 96.2% | 87.9% → 100% | 1.1% → 0.0% |
| untouched half, before → after | 84.7% → 84.7% | 95.9% → 95.9% | 59.3% → 66.7% | 93.8% → 93.8% | 2.2% → 2.2% |

The untouched half is the honest figure for a new set: about 85% answered directly with the right entry, 96% with
it among the candidates, and out-of-scope questions that share words with a service (a grown-up's insurance, an
old person's bus fare) are the weakest point.

## Fifth round: long stories

Parents tell a story and ask in one clause. `checklist/clauses.py` finds the clauses that ask (after 想问/请问…, or
those with a question word, X不X, a final 不/没); the matcher scores them on their own too and mixes that in at half
weight; in such a story a clear leader (runner-up at most 70% of it) is answered from 38 instead of 46, since the
story's other words dilute every score. A story about a grown-up's own affair (我妈六十八了…坐公交, 我的医保) that
names a child only in passing is out of scope unless the clause that asks names the child or the story is about the
family's hardship (`grown_up` and `family` in `content/lexicon/out_of_scope.yaml`). New examples name situations, not
services (耳朵听不见/人工耳蜗, 病倒在床 → 每个月领点生活费). `tests/data/ask_stories.yaml` holds 102 stories written
for this round in three batches, each before it was scored (first looks: 40/40, 15/29 for the vaguer second batch,
15/23 for the third); all were looked at afterwards, so it is a tuning set now. Before = main at ab0f396:

| set | top-1 before → after | top-3 | out-of-scope rejected |
| --- | --- | --- | --- |
| `ask_dev_heldout.yaml` | 98.2% → 98.2% (435/443) | 98.0% → 97.7% | 98.6% → 98.6% (71/72) |
| `ask_fresh.yaml` | 90.1% → 91.4% (74/81) | 98.8% → 100% | 78.6% → 78.6% (22/28) |
| fourth set, tuned half | 91.9% → 93.6% (161/172) | 97.7% → 97.7% | 96.2% → 100% (26/26) |
| `ask_stories.yaml` (tuned on) | 75.8% → 90.1% (82/91) | 95.6% → 97.8% | 72.7% → 90.9% (10/11) |
| `ask_labelled.yaml` | 96.6% → 97.0% (197/203) | 100% → 100% | 100% → 100% |
| fourth set's untouched half, scored only | 84.7% → 86.5% (147/170) | 95.9% → 95.3% | 66.7% → 63.0% (17/27) |

The untouched half was scored three times in all: before, after the clause focus, the grown-up rule and the
examples (85.9%, out of scope 66.7%), and at the end; the lower answer bar for stories gained one answer there and
answered one more out-of-scope question. On the tuned half, stories of 60+ characters went from 40/45 to 42/45
right. Urgency is unchanged (it still reads the whole text). Honest reading:
about +2 points top-1 on unseen wording, out-of-scope rejection still the weakest figure (about two in three), and
long stories that describe a situation without naming the service remain the main source of "did you mean".
The question clause is found in the same normalising pass (a chat message's spaces kept as a break mark), so the
second scoring costs little: on the 102 stories p50 1.9 / p99 3.0 ms, as on main, against ~1 ms for short questions.

## Sixth set: the whole session on one set nobody tuned the matcher on

A sixth set of 305 questions (12345 and leaders' message-board letters, 小红书 and WeChat voices, named streets and
documents, 73% of 30–200 characters; written without seeing the examples or any other set) was scored at the start
of this round of work and at its end. Only the misses of its alternate first half were read (poison at the mouth,
seizures without medicine, a child hit by a car; a bump with no vomiting, an hour alone after school, a landlord
putting a family out; a few services' situations and grown-ups' own affairs); the second half was only scored:

| sixth set | top-1 | top-3 | out-of-scope rejected | urgent recall | false alarms |
| --- | --- | --- | --- | --- | --- |
| start | 84.4% (227/269) | 97.0% | 69.4% (25/36) | 83.3% (25/30) | 3.3% (9/275) |
| end, whole set | 87.4% (235/269) | 97.4% | 91.7% (33/36) | 93.3% (28/30) | 1.8% (5/275) |
| end, half never read | 87.3% (117/134) | 98.5% | 83.3% (15/18) | 86.7% (13/15) | 2.2% (3/137) |

So on wording nobody has seen (the second half): about 87% answered directly with the right entry, 97% with it
among the candidates, four in five out-of-scope questions kept out, and close to nine in ten children in danger
flagged at once.
"""


def section(matcher: Matcher) -> str:
    """The held-out section of docs/benchmarks.md: before (static, measured on main) and after (measured now)."""
    rows = []
    for path in HELD_OUT:
        s = evaluate(matcher, load(str(ROOT / path)))

        def pct(a: int, b: int) -> str:
            return f"{a / b:.1%} ({a}/{b})"

        after = (
            f"{pct(s.top1, s.asked)} | {s.top3 / s.asked:.1%} | {pct(s.oos_ok, s.oos)} | "
            f"{pct(s.caught, s.urgent)} | {pct(s.alarms, s.calm)}"
        )
        rows += [f"| `{Path(path).name}` | before | {BEFORE[path]} |", f"| | after | {after} |"]
    return SECTION.replace("{rows}", "\n".join(rows))


def main(argv: list[str]) -> None:
    matcher = load_matcher(load_catalog())
    for path in [a for a in argv if not a.startswith("-")]:
        score = evaluate(matcher, load(path))
        print(f"{path}: {score.line()}")
        if "-v" in argv:
            for miss in score.misses:
                print("  ", *miss)


if __name__ == "__main__":
    main(sys.argv[1:])
