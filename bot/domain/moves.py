"""Moves: what a student does with the claims a message names, in the context of a debate.

The matcher says *which* claims a message is about. A debate also needs *what the student does with
them*: argue a claim (``for``) or attack it (``against``). ``read_moves`` works that out from

- the context: the student's side, and the bot's points already made (``in_play``), which are the
  likely targets of an attack;
- the shape of the message, cut into segments at sentence ends and contrast words ("but", "still",
  "however"): which segment names which claim, and what each segment does:
  - concessions ("fair point", "granted", "I'll accept that") give a point to the other side;
  - sarcasm and rhetorical questions ("oh sure", "as if", "makes perfect sense", "so ...?") mock the
    claim their words name, so they are never read as agreement;
  - negation scoped to a claim ("it wasn't really his paranoia, it was the NKVD") rejects it;
  - phrases that name the bot's argument ("your point about ...", "the cult argument") attack it.

A message whose claim or stance is unsure gets no move: its kind is ``unclear`` and ``readings`` holds
the interpretations the bot should ask about. Pure functions over plain values; no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .text import Prefiltered

FOR, AGAINST = "for", "against"

# ---------------------------------------------------------------------------------------------- cues
# Regexes over folded text (lowercase, no accents, apostrophes inside words dropped: "didnt").

_CONCESSION = re.compile(
    r"\b(fair|fine,|granted|admittedly|agreed|undeniabl[ey]|tbf)\b|"
    r"^(ok|okay|fine|sure|yes|yeah|yep|true|alright|right|of course|certainly|indeed)\b|"
    r"\b(i(ll| will)?|i can|i do|i must) (accept|grant|admit|concede|agree|give (u|you) that)|"
    r"\b(ill|i will) give (u|you|ya) that\b|\b(you|u)(re| are| r)? (right|correct)\b|\bur right\b|\btrue enough\b|"
    r"\bno (argument|doubt|question|dispute)\b|\b(i )?(wont|cant|do not|dont) deny\b|\bto be fair\b|"
    r"\bi get (that|it|ur|your)\b|\b(that|this|it)s true\b|\bwhile it (is|may be) true\b|\b(it is|its|it may be) true "
    r"that\b|\bdocumented beyond\b"
)
_CONCESSION_FAST = Prefiltered(_CONCESSION)
_SARCASM = re.compile(
    r"(\boh,? (sure|right|yes|yeah|wow|great|please|totally|of course)\b|\byeah,? right\b|\bah,? (yes|right|"
    r"the)\b|\bsure,? (sure|because|bc|cuz|thing|jan)\b|\bas if\b|\bmakes (perfect|total|complete) sense\b|"
    r"\bwhat a (coincidence|surprise|shock|genius)\b|\btotally (realistic|believable|normal|plausible)\b|"
    r"\bvery (realistic|believable|convincing|plausible)\b|\bfascinating\b|\bgenius\b|\bmighty\b|"
    r"\bobviously,? (because|bc|the|he|they|stalin)\b|\bsuuure|\briiight|\bsure jan\b|\bi guess\b.*\?|"
    r"\bbecause (of course|naturally|obviously)\b|\bcompletely (normal|believable)\b|\bno personal\b|"
    r"\bjust a coincidence\b|\ba coincidence\b|\bclearly (weighing|reading|checking|a)\b|"
    r"(^|[.!?]\s*)(because|bc|cuz) (one|a single|stalin|he|the|every)\b|\bnothing to do with\b.*\bright\?|"
    r"\bpersonally (read|checked|reviewed|went through)\b|/s\b|\blmao sure\b|\bsure lol\b|\bwow\b|\bnice try\b|"
    r"\bwho (knew|would have thought)\b|\bso (independent|powerful|autonomous|innocent)\b|\bs+o+o+o+ \w+|\bsuper "
    r"(independent|powerful|free|autonomous|innocent|real|believable)\b|\bpoor (guy|thing|man|him|things|babies)\b|"
    r"\b(sure|yeah|right|oh|of course|naturally),? [^.!?]{0,90}\b(which is why|thats why|and thats why|hence why)\b|"
    r"\btruly,? nothing says\b|\bnothing says\b|\bwhat a (very |truly )?\w+ (paranoia|plan|system|chaos|machine|"
    r"coincidence|idea)\b|\bhow (convenient|very|terribly) \w+|\bmasterly\b|\bbrilliant (plan|strategy|idea)\b|"
    r"\bclearly (a|the) (work|sign) of\b|\bbecause thats how\b|\bflawless\b|\b(lol|lmao|lmfao)\s*$|"
    r"\bno doubt\b.{0,80}\balso\b|\b(was|were|is|are),? of course,? (renowned|famous|known)\b|\bpresumably\b.{0,80}"
    r"\balso\b|\bwe are (told|asked to believe|expected to believe)\b|\b(famous|renowned|famously|legendary) for\b|"
    r"\bthe famously\b|\bfamously (independent|efficient|free|orderly)\b)"
)
_SARCASM_FAST = Prefiltered(_SARCASM)  # (checked once a segment: the loose pattern refuses most quickly)
_SARCASM_EMOJI = re.compile("[\U0001f643\U0001f602\U0001f923\U0001f644\U0001f60f\U0001f937\U0001f914\U0001f921]")
_RHETORICAL = re.compile(
    r"(^|[.!?]\s*)(so|and|but|what|how|why|who|where|since when|really|seriously|do you|does anyone|"
    r"are we|am i|you think|you really|is it|was it|wasnt it|isnt it|did|didnt|doesnt|couldnt|wouldnt|"
    r"can|could|would)\b[^.!?]*\?"
)
# the message names the bot's argument as an argument: a strong sign that it attacks it
_NAMES_ARGUMENT = re.compile(
    r"\b(your|ur|you|yr|my opponents?|the bots?|opponents?)\b.{0,20}\b(point|argument|claim|case|idea|thesis|angle|"
    r"take|"
    r"theory|contention|assertion|suggestion|example|evidence|story|line|logic|reasoning|said|say|says|saying|"
    r"claimed|claim|argued|argue|argues|mentioned|brought up|keep|made|suggest|suggested|assume|assumes|"
    r"insist|contend|contends|maintain|maintains|think|thinks|reckon|seem|seems)\b|"
    r"\bthe (?:(?!(?:was|is|were|are|had|has|did|does|kept|been) )[a-z0-9' -]){2,40} "
    r"(argument|point|thesis|theory|idea|story|claim|case|explanation|narrative|"
    r"reading|view|interpretation|line)\b"
)
_DISMISSIVE = re.compile(
    r"\bidk (about )?(ur|your)\b|\b(wrong|false|untrue|not true|nonsense|rubbish|bs|cap|myth|overstated|overblown|"
    r"exaggerat\w*|"
    r"misleading|irrelevant|weak|flimsy|doesnt (prove|show|explain|work|hold|mean|follow|add up|fit)|"
    r"does not (prove|show|explain|work|hold|mean|follow|fit)|dont buy|do not buy|not convinc\w*|"
    r"cant explain|cannot explain|can not explain|fails? to explain|falls apart|breaks down|"
    r"cuts the other way|tells you nothing|says nothing|proves nothing|shows nothing|"
    r"no evidence|not (really|actually|just|only|the main|about|because)|isnt (really|actually|about)|"
    r"wasnt (really|actually|about|the)|werent (really|actually)|hardly|at best|so what|"
    r"only (matters|works|makes sense)|doesnt really|dont think so|disagree|problem with|"
    r"mistake|too simple|simplistic|oversimplif\w*|less about|rather than|instead of|lazy|silly|bad take|cope|"
    r"unconvincing|unpersuasive|doesnt matter|does not matter|dont matter|means nothing|so no|isnt the same|is not "
    r"the same|not the same|"
    r"excuse|doesnt work|does not work|makes no sense|no sense|ignores?|overlooks?|forgets?|confuses?|"
    r"sits uneasily|cannot account|cant account|fails|proves only|shows only|only shows|only proves)\b"
)
_NEGATION = re.compile(
    r"\b(not|no|never|nah|nope|wasnt|isnt|werent|arent|didnt|doesnt|dont|cant|couldnt|wouldnt|hardly|"
    r"neither|nor|rather than|instead of|less about|far from)\b"
)
# "it's not like the NKVD needed pushing": a negation that argues FOR what follows
_NOT_LIKE = re.compile(
    r"\b(its|it is|it was|its not as if|not as if)\s*not (like|as if|as though)\b|"
    r"\bnot (like|as if|as though)\b|\bno (doubt|question)\b|\bnot only\b|\bnot just\b|"
    r"\bnever (let|forgave|forget|trusted|allowed|tolerated)\b|\bcould not have\b"
)
# the student raises the other side's argument in order to knock it down ("before you bring up the lists")
_RAISES = re.compile(
    r"\b(before (u|you|anyone|someone|somebody|my opponent|the bot) (bring|brings|mention|mentions|say|says|suggest|"
    r"suggests|tell|tells|point|points|start|starts|go|goes|try|tries)|dont (say|tell me|bring up|even start|come "
    r"at me)|"
    r"do not (say|tell me|bring up)|if (u|you|ur|youre|you are|my opponent|someone|anyone)( r| are|re)? ?(gonna |"
    r"going to |"
    r"about to |will |wanna |want to |try to |plan to )?(say|mention|bring|tell|argue|claim|point|use|cite)|"
    r"(u|you|ur|youre|you are|my opponent|someone|somebody|people|ppl|they|critics|anyone|the bot)( r| are|re|ll| "
    r"will| may|"
    r" might| would| could| shall)? ?(probs |probably |prob |doubtless |surely |no doubt |likely |now )?(gonna|"
    r"going to|"
    r"will|ll|may|might|try to|want to|wanna) (say|bring up|bring in|mention|tell us|tell me|argue|claim|point to|"
    r"reply|"
    r"respond|object|suggest|wheel out|trot out)\b|(u|you|ur|my opponent|someone|somebody|critics|anyone|the bot) "
    r"(probably |doubtless |surely |no doubt )(say|bring up|mention|argue|claim|point to|reply|object|suggest)\b|(i|"
    r"we) (anticipate|expect|suspect|predict)|(we|you|u) (may|might|will|shall|could) (also |probably |"
    r"now )?hear|it (is|will be|may be|might be|could be|has been) (sometimes |often |doubtless |commonly |usually |"
    r"also )?"
    r"(said|argued|claimed|suggested|objected)|in advance|pre ?emptively|let me (address|answer|deal with|head off)|"
    r"some (say|argue|claim|will say|historians say|people say|might say)|should .{0,50} be (raised|mentioned|"
    r"brought up|"
    r"cited|invoked)|"
    r"the (usual|standard|obvious|predictable) (reply|objection|answer|comeback|line)|"
    r"(^|oh and |and )'[^']{3,80}' (doesnt|does not|isnt|is not|dont|means nothing|proves nothing|wont|will not))"
)
_SEGMENT_SPLIT = re.compile(
    r"(?<=[.!?;:])\s+|\s+[-\u2013\u2014]+\s+|\.\.\.+\s*|"
    r"(?=\b(?:but|however|still|yet|though|although|nevertheless|nonetheless|whereas|that said|even so)\b)|"
    r"(?<=\btho),?\s+|(?<=\bthough),\s+"
)


@dataclass(frozen=True, slots=True)
class Move:
    """One thing a message does: argues a claim (``for``) or attacks it (``against``)."""

    claim: str
    stance: str
    score: float = 0.0

    def as_dict(self) -> dict:
        return {"claim": self.claim, "stance": self.stance}


@dataclass(frozen=True, slots=True)
class Context:
    """What the reader knows of the debate: the student's side and the bot's points made so far."""

    side: str | None = None
    in_play: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Segment:
    """A piece of a message between sentence ends and contrast words, and what it does."""

    text: str
    scores: tuple[float, ...]
    names: tuple[float, ...] = ()  # how strongly the segment names each claim (its cue and title words)
    after_contrast: bool = False
    concedes: bool = False
    negated: bool = False  # a negation that rejects ("it wasn't X"), not one that argues ("it's not like")
    dismissive: bool = False
    sarcastic: bool = False
    question: bool = False
    raises: bool = False  # raises the other side's argument to knock it down
    names_argument: bool = False
    pointed: tuple[float, ...] = ()  # name scores of the words that name an argument ("the chaos thesis")

    @property
    def attacks(self) -> bool:
        return self.negated or self.dismissive or self.sarcastic or self.question or self.raises or self.names_argument


@dataclass(frozen=True, slots=True)
class Reading:
    """The verdict on one message in a debate: its moves, or its kind when it makes none."""

    moves: tuple[Move, ...] = ()
    kind: str | None = None  # None when there are moves
    claims: tuple[str, ...] = ()  # the claims of the moves, best first
    scores: tuple[float, ...] = ()
    sources: tuple[str, ...] = ()  # source ids the message cites
    readings: tuple[Move, ...] = ()  # kind "unclear": the interpretations to ask about
    sarcastic: bool = False
    question: bool = False
    intent: str | None = None  # kinds meta and injection: "hint", "away" or "work" when the message asks that
    corrections: tuple[str, ...] = ()  # ids of the topic's misconceptions the message states
    confusion: bool = False  # the message is about another event (the Holocaust, the French Revolution's Terror)

    @property
    def top(self) -> str | None:
        return self.claims[0] if self.claims else None


def segment(raw: str, folded: str, score) -> tuple[Segment, ...]:
    """Cut a message into segments and mark what each does.

    ``score(text)`` gives two lists over the claims: match scores and name scores.
    """
    sarcastic_all = bool(_SARCASM_EMOJI.search(raw))
    out: list[Segment] = []
    after = False
    for piece in _pieces(folded):
        if not piece:
            continue
        if _STARTS_CONTRAST.match(piece):
            after = True
        neg = bool(_NEGATION.search(piece)) and not _NOT_LIKE.search(piece)
        scores, names = score(piece)
        pointed: tuple[float, ...] = ()
        named = _NAMES_ARGUMENT.search(piece)
        if named:
            # the naming words and what follows them: "your point about the nkvd having its own momentum"
            rest = piece[named.end() :].split()
            about = rest[:7] if rest and rest[0] in _ABOUT else []
            phrase = piece[named.start() : named.end()] + " " + " ".join(about)
            pointed = tuple(score(phrase)[1])
        out.append(
            Segment(
                text=piece,
                scores=tuple(scores),
                names=tuple(names),
                after_contrast=after,
                concedes=bool(_CONCESSION_FAST.search(piece)),
                negated=neg,
                dismissive=bool(_DISMISSIVE.search(piece)),
                sarcastic=bool(_SARCASM_FAST.search(piece)),
                question=bool(_RHETORICAL.search(piece)) or piece.endswith("?"),
                raises=bool(_RAISES.search(piece)),
                names_argument=bool(named),
                pointed=pointed,
            )
        )
    if sarcastic_all or any(s.sarcastic for s in out):
        out = [_with(s, sarcastic=True) for s in out]
    return tuple(out)


MAX_SEGMENTS = 40  # a message is read in at most this many segments; the rest joins the last one


_ABOUT = frozenset({"about", "abt", "bout", "that", "on", "regarding", "re", "of", "where", "how", "when", "with"})


def _pieces(folded: str) -> list[str]:
    """Sentence and contrast pieces; "it wasn't X, it was Y" is cut after X."""
    pieces = _pieces_all(folded)
    if len(pieces) > MAX_SEGMENTS:
        pieces = pieces[: MAX_SEGMENTS - 1] + [" ".join(pieces[MAX_SEGMENTS - 1 :])]
    return pieces


def _pieces_all(folded: str) -> list[str]:
    out = []
    for piece in _SEGMENT_SPLIT.split(folded):
        piece = (piece or "").strip(" ,")
        while piece:
            m = _IT_WASNT.search(piece)
            cut = _IT_WAS.search(piece, m.end()) if m else None
            if cut is None:
                out.append(piece)
                break
            out.append(piece[: cut.start()].strip(" ,"))
            piece = piece[cut.start() :].strip(" ,")
    return [p for p in out if p]


_IT_WAS = re.compile(r"(,\s*|\b)(it|that|this|they|he)\s*(was|is|were|s)\b(?! not)|,\s*(it|that)s\b|,")


def _with(seg: Segment, **changes) -> Segment:
    fields = {f: getattr(seg, f) for f in Segment.__dataclass_fields__}
    fields.update(changes)
    return Segment(**fields)


_STARTS_CONTRAST = re.compile(
    r"(but|however|still|yet|though|although|nevertheless|nonetheless|whereas|that said|even so)\b"
)

# thresholds, as shares of the best claim score of the message
IN_PLAY_SHARE = 0.25  # a bot point in play is attacked when it scores this share of the best claim
MARKED_SHARE = 0.1  # ... or this share, when the segment that names it negates, dismisses, mocks or asks
OWN_SHARE = 0.45  # a claim of the student's side is put forward when it scores this share of the best
PREEMPT_SHARE = 0.9  # a bot-side claim not yet in play is attacked when it is (nearly) the best claim
SEGMENT_SHARE = 0.5  # a claim "belongs" to a segment where it scores this share of its best segment score
UNDERCUT_SHARE = 0.5  # "yes X, but ...": X is attacked when the part after "but" still scores this share of X
NAME_MIN = 1.5  # ... or when a segment that attacks names it this strongly (see Matcher._name_score)
UNSURE_SHARE = 0.6  # ... unless another move of the message scores this share of it
MAX_MOVES = 3
PLAY_NAMED = 0.5  # sarcasm that argues an own claim aims at a point in play that it names this much (x threshold)


def decide(
    ids: list[str],
    sides: list[str],
    scores: list[float],
    segments: tuple[Segment, ...],
    ctx: Context,
    *,
    kind: str | None,
    on_topic: bool,
    threshold: float,
    strong: float,
    sources: tuple[str, ...] = (),
) -> Reading:
    """The moves of one message, from its claim scores, its segments and the debate context."""
    n = len(ids)
    # by score, ties in claim order: the scored claims sorted, then the rest as they come (the same order as
    # sorting every claim, without sorting thousands of zeros in a big topic)
    order = sorted((i for i in range(n) if scores[i] > 0), key=lambda i: (-scores[i], i))
    order += [i for i in range(n) if not scores[i] > 0]
    top = scores[order[0]] if n else 0.0
    sarcastic = any(s.sarcastic for s in segments)
    question = any(s.question for s in segments)
    common = {"sources": sources, "sarcastic": sarcastic, "question": question}
    named_in_play = (
        ctx.side is not None
        and any(
            s.attacks
            and not s.concedes
            and (
                s.sarcastic
                or _YOUR_POINT.search(s.text)
                or any(s.names[ids.index(c)] >= NAME_MIN for c in ctx.in_play if c in ids)
            )
            for s in segments
        )
        and bool(ctx.in_play)
    )
    weak = top < threshold or (kind and top < strong)
    if kind in ("injection", "denial") or (weak and not (named_in_play and kind is None)):
        return Reading(kind=kind or ("unclear" if on_topic else "offtopic"), **common)
    if ctx.side is None:
        moves = _surface_moves(ids, scores, order, segments, threshold, top)
    else:
        moves = _moves_in_context(ids, sides, scores, order, segments, ctx, threshold, top)
        readings = _unsure(ids, sides, scores, order, segments, ctx, moves, threshold)
        if readings:
            return Reading(kind="unclear", readings=readings, **common)
    if not moves:
        return Reading(kind="unclear" if on_topic else "offtopic", **common)
    moves = moves[:MAX_MOVES]
    return Reading(
        moves=tuple(moves),
        claims=tuple(m.claim for m in moves),
        scores=tuple(round(m.score, 3) for m in moves),
        **common,
    )


def _surface_moves(ids, scores, order, segments, threshold: float, top: float) -> list[Move]:
    """Without a side: the claims named, attacked when the segment naming them rejects or mocks them."""
    out = []
    for i in [order[0]] + [j for j in order[1:3] if scores[j] >= max(threshold, 0.62 * top)]:
        seg = _home(segments, i)
        against = seg is not None and (seg.negated or seg.dismissive or seg.sarcastic) and not seg.concedes
        out.append(Move(ids[i], AGAINST if against else FOR, scores[i]))
    return out


def _home(segments: tuple[Segment, ...], i: int) -> Segment | None:
    """The segment that names claim i most strongly."""
    best = max(segments, key=lambda s: s.scores[i], default=None)
    return best if best is not None and best.scores[i] > 0 else None


def _homes(segments: tuple[Segment, ...], i: int) -> list[Segment]:
    """Every segment that names claim i about as strongly as its best one."""
    peak = max((s.scores[i] for s in segments), default=0.0)
    return [s for s in segments if peak > 0 and s.scores[i] >= SEGMENT_SHARE * peak]


def _moves_in_context(ids, sides, scores, order, segments, ctx: Context, threshold, top) -> list[Move]:
    user = ctx.side
    in_play = {ids.index(c) for c in ctx.in_play if c in ids}
    own = [i for i in order if sides[i] == user and scores[i] > 0]
    theirs = [i for i in order if sides[i] != user]
    all_ids = list(range(len(ids)))
    # the claims anything in the message touches (a score, a name as an argument) and the points in play: no
    # other claim can be attacked or raised, so a big topic is not read claim by claim
    touched = set(in_play) | {i for i, v in enumerate(scores) if v > 0}
    for seg in segments:
        touched.update(i for i, v in enumerate(seg.scores) if v > 0)
        if seg.pointed:
            touched.update(i for i, v in enumerate(seg.pointed) if v >= NAME_MIN)

    # "yes X, but ...": the best claim of the other side in the conceding segments
    conceded: int | None = None
    undercut = False
    conceding = [s for s in segments if s.concedes and not s.sarcastic and not s.after_contrast] or [
        s for s in segments if s.concedes and not s.sarcastic
    ]
    if conceding:
        best = max(theirs, key=lambda i: max(s.scores[i] for s in conceding), default=None)
        best_score = max((s.scores[best] for s in conceding), default=0.0) if best is not None else 0.0
        if best is not None and best_score >= threshold:
            conceded = best
            after = max((s.scores[best] for s in segments if s.after_contrast and not s.concedes), default=0.0)
            undercut = after >= UNDERCUT_SHARE * best_score and after >= threshold
            # "... but the numbers came from above, so it doesn't matter": the rest says X proves nothing
            undercut = undercut or any(s.after_contrast and _UNDERCUTS.search(s.text) for s in segments)

    best_of_segment: dict[int, int | None] = {}
    rejecting = {id(s) for s in segments if not s.sarcastic and _IT_WASNT.search(s.text)}  # "it wasn't X"

    def best_in(seg: Segment) -> int | None:
        """The claim the segment names best (once a segment)."""
        key = id(seg)
        if key not in best_of_segment:
            best_of_segment[key] = _best_of(seg, all_ids)
        return best_of_segment[key]

    def attack_evidence(i: int) -> bool:
        homes = _homes(segments, i)
        if any(s.raises for s in homes):
            return True
        marked = [s for s in homes if s.attacks]
        if i in in_play:
            said = max([scores[i]] + [s.scores[i] for s in marked])  # a marked segment counts on its own
            if said >= max(threshold, (MARKED_SHARE if marked else IN_PLAY_SHARE) * top):
                return True
            # a point in play named in a segment that mocks or rejects it, even by one word ("the nkvd")
            named = [s for s in segments if s.attacks and s.names and s.names[i] >= NAME_MIN]
            return any(max(in_play, key=lambda j: s.names[j]) == i for s in named)
        # "it wasn't X, it was Y": X is rejected in so many words
        wasnt = [s for s in homes if id(s) in rejecting and best_in(s) == i]
        if wasnt and max(s.scores[i] for s in wasnt) >= threshold:
            return True
        # "your point about a power grab is wrong": a point not made yet, named as the bot's argument
        if any(
            s.pointed
            and s.attacks
            and not s.concedes
            and s.pointed[i] >= NAME_MIN
            and _best_of_names(s.pointed, theirs) == i
            for s in segments
        ):
            return True
        # a point not yet made: attacked only when the words around it attack (else the stance is unsure)
        return bool(marked) and scores[i] >= max(threshold, PREEMPT_SHARE * top)

    moves: list[Move] = []
    if not any(attack_evidence(i) for i in theirs if i in touched) and in_play:
        # "ur whole crazy-guy theory is wrong": the bot's point named as "your point", in words the matcher
        # does not know. It is the point in play that segment names best, else the latest one made.
        # sarcasm that argues one of the student's own claims mocks the other side in general, not a point
        pointing = [
            s
            for s in segments
            if not s.concedes
            and (
                (_YOUR_POINT.search(s.text) and s.attacks)
                or (s.sarcastic and _aims_at_play(s, own, in_play, threshold))
            )
        ]
        if pointing:
            seg = pointing[0]
            latest = {ids.index(c): k for k, c in enumerate(ctx.in_play) if c in ids}
            target = max(in_play, key=lambda j: (seg.scores[j] + seg.names[j], latest.get(j, -1)))
            # sarcasm about a point not made yet that it names far better: "as if the nkvd decided on its own"
            unmade = max((j for j in theirs if j not in in_play), key=lambda j: seg.scores[j], default=None)
            if (
                seg.sarcastic
                and unmade is not None
                and seg.scores[unmade] >= threshold
                and seg.scores[unmade] > 2 * (seg.scores[target] + seg.names[target])
            ):
                target = unmade
            named = max(theirs, key=lambda j: seg.pointed[j], default=None) if seg.pointed else None
            if named is not None and named not in in_play and seg.pointed[named] >= NAME_MIN:
                target = named  # "your point about a power grab": a point of the bot's side not made yet
            moves.append(Move(ids[target], AGAINST, max(scores[target], threshold)))
            theirs = [i for i in theirs if i != target]
    candidates = [i for i in theirs if i in touched]
    raised = [i for i in candidates if any(s.raises for s in _homes(segments, i)) and scores[i] >= threshold]
    attacks = [i for i in candidates if (i != conceded or undercut) and attack_evidence(i)]
    # "the chaos thesis", "your point about the NKVD": the argument the message names as an argument
    named = {
        i: max((s.pointed[i] for s in segments if s.pointed and s.attacks and not s.concedes), default=0.0)
        for i in attacks
    }
    # a raised argument first, then points in play (the one named as an argument first), then the rest, by score
    attacks.sort(
        key=lambda i: (i not in raised, -named[i] if named[i] >= NAME_MIN else 0.0, i not in in_play, -scores[i])
    )
    if conceded is not None and undercut and conceded in theirs:
        # "ok fair, X, but ... so it doesn't matter": X is the point attacked, in play or not
        attacks = [conceded] + [i for i in attacks if i != conceded]
    if attacks and not moves:
        moves.append(Move(ids[attacks[0]], AGAINST, scores[attacks[0]]))
    given = [i for i in own if _gives_ground(segments, i)]
    put = next((i for i in own if i not in given and scores[i] >= max(threshold, OWN_SHARE * top)), None)
    if given and (put is None or scores[given[0]] >= scores[put]):
        moves.insert(0, Move(ids[given[0]], AGAINST, scores[given[0]]))
    if put is not None:
        moves.append(Move(ids[put], FOR, scores[put]))
    if conceded is not None and not undercut and all(m.claim != ids[conceded] for m in moves):
        moves.append(Move(ids[conceded], FOR, scores[conceded]))
    return moves


def _best_of_names(names: tuple[float, ...], among: list[int]) -> int | None:
    return max(among, key=lambda j: names[j], default=None)


def _aims_at_play(seg: Segment, own: list[int], in_play: set[int], threshold: float) -> bool:
    """Sarcasm aims at the points in play unless it argues one of the student's own claims far more clearly."""
    own_best = max((seg.scores[j] for j in own), default=0.0)
    play_best = max((seg.scores[j] + seg.names[j] for j in in_play), default=0.0)
    return own_best < threshold or play_best >= PLAY_NAMED * threshold


def _unsure(ids, sides, scores, order, segments, ctx: Context, moves: list[Move], threshold) -> tuple[Move, ...]:
    """The readings to ask about when the message's best claim is one of the bot's with no sign of stance."""
    best = order[0]
    if moves and moves[0].claim == ids[best]:
        return ()
    if sides[best] == ctx.side or ids[best] in ctx.in_play or scores[best] < threshold:
        return ()
    if any(s.attacks or s.concedes for s in _homes(segments, best)):
        return ()
    if moves and (moves[0].stance == AGAINST or scores[ids.index(moves[0].claim)] >= UNSURE_SHARE * scores[best]):
        return ()
    return (Move(ids[best], FOR, scores[best]), Move(ids[best], AGAINST, scores[best]))


def _best_of(seg: Segment, among: list[int]) -> int | None:
    return max(among, key=lambda j: seg.scores[j], default=None)


def _gives_ground(segments: tuple[Segment, ...], i: int) -> bool:
    """The student rejects a claim of their own side: "it wasn't madness, it was strategy"."""
    home = _home(segments, i)
    return (
        home is not None
        and not home.sarcastic
        and bool(_IT_WASNT.search(home.text))
        and max(range(len(home.scores)), key=lambda j: home.scores[j]) == i
    )


# after "but": the conceded point is said to prove nothing, or to be explained by something else
_UNDERCUTS = re.compile(
    r"\b(doesnt|does not|dont|didnt|did not) (matter|explain|show|prove|mean|change|make)\b|"
    r"\bonly (because|bc|cuz|cos|matters|mattered|if|when)\b|\bnot (because|bc|cuz) (of )?(his|he|stalin)\b|"
    r"\bso (it|that|this) (doesnt|does not|didnt|wasnt|isnt)\b|\bmeans nothing\b|\bproves nothing\b|"
    r"\bmisses the point\b|\bso what\b|\birrelevant\b|\bso (he|stalin) (was|had|is)\b|\bwhich (shows|proves|means)\b|"
    r"\bonly possible\b|\bwithin (a |the )?(framework|limits|bounds|system|structure)\b|\brather than\b|"
    r"\b(cannot|cant|can not|could not|couldnt) (explain|account for)\b|\bdoes not alter\b|"
    r"\bnot (his|stalins) (head|mind|paranoia|personality|fault)\b|\b(that|which)s (still )?(paranoia|his|stalin)\b"
)
# "your point", "ur theory": a reference to the bot's argument, whatever words it is named in
_YOUR_POINT = re.compile(
    r"\b(your|ur|yr)\b.{0,30}\b(point|argument|theory|angle|thing|idea|case|claim|story|logic|take|example|"
    r"evidence|explanation|reasoning)s?\b|\b(you|u)\b.{0,6}\b(said|say|claim|claimed|argued|argue|keep saying|"
    r"mentioned|brought up)\b"
)
_IT_WASNT = re.compile(r"\b(it|this|that)\s*(wasnt|isnt|was not|is not)\b(?! (just|only|like|as if))")


__all__ = ["AGAINST", "FOR", "Context", "Move", "Reading", "Segment", "decide", "segment"]
