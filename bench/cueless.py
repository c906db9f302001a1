"""Cue-less recognition benchmark: how well the matcher ranks claims when a topic has no hand-written cues
(a teacher's first file), beside plain lexical rankings measured in the same run.

Method: the shipped topic is loaded and every claim's cue list is emptied, as a teacher's
first file would be; the matcher indexes what is left (titles, spoken forms, arguments, evidence,
counter-rebuttals). Each labelled message with at least one gold claim (tests/data/dev.yaml,
claims_practice.yaml, chat_eval.yaml: three registers) is a query; the matcher's retrieval mode
(``Matcher.match(text, top=10)``, no threshold) gives its ranking. Scores: nDCG@10 (binary relevance, the
gold claims) and top-1 accuracy. Anchors over the very same claim texts and tokens (folded, stemmed,
stopwords out): BM25 with K1 1.5, B 0.75 and TF-IDF cosine (log tf, smoothed idf, l2-normalised). The
matcher with the shipped cues is given as the reference of what cues add.

Second part, counter-argument retrieval (the shape of the public benchmark the issue names: long argumentative
queries, one document per argument, no cues): every line of the shipped topic (arguments, rebuttals,
counter-rebuttals) is loaded as one claim with no cues; each rebuttal is a query, its relevant documents
are the counter-rebuttals that answer it; the query's own document is left out of its ranking.

usage: python bench/cueless.py
"""

from __future__ import annotations

import math
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.domain.matcher import Matcher  # noqa: E402
from bot.domain.text import STOPWORDS, stem, words  # noqa: E402
from bot.domain.topic import Topic  # noqa: E402
from bot.topic_files import default_topics_dir, load_topic_file  # noqa: E402

DATA = ROOT / "tests" / "data"
SETS = ("dev.yaml", "claims_practice.yaml", "chat_eval.yaml")


def without_cues(topic: Topic) -> Topic:
    return replace(topic, claims=tuple(replace(c, cues=()) for c in topic.claims))


def claim_texts(topic: Topic) -> list[list[str]]:
    """Each claim's text as the anchors read it: what a cue-less matcher indexes."""
    out = []
    for c in topic.claims:
        texts = [c.title, c.spoken.clause, c.spoken.phrase] if c.spoken else [c.title]
        texts += [a.text for a in c.arguments] + [e for a in c.arguments for e in a.evidence]
        texts += [r.text for r in c.counter_rebuttals]
        out.append([stem(w) for t in texts for w in words(t) if w not in STOPWORDS])
    return out


class BM25:
    def __init__(self, docs: list[list[str]], k1: float = 1.5, b: float = 0.75):
        self.tfs = [Counter(d) for d in docs]
        n, avg = len(docs), sum(map(len, docs)) / len(docs)
        df = Counter(t for tf in self.tfs for t in tf)
        self.idf = {t: math.log(1 + (n - d + 0.5) / (d + 0.5)) for t, d in df.items()}
        self.norms = [k1 * (1 - b + b * len(d) / avg) for d in docs]
        self.k1 = k1

    def rank(self, query: list[str]) -> list[int]:
        q = set(query)
        scores = [
            sum(self.idf[t] * tf[t] * (self.k1 + 1) / (tf[t] + norm) for t in q if t in tf)
            for tf, norm in zip(self.tfs, self.norms, strict=True)
        ]
        return sorted(range(len(scores)), key=lambda i: (-scores[i], i))


class TfIdfCosine:
    def __init__(self, docs: list[list[str]]):
        n = len(docs)
        df = Counter(t for d in docs for t in set(d))
        self.idf = {t: math.log((1 + n) / (1 + d)) + 1 for t, d in df.items()}
        self.vecs = [self._vec(Counter(d)) for d in docs]

    def _vec(self, tf: Counter) -> dict[str, float]:
        v = {t: (1 + math.log(f)) * self.idf[t] for t, f in tf.items() if t in self.idf}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        return {t: x / norm for t, x in v.items()}

    def rank(self, query: list[str]) -> list[int]:
        q = self._vec(Counter(query))
        scores = [sum(w * d.get(t, 0.0) for t, w in q.items()) for d in self.vecs]
        return sorted(range(len(scores)), key=lambda i: (-scores[i], i))


def lines_topic(topic: Topic) -> tuple[Topic, list[tuple[str, str, set[str]]]]:
    """Every line of the topic as one claim without cues, and the queries: (rebuttal's doc id, its text, the
    ids of the counter-rebuttals that answer it)."""
    from bot.domain.topic import Claim, Line

    claims, queries = [], []
    for c in topic.claims:
        for line in [*c.arguments, *c.rebuttals, *c.counter_rebuttals]:
            claims.append(Claim(f"doc-{line.id}", c.side, "", (Line(line.id, line.text),), (), (), ()))
        for r in c.rebuttals:
            answers = {f"doc-{x.id}" for x in c.counter_rebuttals if x.answers == r.id}
            if answers:
                queries.append((f"doc-{r.id}", r.text, answers))
    return replace(topic, claims=tuple(claims), misconceptions=(), disputed_points=()), queries


def ndcg10(ranked: list[str], gold: set[str]) -> float:
    dcg = sum(1 / math.log2(r + 2) for r, c in enumerate(ranked[:10]) if c in gold)
    ideal = sum(1 / math.log2(r + 2) for r in range(min(len(gold), 10)))
    return dcg / ideal


def main() -> None:
    shipped = load_topic_file(sorted(default_topics_dir().glob("*.yaml"))[0])
    bare = without_cues(shipped)
    ids = [c.id for c in bare.claims]
    docs = claim_texts(bare)
    bm25, tfidf = BM25(docs), TfIdfCosine(docs)
    with_cues, no_cues = Matcher(shipped), Matcher(bare)

    def matcher_rank(m: Matcher):
        return lambda text: list(m.match(text, top=10).claims)

    def anchor_rank(model):
        return lambda text: [ids[i] for i in model.rank([stem(w) for w in words(text) if w not in STOPWORDS])]

    rankers = {
        "matcher, no cues": matcher_rank(no_cues),
        "BM25 (K1 1.5, B 0.75)": anchor_rank(bm25),
        "TF-IDF cosine": anchor_rank(tfidf),
        "matcher + cues (reference)": matcher_rank(with_cues),
    }
    print(__doc__.split("usage:")[0].strip(), "\n")
    print(f"topic {shipped.id}: {len(ids)} claims; cues removed: {sum(len(c.cues) for c in shipped.claims)}\n")
    totals = {name: [0.0, 0, 0] for name in rankers}
    header = f"{'set':<22}{'queries':>8}  " + "  ".join(f"{n[:26]:>26}" for n in rankers)
    print("nDCG@10 / top-1\n" + header)
    for name in SETS:
        messages = yaml.safe_load((DATA / name).read_text(encoding="utf-8"))["messages"]
        items = [m for m in messages if m.get("labels")]
        row = f"{name:<22}{len(items):>8}  "
        for rname, rank in rankers.items():
            nd = top1 = 0.0
            for m in items:
                gold = set(m["labels"])
                ranked = rank(m["text"])
                nd += ndcg10(ranked, gold)
                top1 += bool(ranked) and ranked[0] in gold
            totals[rname][0] += nd
            totals[rname][1] += top1
            totals[rname][2] += len(items)
            row += f"{nd / len(items):>17.3f} / {top1 / len(items):.3f}"
        print(row)
    n = next(iter(totals.values()))[2]
    row = f"{'all':<22}{n:>8}  " + "".join(f"{t[0] / t[2]:>17.3f} / {t[1] / t[2]:.3f}" for t in totals.values())
    print(row)
    bm = totals["BM25 (K1 1.5, B 0.75)"][0]
    print(f"\nmatcher without cues ÷ BM25 (nDCG@10): {totals['matcher, no cues'][0] / bm:.3f}")

    docs_topic, queries = lines_topic(shipped)
    doc_ids = [c.id for c in docs_topic.claims]
    texts = [[stem(w) for w in words(c.arguments[0].text) if w not in STOPWORDS] for c in docs_topic.claims]
    lm, lbm25, ltfidf = Matcher(docs_topic), BM25(texts), TfIdfCosine(texts)

    def lanchor(model):
        return lambda text: [doc_ids[i] for i in model.rank([stem(w) for w in words(text) if w not in STOPWORDS])]

    lrankers = {
        "matcher": lambda text: list(lm.match(text, top=11).claims),
        "BM25 (K1 1.5, B 0.75)": lanchor(lbm25),
        "TF-IDF cosine": lanchor(ltfidf),
    }
    print(f"\ncounter-argument retrieval: {len(doc_ids)} lines as documents, {len(queries)} rebuttals as queries")
    for rname, rank in lrankers.items():
        nd = top1 = 0.0
        for own, text, gold in queries:
            ranked = [d for d in rank(text) if d != own][:10]
            nd += ndcg10(ranked, gold)
            top1 += bool(ranked) and ranked[0] in gold
        print(f"  {rname:<24} nDCG@10 {nd / len(queries):.3f}  top-1 {top1 / len(queries):.3f}")


if __name__ == "__main__":
    main()
