"""The recognition check: will the bot recognise students' arguments for each claim of a topic?

The matcher is run on the topic's own material (each claim's cue phrases, title and spoken forms) and on
simple rewordings of them made here (words dropped, a typo, a question, a hedge), the way a student might put
it. Deterministic: the same topic gives the same report. Run on every upload and by ``counterpoint topic
check``; the adapters show it (the summary line in Discord, the whole report in the terminal).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from .topic import Claim, Topic

RELIABLE = 0.8  # share of a claim's probes that must be read as that claim
WEAK = 0.5  # below this share a claim is reported as too weak to be recognised
MAX_PROBES = 24  # per claim
TOTAL_PROBES = 3_000  # per topic: a big topic gets fewer probes a claim (at least 3), so the check stays quick
MAX_LISTED = 12  # items of each kind listed in the report
CONFUSED = 0.15  # a pair is reported when at least this share of a claim's messages (and 2) read as the other
_WORD = re.compile(r"[A-Za-z']+")


@dataclass(frozen=True, slots=True)
class Confusion:
    claim: str  # the claim the messages were written for
    read_as: str  # the claim the matcher read them as
    count: int
    examples: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ClaimResult:
    claim: str
    title: str
    probes: int
    hits: int  # probes read as this claim
    missed: int  # probes read as no claim at all

    @property
    def rate(self) -> float:
        return self.hits / self.probes if self.probes else 0.0

    @property
    def reliable(self) -> bool:
        return self.rate >= RELIABLE


@dataclass(frozen=True, slots=True)
class SharedCue:
    cue: str
    claim: str  # the claim the cue belongs to
    also: tuple[str, ...]  # other claims the matcher reads in the cue alone


@dataclass
class RecognitionReport:
    topic_id: str
    claims: list[ClaimResult] = field(default_factory=list)
    confusions: list[Confusion] = field(default_factory=list)
    shared_cues: list[SharedCue] = field(default_factory=list)
    unanswered_rebuttals: list[tuple[str, str]] = field(default_factory=list)  # (claim id, rebuttal id)
    no_spoken: list[str] = field(default_factory=list)  # claim ids
    titles: dict[str, str] = field(default_factory=dict)

    @property
    def reliable(self) -> int:
        return sum(r.reliable for r in self.claims)

    @property
    def weak(self) -> list[ClaimResult]:
        return [r for r in self.claims if r.rate < WEAK]

    @property
    def summary(self) -> str:
        return f"students' arguments for {self.reliable} of {len(self.claims)} claims are recognised reliably"

    def findings(self) -> list[str]:
        """What the report found, one short line a kind (for the upload's reply; the report has the detail)."""

        def n(count: int, one: str, many: str) -> str:
            return f"{count} {one if count == 1 else many}"

        out = []
        if self.confusions:
            out.append(n(len(self.confusions), "pair of claims confused", "pairs of claims confused"))
        if self.weak:
            out.append(n(len(self.weak), "claim too weak to be recognised", "claims too weak to be recognised"))
        if self.shared_cues:
            out.append(n(len(self.shared_cues), "cue phrase fires", "cue phrases fire") + " for several claims")
        if self.unanswered_rebuttals:
            out.append(n(len(self.unanswered_rebuttals), "rebuttal", "rebuttals") + " without a counter-rebuttal")
        if self.no_spoken:
            out.append(n(len(self.no_spoken), "claim", "claims") + " without spoken forms")
        return out

    def name(self, claim_id: str) -> str:
        return f"\u201c{self.titles.get(claim_id, claim_id)}\u201d ({claim_id})"

    def lines(self) -> list[str]:
        """The whole report as text lines (Markdown-friendly), ending with the summary."""
        out: list[str] = [f"Recognition check of {self.topic_id}: {len(self.claims)} claims."]
        if self.confusions:
            out += ["", "Claims the bot confuses (messages written for the first are read as the second):"]
            for c in self.confusions[:MAX_LISTED]:
                total = next(r.probes for r in self.claims if r.claim == c.claim)
                out.append(f"- {self.name(c.claim)} read as {self.name(c.read_as)}: {c.count} of {total} messages,")
                out += [f'    e.g. "{e}"' for e in c.examples]
            out += _more(self.confusions)
            out.append("  Fix: give each claim cue phrases of its own, words the other claim's students would not use.")
        if self.weak:
            out += ["", "Claims too weak to be recognised:"]
            for r in self.weak[:MAX_LISTED]:
                why = "mostly read as no claim" if r.missed * 2 >= r.probes - r.hits else "mostly read as another claim"
                out.append(f"- {self.name(r.claim)}: {r.hits} of {r.probes} messages recognised ({why})")
            out += _more(self.weak)
            out.append("  Fix: add cue phrases, the words a student would use to make this argument.")
        if self.shared_cues:
            out += ["", "Cue phrases that fire for several claims:"]
            for s in self.shared_cues[:MAX_LISTED]:
                also = ", ".join(self.name(a) for a in s.also)
                out.append(f'- "{s.cue}" of {self.name(s.claim)} also reads as {also}')
            out += _more(self.shared_cues)
        if self.unanswered_rebuttals:
            out += ["", "Rebuttals without a counter-rebuttal (the bot cannot defend its claim against them):"]
            out += [f"- {rid} (claim {cid})" for cid, rid in self.unanswered_rebuttals[:MAX_LISTED]]
            out += _more(self.unanswered_rebuttals)
        if self.no_spoken:
            out += ["", "Claims without spoken forms (the bot names them by their title, which reads stiffly):"]
            out += [f"- {self.name(c)}" for c in self.no_spoken[:MAX_LISTED]]
            out += _more(self.no_spoken)
        if len(out) == 1:
            out.append("No problems found.")
        out += ["", "Claim by claim (messages recognised):"]
        for r in self.claims:
            label = "ok   " if r.reliable else "weak " if r.rate < WEAK else "so-so"
            out.append(f"- {label} {r.hits}/{r.probes} {self.name(r.claim)}")
        out += ["", self.summary[0].upper() + self.summary[1:] + "."]
        return out


def _more(items: list) -> list[str]:
    return [f"  ... and {len(items) - MAX_LISTED} more"] if len(items) > MAX_LISTED else []


# ---------------------------------------------------------------------- rewordings
def _typo(text: str) -> str:
    """The longest word (at least 5 letters) with two letters in its middle swapped: a slip of the keyboard."""
    words = _WORD.findall(text)
    longest = max((w for w in words if len(w) >= 5 and w.isalpha()), key=len, default=None)
    if longest is None:
        return text
    i = len(longest) // 2
    slipped = longest[: i - 1] + longest[i] + longest[i - 1] + longest[i + 1 :]
    return text.replace(longest, slipped, 1)


def _drop(text: str, every: int) -> str:
    """Every ``every``-th word left out (words of fewer than four letters stay: they carry the grammar)."""
    words = text.split()
    kept = [w for i, w in enumerate(words) if (i % every) != every - 1 or len(w) < 4]
    return " ".join(kept) if len(kept) >= 2 else text


def probes(claim: Claim, limit: int = MAX_PROBES) -> list[str]:
    """Up to ``limit`` messages a student might write for the claim, made from its cues, title and spoken
    forms; the most telling first (a cue, the title, the clause, their rewordings, then the other cues)."""
    clause = claim.spoken.clause if claim.spoken.given else ""
    phrase = claim.spoken.phrase if claim.spoken.given else ""
    cues = list(claim.cues)
    head = [
        cues[0] if cues else "",
        claim.title,
        f"I would argue that {clause}." if clause else "",
        _typo(clause or claim.title),
        f"isn't it true that {clause}?" if clause else f"what about {claim.title.lower()}?",
        _drop(clause, 3) if clause else _drop(claim.title, 2),
        f"think about {phrase}" if phrase else "",
        _typo(cues[0]) if cues else "",
    ]
    rest: list[str] = []
    for cue in cues[1:]:
        rest += [cue, f"I think {cue} matters here"]
    seen: set[str] = set()
    out = []
    for text in head + rest:
        key = text.strip().lower()
        if key and key not in seen:
            seen.add(key)
            out.append(text.strip())
        if len(out) >= limit:
            break
    return out


# ---------------------------------------------------------------------- the check
def check_recognition(topic: Topic, matcher) -> RecognitionReport:
    """Run ``matcher`` (a bot.domain.matcher.Matcher of ``topic``) on each claim's probes; report what it
    confuses, what it misses, cues shared between claims and the topic's structural gaps."""
    report = RecognitionReport(topic.id, titles={c.id: c.title for c in topic.claims})
    limit = max(3, min(MAX_PROBES, TOTAL_PROBES // max(1, len(topic.claims))))
    cue_limit = max(1, TOTAL_PROBES // 3 // max(1, len(topic.claims)))
    for claim in topic.claims:
        texts = probes(claim, limit)
        hits = missed = 0
        wrong: dict[str, list[str]] = defaultdict(list)
        for text in texts:
            verdict = matcher.match(text)
            if verdict.top == claim.id:
                hits += 1
            elif verdict.top is None:
                missed += 1
            else:
                wrong[verdict.top].append(text)
        report.claims.append(ClaimResult(claim.id, claim.title, len(texts), hits, missed))
        for other, examples in wrong.items():
            report.confusions.append(Confusion(claim.id, other, len(examples), tuple(examples[:2])))
        for cue in claim.cues[:cue_limit]:
            found = matcher.match(cue).claims
            also = tuple(c for c in found if c != claim.id)
            if also:
                report.shared_cues.append(SharedCue(cue, claim.id, also))
        answered = {c.answers for c in claim.counter_rebuttals}
        report.unanswered_rebuttals += [(claim.id, r.id) for r in claim.rebuttals if r.id not in answered]
        if not claim.spoken.given:
            report.no_spoken.append(claim.id)
    # the pairs confused most first; one message in twenty read as another claim is noise, not confusion
    probes_of = {r.claim: r.probes for r in report.claims}
    report.confusions = sorted(
        (c for c in report.confusions if c.count >= max(2, CONFUSED * probes_of[c.claim])),
        key=lambda c: (-c.count, c.claim, c.read_as),
    )
    return report


__all__ = ["ClaimResult", "Confusion", "RecognitionReport", "SharedCue", "check_recognition", "probes"]
