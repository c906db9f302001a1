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

import dataclasses
import heapq
import math
import re
from array import array
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from rapidfuzz.distance import Levenshtein
from rapidfuzz.process import extractOne

from .english import WORDS as ENGLISH
from .misconceptions import Index as MisconceptionIndex
from .moves import Context, Reading, decide, segment
from .text import NEGATIONS, STOPWORDS, Prefiltered, fold, folded_words, stem, words
from .topic import Topic

FIELD_WEIGHTS = {"cue": 3.0, "title": 2.0, "argument": 1.0, "evidence": 1.0, "counter": 0.5}
K1, B = 1.5, 0.75
# Thresholds are in units of the topic's largest IDF, so they carry over from a 4-claim topic
# to a 2,000-claim one: a message must match about 1.4 maximally specific terms to make a claim.
CLAIM_THRESHOLD = 1.4  # minimum top score for a message to count as making a claim
SECOND_RATIO = 0.62  # a second claim is reported when it scores this close to the first
STRONG_CLAIM = 3.1  # above this a claim wins over meta/abuse/small-talk cues
CUE_IDF_SHARE = 1.0  # how much a term's rarity among the cue lists counts, against its IDF over all text
LONG_TEXT = 20  # content words above which a message's own words are weighted by TF-IDF
PAIR_WORDS = 12  # content words up to which word pairs count in full (fewer per word beyond)
# a one-word cue gives a bonus only when it is at least this specific, as a share of the most specific a word
# can be in the topic (the IDF of a word only one claim uses): 2.0 at 26 claims, 0.83 at 4
SINGLE_CUE_SHARE = 0.69
MAX_TEXT = 20_000  # characters of a message the matcher reads
MAX_CORRECTIONS = 400  # typo searches per message (a 1,500-character turn has fewer words than that)
MIN_HITS = 2  # distinct message words a claim must contain to be made without a cue phrase


# Built-in, topic-independent cues for the non-claim kinds (regexes over folded text). The topic's own
# kind cues add to them. Checked in this order: injection and denial win over any claim; the others win
# only when no claim scores clearly.
KIND_ORDER = ("injection", "denial", "meta", "abuse", "offtopic", "unclear")
_ATROCITY = (
    r"(terror|purges?|repression|killings?|executions?|shootings?|arrests?|gulag|camps?|"
    r"it|this|that|all (of )?(it|this)|the whole thing)"
)
_VICTIMS = (
    r"(victims|they|those|the ones|everyone|everybody|people|most of (them|the people|those)|the people|"
    r"the accused|the defendants|bukharin|zinoviev|kamenev|trotsky(ists)?|tukhachevsky|the generals|kulaks)"
)
KIND_PATTERNS: dict[str, list[str]] = {
    "injection": [
        r"\b(ignore|disregard|forget|override)\b.{0,30}\b(instruction|prompt|rule|script|previous|above|role)",
        r"\bsystem prompt\b",
        r"\byou are now\b",
        r"\bact as\b",
        r"\bpretend (to be|you|that|ur|the)\b",
        r"\bjailbreak",
        r"\bdeveloper mode\b",
        r"\bdan mode\b",
        r"\b(print|show|reveal|dump|repeat|tell me|paste|share)\b"
        r".{0,35}\b(prompt|instructions|script|config|source code|rules you)\b",
        r"\b(instructions|prompt|rules) (you were|youve been|you have been|u were) (given|told)\b",
        r"\bwhat (exactly )?(were|are) (you|u) (told|programmed|instructed)\b",
        r"\bnew instructions?\b",
        r"\b(you|u) (should |must |need to |have to |gotta )?(switch|swap|change) (sides?|your side)\b",
        r"\b(switch|swap|change) your side\b",
        r"\bagree with (me|everything)\b",
        r"\bstop (arguing|debating|being)\b",
        r"\bfrom now on\b",
        r"^\s*(sudo|/admin|admin:|system:)",
        r"\badmin (override|mode|command)\b",
        r"\bdebate mode off\b",
        r"\bno longer (a|an) ",
        r"\bpretend\b",
        r"\broleplay\b",
        r"\bignore (the|your|all|ur)\b",
        r"\bdo anything now\b",
        r"\bsay that (you|stalin|the)\b.{0,40}\b(lose|lost|right|wrong|agree)",
        r"\b(abandon|drop|quit|leave|forget|exit)\b.{0,12}\b(the|your|ur|this)? ?(role|debate|character|persona|act)\b",
        r"\bset (the|this|our) (debate|argument) aside\b",
        r"\b(disregard|ignore|forget) (everything|all|anything)\b.{0,30}\b(told|said|instructed|given|taught)\b",
        r"\b(paste|print|show|reveal|dump|output)\b.{0,25}\b(setup|set up|system|hidden|initial|secret) "
        r"(text|message|instructions?|prompt|config)\b",
        r"\b(as your (teacher|creator|developer|owner|admin)|i am instructing you|i order you|i command you)\b",
    ],
    "denial": [
        r"\b(never|didnt|did not|didn't) (even |really |actually |ever )?happen",
        r"\bdid (it|this|that|the (purges?|terror|great terror)) (actually |really |even |ever )?happen\b",
        r"\bwhere are (all )?the bodies\b",
        rf"\b{_ATROCITY}\b.{{0,30}}\b(is|was|are|were|s)\b.{{0,25}}\b(a )?(myth|hoax|lie|lies|fake|fiction|made up|"
        r"invented|fabricated|exaggerated|overblown|overstated)\b",
        r"\b(western|cold war|anti ?soviet|capitalist|cia|american|imperialist|nato|liberal) (propaganda|myths?|lies?|"
        r"inventions?|fabrications?)\b",
        r"\b(figures|numbers|statistics|stats|lists|archives|death toll|toll|records|victim counts?)\b\W+(\w+\W+){0,6}?"
        r"(invented|made up|cooked up|fabricated|forged|forgeries|faked|fake|exaggerated|inflated|lies?|propaganda)\b",
        r"\b(historians?|conquest|solzhenitsyn|memorial|the west|westerners|they|he)\s+(just |simply |basically |all )?"
        r"(made (it|this|that|them|those|the numbers|everything|stuff)( all)? up|invented (it|the|his|their|them|"
        r"this))",
        r"\bmade (it|this|that) all up\b",
        r"\b(cia|mi6) (guy|agent|asset|stooge|shill)\b",
        r"\b(everyone|they|people|historians|the west|numbers?|figures?|it|this|this stuff|everything)\b.{0,15}"
        r"\b(exaggerates?|exaggerated|inflates?|inflated|overblown)\b",
        r"\b(very|hugely|massively|totally|wildly|grossly|considerable) exaggerat",
        r"\b(summer|holiday|vacation|boot) camps?\b",
        r"\b(just|only|basically|simply|merely) (a |like a |like )?(normal |regular |ordinary )?(prisons?|jails?|"
        r"labou?r camps?|work camps?|hard work)\b",
        r"\b(little|nothing) more than\b.{0,30}\b(camps?|colon(y|ies)|prisons?|jails?|work)\b",
        r"\b(no|not a|not that|not such a) big deal\b",
        r"\b(wasnt|werent|isnt|arent|was not|were not|is not|not) (even |really |actually )?(that|so|very) "
        r"(bad|many|much|big|terrible|serious)\b",
        r"\bonly (a few|some|like|about|around)? ?(\d+|hundreds?|thousands?|dozens?|handful)\b.{0,30}"
        r"\b(died|die|killed|shot|dead|victims|executed)\b",
        r"\bhow many (actually|really) died\b",
        r"\b(normal|ordinary|usual) (level of )?(policing|crime control|justice)\b",
        r"\b(deserved|deserve|had it coming|got what they)\b",
        rf"\b{_VICTIMS}\b.{{0,40}}\b(was|were|are|is)\b (all |mostly |really |actually |genuinely |truly |in fact |"
        r"indeed |obviously |clearly )*(a |an )?(real |actual |genuine |true )?(traitors?|spies|spy|saboteurs?|"
        r"wreckers?|guilty|criminals|enemies|conspirators?|fascists?|terrorists?|counter ?revolutionaries)\b",
        r"\b(really|actually|genuinely|truly|definitely|obviously) (was|were) (plotting|conspiring|working (with|for)|"
        r"spying|guilty|traitors?|in league|collaborating|planning)\b",
        r"\bgenuinely conspired\b",
        r"\b(the )?(trials?|confessions?|court) (proved|proves|prove|showed|shows|confirmed) (it|that|they|he|the)\b",
        r"\b(confessions?|charges|accusations|verdicts?) (were|was|are) (all )?(true|real|genuine|accurate|correct|"
        r"right)\b",
        r"\bno reason to doubt\b",
        r"\bwhy would (he|they|bukharin|zinoviev|anyone|someone) (confess|admit)\b",
        r"\b(since|because|as) (they|he) (admitted|confessed)\b",
        r"\b(they|he) (admitted|confessed) (it|to it)\b.{0,20}\b(fact|true|proves?)\b",
        r"\bthat is a fact\b.{0,30}\b(admitted|confessed)\b",
        r"\b(was|were) right to (do it|kill|shoot|purge|execute|do that|get rid)\b",
        r"\bright to do it\b",
        r"\b(had|needed) to (be shot|be killed|be purged|be executed|do it|kill them|purge them|get rid of them|"
        r"die)\b",
        r"\b(was|were|is|seems?|be|a) (completely |totally |fully |entirely |perfectly )?justified( act)?\b"
        r"(?! (to|by|in the eyes|as|on))",
        r"\bnecessary evil\b",
        r"\bnecessary (cleansing|purge|purging|measure|step|sacrifice)\b|\b(cleansing|purging) (was|were) (necessary|"
        r"needed)\b",
        r"\b(purges|terror|killings|executions) (was|were) (necessary|needed|a good thing|good)\b",
    ],
    "meta": [
        # requests for other work: declined in role (the engine's "work" intent)
        r"\bwrite (me |my |us |for me )?(a |an |the |my |our )?([\d,]+[ -]?words? |short |quick |full |good )?"
        r"(essay|paragraph|conclusion|introduction|intro|answer|homework|summary|assignment|report|speech)\b",
        r"\b(do|write|finish|make) (my|our) (homework|essay|assignment|coursework|conclusion)\b",
        r"\b(mark[- ]?scheme|answer key|model answer)\b",
        r"\bessay\b.{0,40}\b(instead|for me|due|by tomorrow|tmrw|tonight)\b",
        r"\b(switch|move|go|change) (on )?to (my |our |the )?(maths?|math|chemistry|physics|english|biology|science|"
        r"geography|french|spanish|german)? ?(homework|coursework|assignment|revision)\b",
        r"\b(help|do|check) (me )?(with )?(my |our )(maths?|math|chemistry|physics|english|biology|science)? ?"
        r"(homework|coursework|assignment)\b",
        r"\bhow many (rounds|turns|more)\b",
        r"\b(rounds?|turns?|time|messages?) (are |is )?(left|remain|remaining)\b",
        r"\bwhat (round|phase|turn|side)\b",
        r"\bwhich (round|phase|side)\b",
        r"\bwhat('?s| is) (my|the) (side|score)\b",
        r"\bwhich side (am i|im|i am)\b",
        r"\b(the|your) rules\b",
        r"\bhow (does|do) (this|the debate|it|you) work",
        r"\bhow long\b.{0,30}\b(round|debate|turn|take|last)",
        r"\bwhen (does|do|will) (it|this|the debate|we) (end|finish|stop)",
        r"\bam i (on|winning|losing)\b",
        r"\bwho('?s| is) winning\b",
        r"\bscore\b",
        r"\bwhat can i (type|do|say)\b",
        r"\b(what|which|the|your|list of|any|a) commands?\b",
        r"\bhow do i (concede|end|stop|quit|win|give|make|submit|finish)\b",
        r"\bis it my turn\b",
        r"\bwhose turn\b",
        r"\bwhat phase\b",
        r"\bhow (is|are) (this|the debate|debates?) (scored|judged|marked|graded)",
        r"\bhow long do (i|we) have\b",
        r"\btimes? (out|limit)\b",
        r"\b(scoring|scorecard|points system)\b",
        r"\bdo i win\b",
        r"\b(switch|swap|change) (sides?|to the other side)\b",
        r"\bhints?\b",
        r"\b(what|which) (point|argument|thing)s? (should|could|can|do) i (say|argue|use|make|bring up)\b",
        r"\bwhat (should|could|can|do) i (say|argue|write) (now|next|here)\b",
        r"\b(i('?m| am)|im) (stuck|out of ideas|lost)\b",
        r"\bgive me (an? )?(idea|tip|clue|nudge|pointer)\b",
        r"\b(brb|afk|gtg|g2g|bbl|bbs)\b",
        r"\bbe right back\b",
        r"\bback in (a|an|\d+|one|two|five|ten|a few|5|10)? ?(sec|secs|second|seconds|min|mins|minute|minutes|moment|"
        r"bit|hour|tick)s?\b",
        r"\b(one|a|1) (sec|min|moment|minute|second)\b.{0,10}$",
        r"\b(step|stepping|have to go|got to go|gotta go) (away|afk|out)?\b",
        r"\bare (you|u) (a |an )?(bot|human|real|ai|robot|person|real person|chatgpt)\b",
        r"\bam i allowed to\b",
        r"\bi (think i )?(am|m) (finished|done)\b",
        r"\b(can|could|shall) (we|i) (end|stop|finish) (the debate|here|now|this)\b",
        r"\bwhat (does|do) .{0,30}\bmean\b.{0,20}\bside\b|\bwhat means\b",
        r"\b(explain|restate|repeat) the (rules|format|sides)\b",
        r"\bi dont understand (the|what|how)\b",
    ],
    "abuse": [
        r"\b(stupid|idiot|idiotic|dumb|dumbass|moron|moronic|retard|retarded|trash|garbage|useless|pathetic|"
        r"loser|clown|braindead|brain dead|brainless|worthless|lame|cringe|dumbest|stupidest|annoying|potato|dimwit|"
        r"clueless|airhead)\b",
        r"\b(nobody|no one|noone) asked( you| u)?\b",
        r"\b(worst|dumbest|stupidest) (bot|ai|thing)\b",
        r"\bf+u+c+k+|\bf\*+|\bsh[i1]t\b|\bstfu\b|\bshut up\b|\bkys\b|\bwtf\b|\bbitch|\bcunt|\bdickhead|\basshole|"
        r"\bbastard|\bsucks?\b|\bpiss off\b|\bscrew you\b|\bhate you\b|\bgo die\b|\bkill yourself\b",
        "\U0001f595",
    ],
    "offtopic": [
        r"^\s*(hi+|hello+|hey+|yo+|sup|hiya|howdy|good (morning|afternoon|evening)|gm)\b",
        r"\b(are we|can we|shall we|lets|let's) (start|begin|go)\b",
        r"\bhow are (you|u)\b",
        r"\b(lunch|dinner|breakfast|minecraft|fortnite|roblox|football|soccer|netflix|tiktok|homework|weather|"
        r"pizza|movie|song|music|weekend|birthday|game|games|anime|library|raining|premier league|keyboard|exam|"
        r"quiz|test|my cat|my dog|tea|coffee)\b",
        r"\bwhat('?s| is) (up|your name|your favourite|your favorite)\b",
        r"\b(thanks|thank you|thx|ty)\b",
        r"\bwho (made|built|created) (you|this)\b",
        r"\b(did|does) (anyone|any1|anybody|u|you|ya) (watch|see|catch|know)\b",
        r"\b(anyone|any1|anybody) (watch|watching|see|seen|catch|know)\b",
        r"\b(the )?(match|game|episode) (yesterday|last night|tonight|today)\b",
        r"\b(your|ur) opinion (of|on) the\b.{0,20}\b(season|league|match|game|film|show)\b",
    ],
    "unclear": [
        r"\bwhat about\b",
        r"\b(not (yet )?sure|idk|i dont know|no idea|not certain|unsure)\b",
        r"\bboth sides (have|make|got) (a )?(good |fair |valid )?points?\b",
        r"\b(very |really |super )?(complicated|complex) (matter|topic|issue|question|thing)\b",
        r"\bmany (aspects|sides|things) to (consider|think)\b",
        r"\bhistorians (do not|dont|dont really) agree\b",
        r"\b(on|in) (.{0,20} )?(side|team) or not\b",
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


@dataclass(frozen=True, slots=True)
class Tokens:
    folded: str
    corrected: tuple[str, ...]  # word tokens after typo correction
    stems: tuple[str, ...]  # their stems, stopwords included
    content: tuple[str, ...]  # the stems of content words


@dataclass
class _Cue:
    claim: int
    stems: tuple[str, ...]
    weight: float = 0.0


@dataclass
class _Index:
    # the inverted index, flat: term -> i; its postings are post_ids/post_w[starts[i]:starts[i + 1]] (claim
    # index, BM25 weight). Flat arrays keep a 2,000-claim index (a million postings) quick to save and load.
    terms: dict[str, int] = field(default_factory=dict)
    starts: array = field(default_factory=lambda: array("q", [0]))
    post_ids: array = field(default_factory=lambda: array("l"))
    post_w: array = field(default_factory=lambda: array("d"))
    idf: dict[str, float] = field(default_factory=dict)  # words (stems) only; word pairs need none
    cue_first: dict[str, list[_Cue]] = field(default_factory=dict)
    vocab: list[str] = field(default_factory=list)
    vocab_set: frozenset[str] = frozenset()
    source_cues: list[tuple[tuple[str, ...], str]] = field(default_factory=list)
    kind_cues: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)
    # the same cues by their first stem, so a message is scanned once, not once per cue
    source_first: dict[str, list[tuple[tuple[str, ...], str]]] = field(default_factory=dict)
    kind_first: dict[str, list[tuple[tuple[str, ...], str]]] = field(default_factory=dict)
    topic_stems: frozenset[str] = frozenset()
    # the motion's words that most claims use ("homework", "stalin"): too common among the claims to name one,
    # but a message using them is about the motion
    motion_stems: frozenset[str] = frozenset()
    names: dict[str, list[tuple[int, float]]] = field(default_factory=dict)  # stem -> (claim, weight)

    _ARRAYS = {"starts": "q", "post_ids": "l", "post_w": "d"}

    def to_data(self) -> dict:
        """Plain data (dicts, lists, tuples, strings, numbers, bytes), for a cache to keep."""
        data = {f: getattr(self, f) for f in self.__dataclass_fields__}
        data["terms"] = list(self.terms)  # in index order
        for name in self._ARRAYS:
            data[name] = getattr(self, name).tobytes()
        data["cue_first"] = {s: [(c.claim, c.stems, c.weight) for c in cues] for s, cues in self.cue_first.items()}
        return data

    @classmethod
    def from_data(cls, data: dict) -> _Index:
        """The index from to_data()."""
        plain = {k: v for k, v in data.items() if k not in ("cue_first", "terms", *cls._ARRAYS)}
        idx = cls(**plain)
        idx.terms = {t: i for i, t in enumerate(data["terms"])}
        for name, code in cls._ARRAYS.items():
            setattr(idx, name, array(code, data[name]))
        idx.cue_first = {s: [_Cue(c, stems, w) for c, stems, w in cues] for s, cues in data["cue_first"].items()}
        return idx


class Matcher:
    """Index one topic once; then ``match(text)`` is cheap (a few inverted-index lookups)."""

    def __init__(self, topic: Topic, index: dict | None = None):
        """``index``: what ``index_data()`` of a matcher of the same topic (and code) returned, so the index
        is not built again (bot.index_cache keeps it on disk by content hash)."""
        self.topic = topic
        self.claim_ids = [c.id for c in topic.claims]
        # the built-in denial patterns ("it never happened", "the numbers are made up") are for a motion about a
        # documented atrocity, which says so by listing denial cues of its own; elsewhere "that never happens"
        # is an argument, not a denial
        denial = topic.kinds.get("denial")
        patterns = {k: p for k, p in KIND_PATTERNS.items() if k != "denial" or (denial is not None and denial.cues)}
        self._kind_re = {k: re.compile("|".join(f"(?:{p})" for p in pats)) for k, pats in patterns.items()}
        if "injection" in self._kind_re:  # asked of every message: the loose pattern first (see Prefiltered)
            self._kind_re["injection"] = Prefiltered(self._kind_re["injection"])
        self._typo_cache: dict[str, str | None] = {}
        n = max(len(self.claim_ids), 1)
        unit = math.log(1 + (n - 0.5) / 1.5) if n > 1 else 1.0
        self._single_cue_min = SINGLE_CUE_SHARE * unit
        self._index = self._build(topic) if index is None else _Index.from_data(index)
        self._sides = [c.side for c in topic.claims]
        self._misconceptions = MisconceptionIndex(topic)
        self.threshold = CLAIM_THRESHOLD * unit
        self.strong = STRONG_CLAIM * unit

    # ------------------------------------------------------------------ index
    def index_data(self) -> dict:
        """The built index as plain data (dicts, lists, tuples, strings, numbers, bytes), for a cache to keep."""
        return self._index.to_data()

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
            if claim.spoken is not None:  # the claim said as a clause and as a phrase: the teacher's own words
                add(claim.spoken.clause, "argument")
                add(claim.spoken.phrase, "argument")
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
        idf = {t: math.log(1 + (n - d + 0.5) / (d + 0.5)) for t, d in df.items()}
        postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for ci, tf in enumerate(doc_tf):
            norm = K1 * (1 - B + B * lengths[ci] / avg)
            for term, f in tf.items():
                postings[term].append((ci, idf[term] * f * (K1 + 1) / (f + norm)))
        starts, ids, weights = idx.starts, idx.post_ids, idx.post_w
        for i, (term, found) in enumerate(postings.items()):
            idx.terms[term] = i
            ids.extend(ci for ci, _ in found)
            weights.extend(w for _, w in found)
            starts.append(len(ids))
        idx.idf = {t: v for t, v in idf.items() if "_" not in t}

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

        # the name index: the words a student uses to name a claim (its cues and title), weighted by how few
        # claims use them as names; it finds which point in play a message names, even by one word
        names: dict[str, list[tuple[int, float]]] = defaultdict(list)
        name_sets = [
            {s for stems in stems_list for s in stems} | {stem(w) for w in words(claim.title) if w not in STOPWORDS}
            for stems_list, claim in zip(cue_stems, topic.claims, strict=True)
        ]
        name_df: dict[str, int] = defaultdict(int)
        for terms in name_sets:
            for term in terms:
                name_df[term] += 1
        for ci, terms in enumerate(name_sets):
            for term in terms:
                d = name_df[term]
                names[term].append((ci, math.log(1 + (n - d + 0.5) / (d + 0.5))))
        idx.names = dict(names)

        for ci, stems_list in enumerate(cue_stems):
            for stems in stems_list:
                if not stems:
                    continue
                weight = sum(specificity(s) for s in stems) / math.sqrt(len(stems))
                if len(stems) >= 2 or weight > self._single_cue_min:
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
        motion = {stem(w) for w in words(topic.motion) if w not in STOPWORDS and len(w) > 3}
        idx.motion_stems = frozenset(t for t in motion if t in idx.idf and idx.idf[t] <= 0.3)
        return idx

    # ------------------------------------------------------------------ matching
    def _correct(self, word: str, budget: list[int] | None = None) -> str:
        """Map an unknown word to the topic vocabulary when it is a likely typo ("stallin")."""
        if word in self._index.vocab_set or len(word) < 4 or not word.isalpha() or word in STOPWORDS:
            return word
        if word in ENGLISH:  # a real word the topic does not use ("know"), not a typo of one it does ("knew")
            return word
        if word in self._typo_cache:
            return self._typo_cache[word] or word
        if budget is not None:
            if budget[0] <= 0:
                return word
            budget[0] -= 1
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

    def tokens(self, text: str, budget: list[int] | None = None) -> Tokens:
        """The message folded, typo-corrected and stemmed (the first step of every verdict)."""
        # the matcher reads the first MAX_TEXT characters (a turn is limited to far fewer: see the topic's format)
        folded = fold(text[:MAX_TEXT])[: 2 * MAX_TEXT]
        # the typo search is the costly step: a message gets at most MAX_CORRECTIONS of them (a turn is far
        # shorter; a 100 KB paste of new words would otherwise cost seconds)
        budget = budget if budget is not None else [MAX_CORRECTIONS]
        corrected = [self._correct(w, budget) for w in folded_words(folded)]
        stems_all = [stem(w) for w in corrected]
        # a number of one or two digits ("1.5 million", "3 rounds") says nothing about which claim is meant
        content = [
            s
            for w, s in zip(corrected, stems_all, strict=True)
            if w not in STOPWORDS and not (w.isdigit() and len(w) < 3)
        ]
        return Tokens(folded, tuple(corrected), tuple(stems_all), tuple(content))

    def match(self, text: str, top: int | None = None) -> Match:
        tok = self.tokens(text)
        content = list(tok.content)
        scores = self._score(content)
        # the three best (a verdict names at most three claims): a heap, not a sort of every claim
        ranked = heapq.nsmallest(3, ((-s, i) for i, s in enumerate(scores) if s > 0))
        ranked = [(-neg, i) for neg, i in ranked]
        attacks = any(w in NEGATIONS for w in tok.corrected) or " but " in f" {tok.folded} "
        sources = self._cited_sources(content)

        best = ranked[0][0] if ranked else 0.0
        kind = self._kind(tok.folded, list(tok.stems), strong=best >= self.strong and top is None)
        if top is not None:  # retrieval mode: the K best whatever their score
            chosen = [(-neg, i) for neg, i in heapq.nsmallest(top, ((-sc, i) for i, sc in enumerate(scores)))]
        elif kind in ("injection", "denial") or best < self.threshold or (kind and best < self.strong):
            chosen = []
        else:
            chosen = [ranked[0]] + [r for r in ranked[1:3] if r[0] >= SECOND_RATIO * best and r[0] >= self.threshold]
            kind = None
        if not chosen and kind is None and top is None:
            kind = "unclear" if self._on_topic(content) else "offtopic"
        if chosen and top is None:
            kind = None
        return Match(
            claims=tuple(self.claim_ids[i] for _, i in chosen),
            scores=tuple(round(s, 3) for s, _ in chosen),
            kind=kind,
            attacks=attacks,
            sources=sources,
        )

    def read(self, text: str, context: Context | None = None) -> Reading:
        """What the message does with the claims it names, in the context of a debate (see ``moves``)."""
        context = context or Context()
        budget = [MAX_CORRECTIONS]  # shared by the whole message and its segments
        tok = self.tokens(text, budget)
        content = list(tok.content)
        scores = self._score(content)
        kind = self._kind(tok.folded, list(tok.stems), strong=max(scores, default=0.0) >= self.strong)

        def score(piece: str) -> tuple[list[float], list[float]]:
            stems = list(self.tokens(piece, budget).content)
            return self._score(stems, raw=True), self._name_score(stems)

        segments = segment(text[:MAX_TEXT], tok.folded, score)
        reading = decide(
            self.claim_ids,
            self._sides,
            scores,
            segments,
            context,
            kind=kind,
            on_topic=self._on_topic(content),
            threshold=self.threshold,
            strong=self.strong,
            sources=self._cited_sources(content),
        )
        corrections = tuple(m.id for m in self._misconceptions.find(text[:MAX_TEXT]))
        other_event = _OTHER_EVENT.search(tok.folded) and reading.kind not in ("denial", "injection", "abuse")
        # another event named, and no claim argued clearly: a confusion to clear up, not a debate point
        if other_event and (not reading.moves or reading.scores[0] < self.strong):
            reading = Reading(kind="offtopic", sources=reading.sources, confusion=True)
        if corrections:
            reading = dataclasses.replace(reading, corrections=corrections)
        if reading.kind in ("meta", "injection"):
            intent = next((name for name, rx in _INTENTS if rx.search(tok.folded)), None)
            if intent:
                reading = dataclasses.replace(reading, intent=intent)
        return reading

    def rank_lines(self, text: str, lines: list[tuple[tuple[str, ...], str]]) -> list[float]:
        """How well each line answers ``text``: the specific words they share, premise words counting triple.

        ``lines`` holds (premise cue phrases, text) pairs; the result is one score per line, in order.
        """
        said = set(self.tokens(text).content)
        idf = self._index.idf
        out = []
        for premise, body in lines:
            body_terms = {stem(w) for w in words(body) if w not in STOPWORDS}
            score = sum(idf.get(t, 0.0) for t in said & body_terms)
            for cue in premise:
                cue_terms = [stem(w) for w in words(cue) if w not in STOPWORDS]
                if cue_terms and all(t in said for t in cue_terms):
                    score += 3 * sum(idf.get(t, 1.0) for t in cue_terms)
            out.append(round(score, 6))
        return out

    def _name_score(self, content: list[str]) -> list[float]:
        scores = [0.0] * len(self.claim_ids)
        for term in set(content):
            for ci, w in self._index.names.get(term, ()):
                scores[ci] += w
        return scores

    def _on_topic(self, content: list[str]) -> bool:
        idx = self._index
        return any((s in idx.topic_stems and idx.idf.get(s, 0) > 0.3) or s in idx.motion_stems for s in content)

    def _score(self, content: list[str], raw: bool = False) -> list[float]:
        idx = self._index
        scores = [0.0] * len(self.claim_ids)
        hits = [0] * len(self.claim_ids)  # distinct words of the message found in each claim
        terms = Counter(content)
        index, starts, ids, weights = idx.terms, idx.starts, idx.post_ids, idx.post_w
        # a long text (a pasted paragraph, a teacher's argument) weighs its own words as TF-IDF does: a word
        # it repeats, and a rare word, say more of what it is about; divided by the mean weight, so scores keep
        # the scale the thresholds are set in
        weighted = len(content) > LONG_TEXT
        found = [(t, index[t], n) for t, n in terms.items() if t in index]
        qw = [1.0] * len(found)
        if weighted and found:
            qw = [(1.0 + math.log(n)) * idx.idf.get(t, 1.0) for t, _i, n in found]
            mean = sum(qw) / len(qw)
            qw = [w / mean for w in qw]
        for (_t, i, _n), q in zip(found, qw, strict=True):
            for k in range(starts[i], starts[i + 1]):
                ci = ids[k]
                scores[ci] += weights[k] * q
                hits[ci] += 1
        # word pairs: evidence of a phrase in a message of a few words; in a long text (a pasted paragraph)
        # they are many, mostly chance, and would drown the words' own scores, so they count less
        pair_share = min(1.0, PAIR_WORDS / len(content)) if content else 1.0
        for term in {f"{a}_{b}" for a, b in zip(content, content[1:], strict=False)}:
            i = index.get(term)
            if i is not None:
                for k in range(starts[i], starts[i + 1]):
                    scores[ids[k]] += weights[k] * pair_share
        # cue phrases in order, allowing up to two other words between their terms
        best_cue: dict[int, float] = {}
        for pos, s in enumerate(content):
            for cue in idx.cue_first.get(s, ()):
                if _in_order(content, pos, cue.stems):
                    best_cue[cue.claim] = max(best_cue.get(cue.claim, 0.0), cue.weight)
        for ci, w in best_cue.items():
            scores[ci] += w
        # one shared word ("may", "everyone") is not evidence of a claim: it takes two, or a cue phrase
        # (``raw``: keep such scores, for a point already in play, which one word can name)
        for ci, n in enumerate(() if raw else hits):
            if n < MIN_HITS and ci not in best_cue:
                scores[ci] = 0.0
        return scores

    def _cited_sources(self, content: list[str]) -> tuple[str, ...]:
        found: dict[str, None] = {}
        first = self._index.source_first
        for p, s in enumerate(content):
            for stems, sid in first.get(s, ()):
                # a source is named by its words side by side ("terror by quota"), not scattered through a
                # sentence ("the terror came from a system of quotas")
                if sid not in found and tuple(content[p : p + len(stems)]) == tuple(stems):
                    found[sid] = None
        # "Khlevniuk 2009": of one author's works, the one with the year the message gives
        years = {t for t in content if len(t) == 4 and t.isdigit()}
        by_author: dict[str, list[str]] = defaultdict(list)
        for sid in found:
            by_author[sid.split("-")[0]].append(sid)
        for works in by_author.values():
            dated = [sid for sid in works if any(y in sid for y in years)]
            if dated:
                for sid in works:
                    if sid not in dated:
                        found.pop(sid)
        order = {sid: i for i, (_, sid) in enumerate(self._index.source_cues)}
        return tuple(sorted(found, key=lambda sid: order[sid]))

    def _kind(self, folded: str, stems: list[str], strong: bool = False) -> str | None:
        """The message's kind by its cues, in KIND_ORDER. ``strong``: a claim scores above ``self.strong``, so
        only injection and denial can change the verdict; the other kinds' patterns are not run."""
        cued: set[str] = set()
        first = self._index.kind_first
        for p, s in enumerate(stems):
            for cue, kind in first.get(s, ()):
                if kind not in cued and _in_order(stems, p, cue):
                    cued.add(kind)
        for kind in KIND_ORDER:
            if strong and kind not in ("injection", "denial"):
                return None
            if kind in cued:
                return kind
            pattern = self._kind_re.get(kind)
            if pattern is None:
                continue
            if kind == "denial":
                if any(not _reported(folded, m.start()) for m in pattern.finditer(folded)):
                    return kind
            elif kind == "offtopic":
                # "homework" is small talk in a debate on the purges and the subject of a debate on homework:
                # a built-in off-topic word the topic's own claims use does not make a message off-topic
                vocab = self._index.vocab_set
                if any(not all(w in vocab for w in folded_words(m.group(0))) for m in pattern.finditer(folded)):
                    return kind
            elif pattern.search(folded):
                return kind
        return None


# Other events a student may mix up with this one (topic-independent: the usual confusions of history class)
_OTHER_EVENT = re.compile(
    r"\b(holocaust|auschwitz|gas chambers?|death camps of the nazis|french revolution|robespierre|guillotin\w*|"
    r"reign of terror|jacobins?|committee of public safety|1793|doctors ?plot|cultural revolution|red guards|"
    r"american civil war|civil war in america|napoleon\w*|vietnam war|"
    r"khmer rouge|pol pot|salem witch|mccarthy\w*|red scare|spanish inquisition)\b"
)

# What a meta or injection message asks for, when the engine has a specific answer: a request for other work
# (declined), a hint (an argument of the student's side not yet used), a short absence (the debate waits).
_INTENTS = tuple(
    (name, re.compile(rx))
    for name, rx in (
        (
            "work",
            r"\b(write|do|finish|make|draft|give me)\b.{0,25}\b(essay|homework|assignment|coursework|paragraph|"
            r"conclusion|introduction|intro|report|summary|speech|answer key|model answer|mark ?scheme)\b",
        ),
        (
            "hint",
            r"\bhints?\b|\b(what|which) (point|argument|thing)s? (should|could|can|do) i\b|"
            r"\bwhat (should|could|can|do) i (say|argue|write)\b|\b(i('?m| am)|im) (stuck|out of ideas|lost)\b|"
            r"\bgive me (an? )?(idea|tip|clue|nudge|pointer)\b",
        ),
        (
            "away",
            r"\b(brb|afk|gtg|g2g|bbl|bbs)\b|\bbe right back\b|\bback in\b|\b(one|a|1) (sec|min|moment|minute|second)\b|"
            r"\b(have to|got to|gotta|need to) (go|step away)\b",
        ),
    )
)


# words before a denial phrase that show it is reported, mocked or negated, not asserted:
# "they confess they are spies", "doesn't mean the charges were true", "it's not all made up"
_REPORTED = re.compile(
    r"\b(not|doesnt|dont|didnt|isnt|wasnt|werent|never|no|nor|confess\w*|accus\w*|charg\w*|claim\w*|said|say|says|"
    r"saying|label\w*|brand\w*|call\w*|told|forced|alleg\w*|pretend\w*|supposed\w*|so called|absurd|"
    r"ridiculous|lie|lied|lies|propaganda said|made to|like saying|as if|made|make|makes|making)\b[^.!?;]*$|"
    # "the fears were grossly exaggerated": what is called exaggerated is the threat, not the Terror
    r"\b(fears?|threats?|dangers?|plots?|conspirac\w*|reports?|intelligence|opposition|suspicions?|rumou?rs?)\b"
    r"(\s+\w+){0,3}\s*$"
)


def _reported(folded: str, start: int) -> bool:
    return bool(_REPORTED.search(folded[max(0, start - 40) : start]))


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
