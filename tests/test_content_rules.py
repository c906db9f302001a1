"""Ground rules of the shipped Great Purges topic, checked line by line (issue 10).

- every figure in a line has a source named in the line's text;
- no unchecked (seed) source is cited as evidence;
- a line that touches a disputed point (by its cues) says that it is disputed;
- no sentence of 12 or more words appears in two lines (nor a 12-word run: near copies);
- at least 12 misconceptions, each sourced from the catalogue, figures with their source.
"""

from __future__ import annotations

import re
from collections import defaultdict

from bot.domain.text import fold, words

from .test_content import bot_lines

# a figure: 1,344,923 / 681,692 / 1.55 million / 40% / any number of 3+ digits that is not a year (1800-2099)
# or an order number with a leading zero (00447)
_NUMBER_RE = re.compile(r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?![\w,]*\d)(\s*(?:million|%|per cent))?")
MIN_SHARED_WORDS = 12
DISPUTE_MARKERS = (
    "disputed",
    "dispute",
    "debated",
    "contested",
    "unproven",
    "unconfirmed",
    "not confirmed",
    "dont confirm",
    "do not confirm",
    "uncertain",
    "disagree",
    "not established",
    "no archival evidence",
    "no evidence",
    "doubt",
    "doubts",
    "probably",
    "whether",
    "other counts",
    "memorials count",
    "some accounts",
    "some sums",
    "estimate",
    "estimates",
    "reportedly",
    "fabricated",
    "fell apart",
    "misleading",
    "label",
    "memorials count",
    "short lived",
)


def figures(text: str) -> list[str]:
    out = []
    for m in _NUMBER_RE.finditer(text):
        number, unit = m.group(1), m.group(2)
        if unit or "," in number:
            out.append(m.group(0).strip())
        elif number.startswith("0") and len(number) > 1:
            continue  # an order number such as 00447
        elif "." not in number and int(number) >= 100 and not 1800 <= int(number) <= 2099:
            out.append(number)
    return out


def _phrase_in(phrase: str, tokens: list[str]) -> bool:
    needle = words(phrase)
    n = len(needle)
    return bool(n) and any(tokens[i : i + n] == needle for i in range(len(tokens) - n + 1))


def source_names(topic) -> set[str]:
    """Names that show a line names a (checked) source: surnames and specific cues."""
    names: set[str] = set()
    for src in topic.sources.values():
        if src.type == "seed":
            continue
        surname = src.citation.split(",")[0].split(".")[0].strip().strip("'\"")
        if len(surname) <= 30:
            names.add(surname)
        names.update(c for c in src.cues if not re.search(r"\d|archival", c))
    return names


def all_lines(topic):
    yield from bot_lines(topic)
    for m in topic.misconceptions:
        yield f"misconception.{m.id}", m.correction


def test_every_figure_names_its_source_in_the_line(purges):
    """A sentence with a figure names a source, in itself or in the sentence right after it."""
    names = source_names(purges)
    unsourced = []
    for lid, text in all_lines(purges):
        sentences = re.split(r"(?<=[.!?])\s+", text)
        for i, sentence in enumerate(sentences):
            found = figures(sentence)
            window = words(" ".join(sentences[i : i + 2]))
            if found and not any(_phrase_in(n, window) for n in names):
                unsourced.append((lid, found, sentence[:80]))
    assert not unsourced, "figures with no source named beside them:\n" + "\n".join(map(str, unsourced))


def test_a_line_with_figures_names_one_of_its_own_sources(purges):
    def names(src):
        surname = src.citation.split(",")[0].split(".")[0].strip().strip("'\"")
        return ({surname} if len(surname) <= 30 else set()) | {c for c in src.cues if not re.search(r"\d|archival", c)}

    bad = []
    for claim in purges.claims:
        for line in (*claim.arguments, *claim.rebuttals, *claim.counter_rebuttals):
            tokens = words(line.text)
            if figures(line.text) and not any(
                _phrase_in(n, tokens) for s in line.sources for n in names(purges.sources[s])
            ):
                bad.append(line.id)
    assert not bad


def test_figure_finder():
    assert figures("1,344,923 convictions, 681,692 death sentences and 1.55 million arrests") == [
        "1,344,923",
        "681,692",
        "1.55 million",
    ]
    assert figures("Order 00447 of 30 July 1937, 98 of 139 members, 383 lists") == ["139", "383"]
    assert figures("the 1930s and 17 November 1938") == []


def test_no_seed_source_is_cited_as_evidence(purges):
    seeds = {s.id for s in purges.sources.values() if s.type == "seed"}
    assert {"seed-essay", "seed-guided-history"} <= seeds
    cited = []
    for claim in purges.claims:
        for line in (*claim.arguments, *claim.rebuttals, *claim.counter_rebuttals):
            cited += [(line.id, s) for s in line.sources if s in seeds]
    for kind in purges.kinds.values():
        cited += [(line.id, s) for line in kind.replies for s in line.sources if s in seeds]
    cited += [(m.id, s) for m in purges.misconceptions for s in m.sources if s in seeds]
    assert not cited


def test_every_disputed_point_has_cues(purges):
    assert all(d.cues for d in purges.disputed_points), [d.topic for d in purges.disputed_points if not d.cues]


def test_lines_that_use_a_disputed_point_say_it_is_disputed(purges):
    bad = []
    for lid, text in all_lines(purges):
        tokens = words(text)
        for point in purges.disputed_points:
            if any(_phrase_in(c, tokens) for c in point.cues) and not any(
                _phrase_in(mk, tokens) for mk in DISPUTE_MARKERS
            ):
                bad.append((lid, point.topic))
    assert not bad, "lines that use a disputed point as settled:\n" + "\n".join(map(str, bad))


def _sentences(text: str) -> list[list[str]]:
    return [words(s) for s in re.split(r"(?<=[.!?;:])\s+", fold(text))]


def test_no_long_sentence_or_run_of_words_appears_in_two_lines(purges):
    seen: dict[tuple[str, ...], str] = {}
    shared = defaultdict(set)
    for lid, text in all_lines(purges):
        tokens = words(text)
        grams = {tuple(tokens[i : i + MIN_SHARED_WORDS]) for i in range(len(tokens) - MIN_SHARED_WORDS + 1)}
        grams |= {tuple(s) for s in _sentences(text) if len(s) >= MIN_SHARED_WORDS}
        for g in grams:
            if g in seen and seen[g] != lid:
                shared[(seen[g], lid)].add(" ".join(g))
            else:
                seen.setdefault(g, lid)
    assert not shared, "text shared between lines:\n" + "\n".join(
        f"{a} / {b}: {sorted(s)[0]!r}" for (a, b), s in sorted(shared.items())
    )


def test_at_least_twelve_sourced_misconceptions(purges):
    assert len(purges.misconceptions) >= 12
    for m in purges.misconceptions:
        assert m.sources and all(s in purges.sources for s in m.sources), m.id
        assert len(m.correction.split()) <= 45, m.id
        assert all(purges.sources[s].type != "seed" for s in m.sources), m.id


def test_misconception_cues_do_not_fire_on_the_bots_own_lines(purges):
    from bot.domain import misconceptions

    fired = [(lid, [m.id for m in misconceptions.find(purges, text)]) for lid, text in bot_lines(purges)]
    assert not [f for f in fired if f[1]]
