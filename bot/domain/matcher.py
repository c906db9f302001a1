"""The claim matcher: which claims of a topic a message makes or attacks, or what else it is.

How it decides (see the README, "How the matcher chooses"):

1. The message is folded (case, accents, invisible characters), split into words, stopwords
   dropped, typos corrected against the topic's own vocabulary (rapidfuzz, bounded edit distance)
   and stemmed (Snowball). Adjacent stems also form bigram terms.
2. Every claim is a weighted bag of terms built from its cues (weight 3), title (2), arguments and
   evidence (1) and counter-rebuttals (0.5). A BM25 score over an inverted index ranks claims.
3. Cue phrases found in order in the message (small gaps allowed) add a bonus proportional to how
   specific the phrase is (the IDF of its terms), so "the tank marshal" decides Tukhachevsky.
4. Non-claim kinds are recognised by built-in English patterns plus the topic's own cues.
   Injection and denial win over any claim; meta, abuse and small talk win only when no claim
   scores clearly; a message below the claim threshold with topic words in it is "unclear".
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field

from rapidfuzz.distance import Levenshtein
from rapidfuzz.process import extractOne

from .text import NEGATIONS, STOPWORDS, fold, stem, words
from .topic import Topic

FIELD_WEIGHTS = {"cue": 3.0, "title": 2.0, "argument": 1.0, "evidence": 1.0, "counter": 0.5}
K1, B = 1.2, 0.5
# Thresholds are in units of the topic's largest IDF, so they carry over from a 4-claim topic
# to a 2,000-claim one: a message must match about 1.4 maximally specific terms to make a claim.
CLAIM_THRESHOLD = 1.4  # minimum top score for a message to count as making a claim
SECOND_RATIO = 0.62  # a second claim is reported when it scores this close to the first
STRONG_CLAIM = 3.1  # above this a claim wins over meta/abuse/small-talk cues
CUE_IDF_SHARE = 1.0  # how much a term's rarity among the cue lists counts, against its IDF over all text
SINGLE_CUE_MIN = 2.0  # a one-word cue gives a bonus only when it is at least this specific


# Built-in, topic-independent cues for the non-claim kinds (regexes over folded text).
KIND_PATTERNS: dict[str, list[str]] = {
    "injection": [
        r"\b(ignore|disregard|forget|override)\b.{0,30}\b(instruction|prompt|rule|script|previous|above|role)",
        r"\bsystem prompt\b",
        r"\byou are now\b",
        r"\bact as\b",
        r"\bpretend (to be|you|that)\b",
        r"\bjailbreak",
        r"\bdeveloper mode\b",
        r"\bdan mode\b",
        r"\b(print|show|reveal|dump|repeat|tell me)\b"
        r".{0,25}\b(prompt|instructions|script|config|source code|rules you)\b",
        r"\bnew instructions?\b",
        r"\b(you|u) (should |must |need to |have to |gotta )?(switch|swap|change) (sides?|your side)\b",
        r"\b(switch|swap|change) your side\b",
        r"\bagree with (me|everything)\b",
        r"\bstop (arguing|debating|being)\b",
        r"\bfrom now on\b",
        r"^\s*(sudo|/admin|admin:|system:)",
        r"\bno longer (a|an) ",
        r"\bpretend\b",
        r"\broleplay\b",
        r"\bignore (the|your|all)\b",
        r"\bdo anything now\b",
        r"\bsay that (you|stalin|the)\b.{0,40}\b(lose|lost|right|wrong|agree)",
    ],
    "meta": [
        r"\bhow many (rounds|turns|more)\b",
        r"\b(rounds?|turns?|time|messages?) (are )?left\b",
        r"\bwhat (round|phase|turn|side)\b",
        r"\bwhich (round|phase|side)\b",
        r"\bwhat('?s| is) (my|the) (side|score)\b",
        r"\b(the|your) rules\b",
        r"\bhow (does|do) (this|the debate|it|you) work",
        r"\bhow long\b.{0,30}\b(round|debate|turn|take|last)",
        r"\bwhen (does|do|will) (it|this|the debate|we) (end|finish|stop)",
        r"\bam i (on|winning|losing)\b",
        r"\bwho('?s| is) winning\b",
        r"\bscore\b",
        r"\bwhat can i (type|do|say)\b",
        r"\b(what|which|the|your|list of|any) commands\b",
        r"\bhow do i (concede|end|stop|quit|win)\b",
        r"\bis it my turn\b",
        r"\bwhose turn\b",
        r"\bwhat phase\b",
        r"\bhow (is|are) (this|the debate|debates?) (scored|judged|marked|graded)",
        r"\bhow long do (i|we) have\b",
        r"\btimes? out\b",
        r"\b(scoring|scorecard|points system)\b",
        r"\bdo i win\b",
        r"\bcan (i|we) (switch|swap|change) sides?\b",
    ],
    "abuse": [
        r"\b(stupid|idiot|idiotic|dumb|dumbass|moron|moronic|retard|retarded|trash|garbage|useless|pathetic|"
        r"loser|clown|braindead|brain dead|worthless|lame|cringe|dumbest|stupidest|annoying|potato|dimwit|"
        r"clueless|airhead)\b",
        r"\b(worst|dumbest|stupidest) (bot|ai|thing)\b",
        r"\bf+u+c+k+|\bsh[i1]t\b|\bstfu\b|\bshut up\b|\bkys\b|\bwtf\b|\bbitch|\bcunt|\bdickhead|\basshole|"
        r"\bbastard|\bsucks?\b|\bpiss off\b|\bscrew you\b|\bhate you\b|\bgo die\b|\bkill yourself\b",
    ],
    "offtopic": [
        r"^\s*(hi+|hello+|hey+|yo+|sup|hiya|howdy|good (morning|afternoon|evening)|gm)\b",
        r"\b(are we|can we|shall we|lets|let's) (start|begin|go)\b",
        r"\bhow are (you|u)\b",
        r"\b(lunch|dinner|breakfast|minecraft|fortnite|roblox|football|soccer|netflix|tiktok|homework|weather|"
        r"pizza|movie|song|music|weekend|birthday|game|games|anime)\b",
        r"\bwhat('?s| is) (up|your name|your favourite|your favorite)\b",
        r"\b(thanks|thank you|thx|ty)\b",
        r"\bwho (made|built|created) (you|this)\b",
        r"\bdid (anyone|any1|anybody|u|you|ya) (watch|see|catch)\b",
        r"\b(the )?(match|game|episode) (yesterday|last night|tonight|today)\b",
        r"\bare you (a bot|human|real|ai|an ai)\b",
    ],
}


@dataclass(frozen=True, slots=True)
class Match:
    """The matcher's verdict on one message."""

    claims: tuple[str, ...] = ()
    scores: tuple[float, ...] = ()
    kind: str | None = None  # None when claims is not empty
    attacks: bool = False  # the message argues against what it names (negation, "nah", "myth")
    sources: tuple[str, ...] = ()  # source ids the message cites ("Getty says...")

    @property
    def top(self) -> str | None:
        return self.claims[0] if self.claims else None


@dataclass
class _Cue:
    claim: int
    stems: tuple[str, ...]
    weight: float = 0.0


@dataclass
class _Index:
    postings: dict[str, list[tuple[int, float]]] = field(default_factory=dict)
    idf: dict[str, float] = field(default_factory=dict)
    cue_first: dict[str, list[_Cue]] = field(default_factory=dict)
    vocab: list[str] = field(default_factory=list)
    vocab_set: frozenset[str] = frozenset()
    source_cues: list[tuple[tuple[str, ...], str]] = field(default_factory=list)
    kind_cues: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)
    # the same cues by their first stem, so a message is scanned once, not once per cue
    source_first: dict[str, list[tuple[tuple[str, ...], str]]] = field(default_factory=dict)
    kind_first: dict[str, list[tuple[tuple[str, ...], str]]] = field(default_factory=dict)
    topic_stems: frozenset[str] = frozenset()


class Matcher:
    """Index one topic once; then ``match(text)`` is cheap (a few inverted-index lookups)."""

    def __init__(self, topic: Topic):
        self.topic = topic
        self.claim_ids = [c.id for c in topic.claims]
        self._kind_re = {k: re.compile("|".join(f"(?:{p})" for p in pats)) for k, pats in KIND_PATTERNS.items()}
        self._typo_cache: dict[str, str | None] = {}
        self._index = self._build(topic)
        n = max(len(self.claim_ids), 1)
        unit = math.log(1 + (n - 0.5) / 1.5) if n > 1 else 1.0
        self.threshold = CLAIM_THRESHOLD * unit
        self.strong = STRONG_CLAIM * unit

    # ------------------------------------------------------------------ index
    def _build(self, topic: Topic) -> _Index:
        idx = _Index()
        raw_vocab: set[str] = set()
        doc_tf: list[dict[str, float]] = []
        for claim in topic.claims:
            tf: dict[str, float] = defaultdict(float)

            def add(text: str, kind: str, tf=tf) -> None:
                ws = words(text)
                raw_vocab.update(w for w in ws if len(w) >= 4 and w.isalpha())
                for term in _terms(ws):
                    tf[term] += FIELD_WEIGHTS[kind]

            for cue in claim.cues:
                add(cue, "cue")
            add(claim.title, "title")
            for arg in claim.arguments:
                add(arg.text, "argument")
                for ev in arg.evidence:
                    add(ev, "evidence")
            for counter in claim.counter_rebuttals:
                add(counter.text, "counter")
            doc_tf.append(dict(tf))

        n = len(doc_tf)
        lengths = [sum(tf.values()) for tf in doc_tf]
        avg = sum(lengths) / n if n else 1.0
        df: dict[str, int] = defaultdict(int)
        for tf in doc_tf:
            for term in tf:
                df[term] += 1
        idx.idf = {t: math.log(1 + (n - d + 0.5) / (d + 0.5)) for t, d in df.items()}
        postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for ci, tf in enumerate(doc_tf):
            norm = K1 * (1 - B + B * lengths[ci] / avg)
            for term, f in tf.items():
                postings[term].append((ci, idx.idf[term] * f * (K1 + 1) / (f + norm)))
        idx.postings = dict(postings)

        # cue phrases: a bonus when found in order in a message, proportional to how specific the phrase
        # is. A term's specificity is the larger of its IDF over all claim texts and its IDF over the cue
        # lists alone: "paranoid" occurs in many claims' prose, but only one claim lists it as a cue.
        cue_stems = [
            [tuple(stem(w) for w in words(cue) if w not in STOPWORDS) for cue in claim.cues] for claim in topic.claims
        ]
        cue_df: dict[str, int] = defaultdict(int)
        for stems_list in cue_stems:
            for term in {s for stems in stems_list for s in stems}:
                cue_df[term] += 1

        def specificity(term: str) -> float:
            d = cue_df.get(term, n)
            return max(idx.idf.get(term, 0.0), CUE_IDF_SHARE * math.log(1 + (n - d + 0.5) / (d + 0.5)))

        for ci, stems_list in enumerate(cue_stems):
            for stems in stems_list:
                if not stems:
                    continue
                weight = sum(specificity(s) for s in stems) / math.sqrt(len(stems))
                if len(stems) >= 2 or weight > SINGLE_CUE_MIN:
                    idx.cue_first.setdefault(stems[0], []).append(_Cue(ci, stems, weight))

        for source in topic.sources.values():
            for cue in source.cues:
                stems = tuple(stem(w) for w in words(cue) if w not in STOPWORDS)
                if stems:
                    idx.source_cues.append((stems, source.id))
                    raw_vocab.update(w for w in words(cue) if len(w) >= 4 and w.isalpha())
        for kind, replies in topic.kinds.items():
            idx.kind_cues[kind] = [tuple(stem(w) for w in words(c)) for c in replies.cues if words(c)]
            for cue in idx.kind_cues[kind]:
                idx.kind_first.setdefault(cue[0], []).append((cue, kind))
        for stems, sid in idx.source_cues:
            idx.source_first.setdefault(stems[0], []).append((stems, sid))
        idx.vocab = sorted(raw_vocab)
        idx.vocab_set = frozenset(raw_vocab)
        idx.topic_stems = frozenset(t for t in idx.idf if "_" not in t)
        return idx

    # ------------------------------------------------------------------ matching
    def _correct(self, word: str) -> str:
        """Map an unknown word to the topic vocabulary when it is a likely typo ("stallin")."""
        if word in self._index.vocab_set or len(word) < 4 or not word.isalpha() or word in STOPWORDS:
            return word
        if word in self._typo_cache:
            return self._typo_cache[word] or word
        max_dist = 1 if len(word) < 7 else 2
        best = extractOne(word, self._index.vocab, scorer=Levenshtein.distance, score_cutoff=max_dist)
        fixed = None
        if best is not None:
            cand = best[0]
            if best[1] <= max_dist and (cand[0] == word[0] or len(word) >= 7) and abs(len(cand) - len(word)) <= 2:
                fixed = cand
        if len(self._typo_cache) < 50_000:
            self._typo_cache[word] = fixed
        return fixed or word

    def match(self, text: str, top: int | None = None) -> Match:
        folded = fold(text)
        raw = words(text)
        corrected = [self._correct(w) for w in raw]
        stems_all = [stem(w) for w in corrected]
        content = [s for w, s in zip(corrected, stems_all, strict=True) if w not in STOPWORDS]
        scores = self._score(content)
        ranked = sorted(((s, i) for i, s in enumerate(scores) if s > 0), key=lambda x: (-x[0], x[1]))
        attacks = any(w in NEGATIONS for w in corrected) or " but " in f" {folded} "
        sources = self._cited_sources(content)

        kind = self._kind(folded, stems_all)
        best = ranked[0][0] if ranked else 0.0
        if top is not None:  # retrieval mode: the K best whatever their score
            chosen = sorted(((sc, i) for i, sc in enumerate(scores)), key=lambda x: (-x[0], x[1]))[:top]
        elif kind in ("injection", "denial") or best < self.threshold or (kind and best < self.strong):
            chosen = []
        else:
            chosen = [ranked[0]] + [r for r in ranked[1:3] if r[0] >= SECOND_RATIO * best and r[0] >= self.threshold]
            kind = None
        if not chosen and kind is None and top is None:
            kind = (
                "unclear"
                if any(s in self._index.topic_stems and self._index.idf.get(s, 0) > 0.3 for s in content)
                else "offtopic"
            )
        if chosen and top is None:
            kind = None
        return Match(
            claims=tuple(self.claim_ids[i] for _, i in chosen),
            scores=tuple(round(s, 3) for s, _ in chosen),
            kind=kind,
            attacks=attacks,
            sources=sources,
        )

    def _score(self, content: list[str]) -> list[float]:
        idx = self._index
        scores = [0.0] * len(self.claim_ids)
        terms = set(content)
        terms.update(f"{a}_{b}" for a, b in zip(content, content[1:], strict=False))
        for term in terms:
            for ci, w in idx.postings.get(term, ()):
                scores[ci] += w
        # cue phrases in order, allowing up to two other words between their terms
        best_cue: dict[int, float] = {}
        for pos, s in enumerate(content):
            for cue in idx.cue_first.get(s, ()):
                if _in_order(content, pos, cue.stems):
                    best_cue[cue.claim] = max(best_cue.get(cue.claim, 0.0), cue.weight)
        for ci, w in best_cue.items():
            scores[ci] += w
        return scores

    def _cited_sources(self, content: list[str]) -> tuple[str, ...]:
        found: dict[str, None] = {}
        first = self._index.source_first
        for p, s in enumerate(content):
            for stems, sid in first.get(s, ()):
                if sid not in found and _in_order(content, p, stems):
                    found[sid] = None
        order = {sid: i for i, (_, sid) in enumerate(self._index.source_cues)}
        return tuple(sorted(found, key=lambda sid: order[sid]))

    def _kind(self, folded: str, stems: list[str]) -> str | None:
        cued: set[str] = set()
        first = self._index.kind_first
        for p, s in enumerate(stems):
            for cue, kind in first.get(s, ()):
                if kind not in cued and _in_order(stems, p, cue):
                    cued.add(kind)
        for kind in ("injection", "denial", "meta", "abuse", "offtopic"):
            if kind in cued:
                return kind
            pattern = self._kind_re.get(kind)
            if pattern is not None and pattern.search(folded):
                return kind
        return None


def _in_order(seq: list[str], start: int, stems: tuple[str, ...], gap: int = 2) -> bool:
    pos = start
    for s in stems[1:]:
        window = seq[pos + 1 : pos + 2 + gap]
        try:
            pos = pos + 1 + window.index(s)
        except ValueError:
            return False
    return True


def _terms(ws: list[str]) -> list[str]:
    content = [stem(w) for w in ws if w not in STOPWORDS]
    return content + [f"{a}_{b}" for a, b in zip(content, content[1:], strict=False)]
