"""Big topics: how long a topic file of N claims takes to load (read, parse, validate) and index, cold and from
the index cache, beside a plain BM25 index of the same claims built in the same run; and start-up with the
shipped topic.

Method: synthetic topic files of N claims (default 500 and 2,000) are written in the topic-file format, each
claim shaped like a teacher's (a title, spoken forms, 12 cue phrases of 1-3 words, two arguments of about 45
words with evidence, two rebuttals and two counters of about 35 words, from the shipped topic's vocabulary plus
random words), and validated as `counterpoint validate` does. For each size, best of 3 runs:
  - parse: the YAML parse with its alias/depth/size check (bot.topic_files.parse_topic_text without the
    validation), and parse + validate (load_topic_file);
  - index, cold: Matcher(topic) with an empty cache; warm: with the index cache filled by the cold run;
  - anchor: a plain BM25 inverted index of the same claims' texts (bench/matcher.py's PlainBM25), built in
    the same run; each figure is also given as a ratio to it.
Start-up: read + parse + validate + index of the shipped topic (best of 5), cold and warm.
The process is pinned to one core where possible.

usage: python bench/big_topics.py [--sizes 500,2000]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from matcher import PlainBM25  # noqa: E402

from bot.domain.matcher import Matcher  # noqa: E402
from bot.domain.text import words  # noqa: E402
from bot.index_cache import IndexCache  # noqa: E402
from bot.topic_files import default_topics_dir, load_topic_file, read_yaml  # noqa: E402


def topic_data(n: int, seed: int = 1) -> dict:
    """A valid topic file's data with ``n`` claims (half a side)."""
    base = load_topic_file(default_topics_dir() / "great-purges.yaml")
    rng = random.Random(seed)
    vocab = sorted({w for c in base.claims for a in c.arguments for w in words(a.text) if len(w) > 3 and w.isalpha()})
    vocab += ["".join(rng.choice("abcdefghiklmnoprstuvz") for _ in range(rng.randint(5, 10))) for _ in range(20000)]

    def text(k: int) -> str:
        return " ".join(rng.choice(vocab) for _ in range(k)).capitalize() + "."

    claims = []
    for i in range(n):
        side, other = ("a", "b") if i % 2 == 0 else ("b", "a")
        target = f"c{(i + 1) % n}"
        claims.append(
            {
                "id": f"c{i}",
                "side": side,
                "title": f"Synthetic claim {i}: " + text(5)[:-1].lower(),
                "spoken": {"clause": f"synthetic claim {i} holds", "phrase": f"synthetic claim {i}"},
                "strength": 1 + i % 5,
                "arguments": [{"text": text(45), "evidence": [text(10)], "sources": ["s1"]} for _ in range(2)],
                "cues": [" ".join(rng.choice(vocab) for _ in range(rng.randint(1, 3))) for _ in range(12)],
                "rebuttals": [
                    {"id": f"c{i}.r{j}", "text": text(35), "draws_on": [target], "sources": ["s1"]} for j in (1, 2)
                ],
                "counter_rebuttals": [
                    {"id": f"c{i}.c{j}", "answers": f"c{i}.r{j}", "text": text(35), "sources": ["s1"]} for j in (1, 2)
                ],
            }
        )
        assert other  # sides alternate, so every rebuttal draws on a claim of the other side when n is even
    return {
        "id": f"synthetic-{n}",
        "motion": "A synthetic motion",
        "sides": [
            {"id": "a", "name": "Side A", "description": "A."},
            {"id": "b", "name": "Side B", "description": "B."},
        ],
        "sources": [{"id": "s1", "citation": "Synthetic, A. A Source. 2020."}],
        "claims": claims,
        "kinds": {
            k: {"replies": [f"A {k} reply."]} for k in ("offtopic", "meta", "abuse", "denial", "injection", "unclear")
        },
    }


def best(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="500,2000")
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    print(
        f"{time.strftime('%Y-%m-%d')} {platform.node()}: python {sys.version.split()[0]}, {os.cpu_count()} cpus, "
        f"pinned to one core; load average {os.getloadavg()[0]:.2f}; libyaml {yaml.__with_libyaml__}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        shipped = default_topics_dir() / "great-purges.yaml"
        cold_cache = IndexCache(None)
        warm_cache = IndexCache(Path(tmp) / "cache")

        def startup(cache):
            return lambda: cache.matcher(load_topic_file(shipped, cache))

        cold = best(startup(cold_cache), 5)
        startup(warm_cache)()
        warm = best(startup(warm_cache), 5)
        topic = load_topic_file(shipped)
        anchor = best(lambda: PlainBM25(topic), 5)
        print(
            f"start-up, shipped topic ({len(topic.claims)} claims; read + parse + validate + index, best of 5): "
            f"cold {cold * 1000:.0f} ms, from the index cache {warm * 1000:.0f} ms | plain BM25 index alone "
            f"{anchor * 1000:.0f} ms"
        )
        for n in [int(x) for x in args.sizes.split(",")]:
            path = Path(tmp) / f"synthetic-{n}.yaml"
            path.write_text(yaml.safe_dump(topic_data(n), sort_keys=False, width=100), encoding="utf-8")
            size = path.stat().st_size
            parse = best(lambda path=path: read_yaml(path.read_text(encoding="utf-8"), str(path)), 3)
            load = best(lambda path=path: load_topic_file(path), 3)
            big = load_topic_file(path)
            cold = best(lambda big=big: Matcher(big), 3)
            cache = IndexCache(Path(tmp) / f"cache-{n}")
            cache.matcher(load_topic_file(path, cache))
            warm = best(lambda path=path, cache=cache: cache.matcher(load_topic_file(path, cache)), 3)
            anchor = best(lambda big=big: PlainBM25(big), 3)
            print(
                f"{n:>6} claims ({size / 1e6:.1f} MB): parse {parse * 1000:.0f} ms, parse + validate {load * 1000:.0f}"
                f" ms, index {cold * 1000:.0f} ms | plain BM25 index {anchor * 1000:.0f} ms | load + index: cold "
                f"{(load + cold) * 1000:.0f} ms ({(load + cold) / anchor:.1f}x the anchor), from the cache "
                f"{warm * 1000:.0f} ms ({warm / anchor:.2f}x)"
            )


if __name__ == "__main__":
    main()
