"""Matcher benchmark: accuracy on the labelled sets, latency percentiles, start-up time.

Method: the process is pinned to one core (os.sched_setaffinity) where possible. Start-up is the wall
time of reading, parsing, validating and indexing the shipped topic file (best of 5). Latency is the
time of Matcher.match() per message, over every labelled message repeated until 2,000 samples, after
one warm-up pass (so the typo cache is warm, as in a running bot); p50/p99 are over those samples.
The synthetic topics have N claims (default 200, 2,000 and 20,000) built from the shipped topic's
vocabulary plus random words, with the same shape (cues, arguments, evidence, rebuttals).
Moves: on the labelled move sets (tests/data/moves_*.yaml: the development set and two practice sets written
apart from the cue phrases), Matcher.read() with the message's side and points in play; top-1 is claim and
stance right; the baseline is the old reading (Matcher.match()'s top claim, `against` when its one
message-wide `attacks` flag is set). Latency is of Matcher.read() with a debate context (what the engine runs
for every turn) and of the isolated Matcher.match() (claims and kind, no moves); the anchor's is of its plain
match.
Accuracy baseline: a plain BM25 (same tokenizer, no cues, no typo correction) over the claim taxonomy's
title, statement and key evidence. Latency anchor, measured in the same run on the same messages: a
plain BM25 over the same claim texts (cues, title, arguments, evidence, counters; one inverted index,
no bigrams, no typo correction, no cue phrases). Each latency is reported with its ratio to that anchor,
because absolute times on a shared machine drift; growth is p99 at N claims over p99 at the smallest N.

usage: python bench/matcher.py [--sizes 200,2000,20000] [--samples 2000]
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.domain.matcher import Matcher  # noqa: E402
from bot.domain.moves import AGAINST, FOR, Context  # noqa: E402
from bot.domain.text import STOPWORDS, stem, words  # noqa: E402
from bot.domain.topic import Claim, CounterRebuttal, KindReplies, Line, Rebuttal, Side, Source, Spoken, Topic  # noqa: E402
from bot.evaluation import score_moves  # noqa: E402
from bot.topic_files import default_topics_dir, load_topic_file  # noqa: E402

DATA = ROOT / "tests" / "data"


def evaluate(classify, messages) -> dict:
    top1 = n_claim = rej = n_none = kind_ok = tp = fp = fn = 0
    misses = []
    for m in messages:
        gold = set(m["labels"])
        claims, kind = classify(m["text"])
        if gold:
            n_claim += 1
            if claims and claims[0] in gold:
                top1 += 1
            else:
                misses.append((sorted(gold), claims[:2], m["text"][:90]))
        else:
            n_none += 1
            rej += not claims
            kind_ok += kind == m.get("kind")
        tp += len(set(claims) & gold)
        fp += len(set(claims) - gold)
        fn += len(gold - set(claims))
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {
        "top1": top1 / max(n_claim, 1),
        "top1_n": f"{top1}/{n_claim}",
        "rejected": f"{rej}/{n_none}",
        "kind": f"{kind_ok}/{n_none}",
        "f1": 2 * p * r / (p + r) if p + r else 0.0,
        "misses": misses,
    }


def moves_reading(matcher: Matcher):
    def fn(x):
        r = matcher.read(x["text"], Context(x["side"], tuple(x.get("in_play") or ())))
        return [(m.claim, m.stance) for m in r.moves], r.kind

    return fn


def old_reading(matcher: Matcher):
    """Before moves: the top claim, `against` when any negation or 'but' appears anywhere in the message."""

    def fn(x):
        m = matcher.match(x["text"])
        kind = None if m.claims else ("offtopic" if m.kind == "unclear" else m.kind)
        return [(c, AGAINST if m.attacks else FOR) for c in m.claims], kind

    return fn


def matcher_classify(matcher: Matcher):
    def run(text):
        m = matcher.match(text)
        return list(m.claims), (None if m.claims else ("offtopic" if m.kind == "unclear" else m.kind))

    return run


def bm25_baseline(taxonomy: dict):
    docs = []
    for c in taxonomy["claims"]:
        text = " ".join([c["title"], c["statement"], *c.get("key_evidence", [])])
        docs.append((c["id"], Counter(stem(w) for w in words(text) if w not in STOPWORDS)))
    n = len(docs)
    avg = sum(sum(tf.values()) for _, tf in docs) / n
    df = Counter(t for _, tf in docs for t in tf)
    idf = {t: math.log(1 + (n - d + 0.5) / (d + 0.5)) for t, d in df.items()}

    def run(text):
        q = {stem(w) for w in words(text) if w not in STOPWORDS}
        scores = []
        for cid, tf in docs:
            length = sum(tf.values())
            s = sum(idf[t] * tf[t] * 2.2 / (tf[t] + 1.2 * (0.25 + 0.75 * length / avg)) for t in q if t in tf)
            scores.append((s, cid))
        scores.sort(reverse=True)
        return ([scores[0][1]] if scores[0][0] > 0 else []), None

    return run


class PlainBM25:
    """The latency anchor: BM25 over an inverted index of each claim's texts, nothing else."""

    def __init__(self, topic: Topic):
        docs = []
        for c in topic.claims:
            texts = [*c.cues, c.title, *(a.text for a in c.arguments), *(e for a in c.arguments for e in a.evidence)]
            texts += [r.text for r in c.counter_rebuttals]
            docs.append(Counter(stem(w) for t in texts for w in words(t) if w not in STOPWORDS))
        n = len(docs)
        avg = sum(sum(tf.values()) for tf in docs) / n
        df = Counter(t for tf in docs for t in tf)
        idf = {t: math.log(1 + (n - d + 0.5) / (d + 0.5)) for t, d in df.items()}
        self.postings: dict[str, list[tuple[int, float]]] = {}
        for i, tf in enumerate(docs):
            norm = 1.2 * (0.25 + 0.75 * sum(tf.values()) / avg)
            for t, f in tf.items():
                self.postings.setdefault(t, []).append((i, idf[t] * f * 2.2 / (f + norm)))

    def match(self, text: str):
        scores: dict[int, float] = {}
        for t in {stem(w) for w in words(text) if w not in STOPWORDS}:
            for i, w in self.postings.get(t, ()):
                scores[i] = scores.get(i, 0.0) + w
        return sorted(scores.items(), key=lambda x: -x[1])[:3]


def synthetic_topic(base: Topic, n: int, seed: int = 1) -> Topic:
    rng = random.Random(seed)
    vocab = sorted({w for c in base.claims for a in c.arguments for w in words(a.text) if len(w) > 3})
    vocab += ["".join(rng.choice("abcdefghiklmnoprstuvz") for _ in range(rng.randint(5, 10))) for _ in range(20000)]

    def text(k):
        return " ".join(rng.choice(vocab) for _ in range(k))

    sources = {"s1": Source("s1", "Synthetic, A. Source. 2020.")}
    claims = []
    for i in range(n):
        side = "a" if i % 2 == 0 else "b"
        other = "b" if side == "a" else "a"
        target = f"c{i + 1}" if i + 1 < n else "c0"
        target = target if (int(target[1:]) % 2 == 0) == (other == "a") else f"c{(i + 1) % n}"
        rebs = tuple(Rebuttal(f"c{i}.r{j}", text(60), (f"c{(i + 1) % n}",), ("s1",)) for j in (1, 2))
        claims.append(
            Claim(
                f"c{i}",
                side,
                text(6),
                tuple(Line(f"c{i}.a{j}", text(70), ("s1",), (text(12),)) for j in (1, 2)),
                tuple(text(rng.randint(1, 4)) for _ in range(30)),
                rebs,
                (CounterRebuttal(f"c{i}.c1", f"c{i}.r1", text(60), ("s1",)),),
                spoken=Spoken(f"synthetic claim {i} holds", f"synthetic claim {i}"),
            )
        )
    kinds = {k: KindReplies(k, (Line(f"kind.{k}.1", "reply"),)) for k in base.kinds}
    return Topic(
        "synthetic", "Synthetic motion", (Side("a", "A", "a"), Side("b", "B", "b")), sources, tuple(claims), kinds
    )


def latency(matcher, texts: list[str], samples: int) -> tuple[float, float, float]:
    if isinstance(matcher, Matcher):  # what the engine runs for a turn: a reading in a debate context
        ctx = Context("stalin", ("nkvd-bureaucracy-momentum", "fearful-denunciations"))

        def run(t):
            return matcher.read(t, ctx)
    else:
        run = matcher if callable(matcher) else matcher.match
    for t in texts:
        run(t)
    times = []
    i = 0
    while len(times) < samples:
        t = texts[i % len(texts)]
        start = time.perf_counter()
        run(t)
        times.append((time.perf_counter() - start) * 1000)
        i += 1
    times.sort()
    return statistics.median(times), times[int(0.99 * len(times)) - 1], times[-1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="200,2000,20000", help="claims of the synthetic topics, comma-separated")
    ap.add_argument("--samples", type=int, default=2000)
    ap.add_argument("-v", "--verbose", action="store_true", help="print every miss")
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    path = default_topics_dir() / "great-purges.yaml"

    starts = []
    for _ in range(5):
        t0 = time.perf_counter()
        topic = load_topic_file(path)
        matcher = Matcher(topic)
        starts.append(time.perf_counter() - t0)
    print(
        f"{time.strftime('%Y-%m-%d')} {platform.node()}: python {sys.version.split()[0]}, {os.cpu_count()} cpus, "
        f"pinned to one core; topic {topic.id}: "
        f"{len(topic.claims)} claims"
    )
    print(f"start-up (read + parse + validate + index, best of 5): {min(starts) * 1000:.0f} ms")

    taxonomy = yaml.safe_load((DATA / "claims.yaml").read_text())
    sets = {}
    for name in ("dev.yaml", "chat_eval.yaml", "claims_practice.yaml"):
        if (DATA / name).exists():
            sets[name] = yaml.safe_load((DATA / name).read_text())["messages"]
    for name, msgs in sets.items():
        for label, fn in (("matcher", matcher_classify(matcher)), ("bm25 baseline", bm25_baseline(taxonomy))):
            r = evaluate(fn, msgs)
            print(
                f"{name:<15} {label:<14} top1 {r['top1']:.3f} ({r['top1_n']}) | F1 {r['f1']:.3f} | "
                f"no-claim rejected {r['rejected']} | kind {r['kind']}"
            )
            if args.verbose and label == "matcher":
                for gold, got, text in r["misses"]:
                    print(f"    MISS {gold} <- {got} | {text}")

    for name in ("moves_dev.yaml", "moves_practice_chat.yaml", "moves_practice_formal.yaml"):
        items = yaml.safe_load((DATA / name).read_text())["messages"]
        for label, fn in (("moves", moves_reading(matcher)), ("old reading", old_reading(matcher))):
            r = score_moves(fn, items)
            print(
                f"{name:<27} {label:<12} move top1 {r.top1} | attack in play {r.attack} | "
                f"sarcasm+question {r.sarcasm} | non-claim rejected {r.rejected.hit}/{r.rejected.of} | "
                f"kind {r.kind.hit}/{r.kind.of}"
            )

    texts = [m["text"] for msgs in sets.values() for m in msgs]

    def report(label: str, m, anchor) -> float:
        p50, p99, worst = latency(m, texts, args.samples)
        a50, a99, _ = latency(anchor, texts, args.samples)
        i50, i99, _ = latency(m.match, texts, args.samples)  # the isolated match: claims and kind, no moves
        print(
            f"latency, {label}: read() p50 {p50:.3f} ms, p99 {p99:.3f} ms, max {worst:.3f} ms | match() p50 "
            f"{i50:.3f} ms, p99 {i99:.3f} ms | plain BM25 anchor p50 {a50:.3f} ms, p99 {a99:.3f} ms | ratio p99: "
            f"read {p99 / a99:.1f}x, match {i99 / a99:.1f}x ({args.samples} samples)"
        )
        return p99

    report(f"shipped topic ({len(topic.claims)} claims)", matcher, PlainBM25(topic))
    first: tuple[int, float] | None = None
    for size in [int(x) for x in args.sizes.split(",")]:
        t0 = time.perf_counter()
        synth = synthetic_topic(topic, size)
        t1 = time.perf_counter()
        big = Matcher(synth)
        t2 = time.perf_counter()
        anchor = PlainBM25(synth)
        t3 = time.perf_counter()
        p99 = report(f"synthetic {size} claims", big, anchor)
        growth = ""
        if first is None:
            first = (size, p99)
        else:
            growth = f"; p99 grew {p99 / first[1]:.1f}x for {size / first[0]:.0f}x the claims"
        print(
            f"    index built in {(t2 - t1) * 1000:.0f} ms (anchor {(t3 - t2) * 1000:.0f} ms, ratio "
            f"{(t2 - t1) / max(t3 - t2, 1e-9):.1f}x); topic generated in {(t1 - t0) * 1000:.0f} ms{growth}"
        )


if __name__ == "__main__":
    main()
