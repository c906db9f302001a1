"""Replies benchmark: length, raw ids, repeated framing, template grammar, scorecard signal.

Method: for each side of the shipped topic and each seed from 1 to 20, a scripted debate through the engine
(plain values, no I/O): the student's messages are drawn, by seed, from the labelled move sets in tests/data
(messages written for that side), until the debate closes. For every bot reply except the closing it counts
words (the text shown, status line included; the full evidence behind "More evidence" is not counted).
Raw ids: a source id or claim id appearing in the text shown or kept. Repeated intro phrases: an intro
sentence used twice in one debate. Grammar: every claim template rendered with every claim's spoken forms
(no capital letter right after "that" unless the claim's title has it, no colon inside a sentence, no
doubled word). Scorecard signal: the share of debates whose scorecard has a student claim that stood or
was defended after its rebuttal (not every claim 'rebutted').
Targets (issue 9): p90 <= 130 words, raw ids 0, repeated intros 0, grammar failures 0.

usage: python bench/replies.py [--seeds 20]
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.domain import phrases as P  # noqa: E402
from bot.domain.engine import DebateEngine  # noqa: E402
from bot.domain.scorecard import build_scorecard  # noqa: E402
from bot.topic_files import default_topics_dir, load_topic_file  # noqa: E402

DATA = ROOT / "tests" / "data"
CLAIM_TEMPLATES = (
    "REBUT_INTRO", "DEFEND_INTRO", "CONCEDE_POINT", "ACKNOWLEDGE", "ALREADY_ANSWERED", "ADVANCE_INTRO",
    "OPENING_SECOND", "GROUND_GIVEN", "ALREADY_CONCEDED", "CLARIFY_STANCE",
)  # fmt: skip


def messages_for(side: str) -> list[str]:
    out = []
    for name in ("moves_dev.yaml", "moves_practice_chat.yaml", "moves_practice_formal.yaml"):
        out += [m["text"] for m in yaml.safe_load((DATA / name).read_text())["messages"] if m["side"] == side]
    return out


def grammar_failures(engine: DebateEngine) -> list[str]:
    bad = []
    for claim in engine.topic.claims:
        spoken = engine._spoken(claim)
        for name in CLAIM_TEMPLATES:
            variants = getattr(P, name)
            for template in variants if isinstance(variants, list) else [variants]:
                text = template.format(**spoken)
                for sentence in re.split(r"(?<=[.!?])\s+", text):
                    if ":" in sentence.rstrip(":"):
                        bad.append(f"colon: {sentence}")
                    m = re.search(r"\bthat ([A-Z]\w*)", sentence)
                    if m and m.group(1) not in re.findall(r"[A-Z]\w*", claim.title):
                        bad.append(f"capital after 'that': {sentence}")
                    w = sentence.lower().split()
                    if any(a == b for a, b in zip(w, w[1:], strict=False)):
                        bad.append(f"doubled word: {sentence}")
    return bad


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=20)
    args = ap.parse_args()
    topic = load_topic_file(default_topics_dir() / "great-purges.yaml")
    engine = DebateEngine(topic)
    ids = set(topic.sources) | {c.id for c in topic.claims}
    id_re = re.compile(
        r"(?<![\w-])(" + "|".join(re.escape(i) for i in sorted(ids, key=len, reverse=True)) + r")(?![\w-])"
    )
    lengths, raw, repeats, unrebutted, debates, shortened = [], [], 0, 0, 0, 0
    fates: Counter = Counter()
    for side in (s.id for s in topic.sides):
        pool = messages_for(side)
        for seed in range(1, args.seeds + 1):
            rng = random.Random(seed)
            state, opening = engine.opening(engine.new_state(side, seed))
            replies = [opening]
            while not state.finished:
                turn = engine.respond(state, rng.choice(pool))
                state = turn.state
                replies.append(turn.reply)
            debates += 1
            heads = [p.head for r in replies for p in r.parts if p.head and not p.head.startswith("**")]
            repeats += len(heads) - len(set(heads))
            for r in replies:
                raw += id_re.findall(r.full_text)
                if any(p.role == "closing" for p in r.parts):
                    continue
                lengths.append(len(r.text.split()))
                shortened += r.shortened
            card = build_scorecard(topic, state)
            fates.update(r.fate for r in card.results)
            unrebutted += any(r.fate != "dropped" for r in card.results)
    lengths.sort()
    p50 = statistics.median(lengths)
    p90 = lengths[int(0.9 * len(lengths)) - 1]
    bad = grammar_failures(engine)
    print(f"{debates} debates ({len(topic.sides)} sides x seeds 1-{args.seeds}), {len(lengths)} replies")
    print(f"reply length, words: p50 {p50:.0f}, p90 {p90} (target <= 130), max {lengths[-1]}; "
          f"{shortened / len(lengths):.0%} shortened, full evidence behind /more")  # fmt: skip
    print(f"raw ids in replies: {len(raw)} (target 0) {sorted(set(raw))[:8]}")
    print(f"repeated intro phrases within a debate: {repeats} (target 0)")
    print(f"template grammar failures: {len(bad)} (target 0)")
    for line in bad[:10]:
        print(f"    {line}")
    print(
        f"scorecards with a student claim not marked rebutted-and-dropped: {unrebutted}/{debates} "
        f"({unrebutted / debates:.0%}); claim fates {dict(fates)}"
    )


if __name__ == "__main__":
    main()
