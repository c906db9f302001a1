"""The debate engine: a state machine over a topic's format that plays the other side.

Pure and deterministic: ``respond(state, text)`` returns a new state and the reply, and never does
I/O. The same topic, seed and messages always give the same debate, so a debate can be replayed,
resumed from a stored state, or reproduced for a whole class.
"""

from __future__ import annotations

import dataclasses
import random
import re
from dataclasses import dataclass, field

from . import phrases as P
from .matcher import Matcher
from .moves import AGAINST, FOR, Context, Move, Reading
from .text import gist, lead
from .topic import Claim, Line, Topic

COMMANDS = ("concede", "end", "status", "help", "hint")
DEFAULT_HINTS = 2  # hints a student may ask for in one debate, unless the class says otherwise
MAX_CLAIMS_ANSWERED = 2  # claims a student puts forward that the bot answers in one reply
_FIGURE_RE = re.compile(r"\b\d[\d,.]*\s?(k|%|percent|thousand|million)?\b")


@dataclass
class DebateState:
    """Everything the engine needs between turns; stored as JSON with every turn."""

    topic_id: str
    user_side: str
    bot_side: str
    seed: int
    rebuttal_rounds: int
    phase_index: int = 0
    round_in_phase: int = 1
    turns: int = 0  # bot replies composed so far (used to derive per-turn randomness)
    finished: bool = False
    outcome: str | None = None  # completed | conceded | ended
    used_lines: list[str] = field(default_factory=list)
    user_claims: list[str] = field(default_factory=list)
    rebutted: dict[str, list[str]] = field(default_factory=dict)  # user claim -> rebuttal ids
    bot_claims: list[str] = field(default_factory=list)
    attacked: dict[str, list[str]] = field(default_factory=dict)  # bot claim -> user claim ids / "direct"
    defended: dict[str, list[str]] = field(default_factory=dict)  # bot claim -> counter ids
    conceded_points: list[str] = field(default_factory=list)  # bot claims the bot gave up
    acknowledged: list[str] = field(default_factory=list)  # bot-side claims the user made
    ground_given: list[str] = field(default_factory=list)  # claims of the user's side the user argued against
    corrected: list[str] = field(default_factory=list)  # misconceptions already corrected in this debate
    intros: list[str] = field(default_factory=list)  # intro phrases used ("LIST:index"), drawn without replacement
    hints: int = 0  # hints given (each one names the next unused argument of the user's side)
    hint_limit: int = DEFAULT_HINTS  # hints the student may ask for (0: hints are off)
    hinted: list[str] = field(default_factory=list)  # the claims hints named, in order
    sources_cited: list[str] = field(default_factory=list)
    figures_cited: int = 0
    figures: list[str] = field(default_factory=list)  # the figures and dates counted in figures_cited
    warnings: int = 0

    def to_dict(self) -> dict:
        """A JSON-able copy (lists and dicts copied, so the copy never shares state with this one)."""
        out = {}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            if isinstance(value, list):
                value = list(value)
            elif isinstance(value, dict):
                value = {k: list(v) for k, v in value.items()}
            out[name] = value
        return out

    @classmethod
    def from_dict(cls, data: dict) -> DebateState:
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass(frozen=True, slots=True)
class ReplyPart:
    """One piece of a reply: what it does, which claim it is about, the topic line used."""

    role: str  # opening | rebut | defend | concede | acknowledge | ground | advance | repeat | clarify | kind | closing
    # | system
    text: str
    claim: str | None = None
    line: str | None = None
    sources: tuple[str, ...] = ()
    detail: str = ""  # the whole part when ``text`` is its short form (shown by "More evidence", logged)
    head: str = field(default="", repr=False, compare=False)  # for _fit: the intro sentence
    body: str = field(default="", repr=False, compare=False)  # for _fit: the topic line, whole


@dataclass(frozen=True, slots=True)
class Reply:
    parts: tuple[ReplyPart, ...]
    kind: str | None = None  # the user message's kind when it made no claim
    counted: bool = True  # the user message used up a turn
    finished: bool = False

    @property
    def text(self) -> str:
        return "\n\n".join(p.text for p in self.parts if p.text)

    @property
    def full_text(self) -> str:
        """The reply with every part whole: what the transcript keeps and "More evidence" shows."""
        return "\n\n".join(p.detail or p.text for p in self.parts if p.text)

    @property
    def shortened(self) -> bool:
        return any(p.detail and p.detail != p.text for p in self.parts)

    @property
    def lines(self) -> tuple[str, ...]:
        return tuple(p.line for p in self.parts if p.line)

    @property
    def claims(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(p.claim for p in self.parts if p.claim))


@dataclass(frozen=True, slots=True)
class Turn:
    """The result of one user message: the analysis, the new state and the reply."""

    state: DebateState
    reply: Reply
    match: Reading | None  # what the matcher read in the message (its moves, or its kind)
    phase: str
    round: int


class DebateEngine:
    def __init__(self, topic: Topic, matcher: Matcher | None = None, turn_limit: int | None = None):
        self.topic = topic
        self.matcher = matcher or Matcher(topic)
        self.turn_limit = turn_limit or topic.format.turn_length_limit

    # ------------------------------------------------------------------ lifecycle
    def new_state(
        self, user_side: str, seed: int, rebuttal_rounds: int | None = None, *, hints: int | None = None
    ) -> DebateState:
        ids = [s.id for s in self.topic.sides]
        if user_side not in ids:
            from .errors import UnknownSide

            raise UnknownSide(user_side, ids)
        rounds = rebuttal_rounds or next((p.rounds for p in self.topic.format.phases if p.id == "rebuttal"), 3)
        limit = DEFAULT_HINTS if hints is None else max(0, hints)
        return DebateState(self.topic.id, user_side, self.topic.other_side(user_side), seed, rounds, hint_limit=limit)

    def opening(self, state: DebateState) -> tuple[DebateState, Reply]:
        """The bot's opening case, posted when the debate starts."""
        st = _copy(state)
        rng = self._rng(st, "opening")
        side = self.topic.side(st.bot_side)
        parts = [ReplyPart("system", rng.choice(P.OPENING_INTRO).format(side=side.name))]
        first = self._pick_new_claim(st, rng, prefer=())
        if first:
            parts.append(self._advance(st, first, rng, intro=False))
            second = self._pick_new_claim(st, rng, prefer=())
            if second:
                parts.append(self._advance(st, second, rng, intro_list="OPENING_SECOND"))
        parts.append(ReplyPart("system", f"_{self.short_status(st)}. Your opening statement?_"))
        st.turns += 1
        return st, Reply(tuple(self._fit(parts)), counted=False)

    def respond(self, state: DebateState, text: str) -> Turn:
        """The bot's answer to one user message (state is not modified; a new one is returned)."""
        st = _copy(state)
        phase, rnd = self.phase(st).id, st.round_in_phase
        if st.finished:
            return Turn(
                st,
                Reply(
                    (ReplyPart("system", P.STATUS_FINISHED.format(outcome=st.outcome)),), counted=False, finished=True
                ),
                None,
                phase,
                rnd,
            )
        limit = self.turn_limit
        if len(text) > limit:
            msg = P.TOO_LONG[0].format(n=f"{len(text):,}", limit=f"{limit:,}")
            return Turn(st, Reply((ReplyPart("system", msg),), kind="too_long", counted=False), None, phase, rnd)
        reading = self.matcher.read(text, Context(st.user_side, tuple(st.bot_claims)))
        rng = self._rng(st, "turn")
        st.turns += 1
        in_closing = phase == "closing"
        if not reading.moves and not (in_closing and reading.kind == "unclear"):
            return Turn(st, self._kind_reply(st, reading, rng), reading, phase, rnd)

        for sid in reading.sources:
            if sid not in st.sources_cited:
                st.sources_cited.append(sid)
        st.figures_cited += len(_FIGURE_RE.findall(text))
        st.figures.extend(m.group(0).strip() for m in _FIGURE_RE.finditer(text))
        parts = self._answer_moves(st, reading, text, rng)
        parts.extend(self._corrections(st, reading, limit=1))
        if in_closing:
            if not reading.moves:
                parts.append(ReplyPart("system", P.UNCLEAR_CLOSING_OK))
            parts.extend(self._closing(st, rng))
            st.finished, st.outcome = True, "completed"
            return Turn(st, Reply(tuple(self._fit(parts)), finished=True), reading, phase, rnd)
        prefer = self._relevant_bot_claims(reading)
        new = self._pick_new_claim(st, rng, prefer)
        if new:
            parts.append(self._advance(st, new, rng))
        self._next_round(st)
        parts.append(ReplyPart("system", f"_{self.short_status(st)}_"))
        return Turn(st, Reply(tuple(self._fit(parts))), reading, phase, rnd)

    def forfeit(self, state: DebateState) -> Turn:
        """The user let their turn's time run out: the turn is lost and the bot carries on."""
        st = _copy(state)
        phase, rnd = self.phase(st).id, st.round_in_phase
        if st.finished:
            return self.respond(st, "")
        rng = self._rng(st, "forfeit")
        st.turns += 1
        parts = [ReplyPart("system", rng.choice(P.FORFEITED))]
        if phase == "closing":
            parts.extend(self._closing(st, rng))
            st.finished, st.outcome = True, "completed"
            return Turn(st, Reply(tuple(self._fit(parts)), kind="forfeit", finished=True), None, phase, rnd)
        new = self._pick_new_claim(st, rng, prefer=())
        if new:
            parts.append(self._advance(st, new, rng))
        self._next_round(st)
        parts.append(ReplyPart("system", f"_{self.short_status(st)}_"))
        return Turn(st, Reply(tuple(self._fit(parts)), kind="forfeit"), None, phase, rnd)

    def command(self, state: DebateState, name: str) -> tuple[DebateState, Reply]:
        """/concede, /end, /status, /help, /hint. Commands never use up a turn."""
        st = _copy(state)
        if name == "help":
            return st, Reply((ReplyPart("system", P.HELP),), counted=False)
        if name == "hint" and not st.finished:
            return st, Reply((self._hint(st),), kind="hint", counted=False)
        if name == "status" or st.finished:
            return st, Reply((ReplyPart("system", self.status(st)),), counted=False, finished=st.finished)
        if name in ("concede", "end"):
            st.finished, st.outcome = True, "conceded" if name == "concede" else "ended"
            msg = P.USER_CONCEDED if name == "concede" else P.USER_ENDED
            return st, Reply((ReplyPart("system", msg),), counted=False, finished=True)
        raise ValueError(f"unknown command {name!r}; commands are {', '.join(COMMANDS)}")

    # ------------------------------------------------------------------ state helpers
    def phase(self, st: DebateState):
        phases = self.topic.format.with_rebuttal_rounds(st.rebuttal_rounds).phases
        return phases[min(st.phase_index, len(phases) - 1)]

    def phases(self, st: DebateState):
        return self.topic.format.with_rebuttal_rounds(st.rebuttal_rounds).phases

    def turns_left(self, st: DebateState) -> int:
        if st.finished:
            return 0
        phases = self.phases(st)
        left = phases[st.phase_index].rounds - st.round_in_phase + 1
        return left + sum(p.rounds for p in phases[st.phase_index + 1 :])

    def status(self, st: DebateState) -> str:
        if st.finished:
            return P.STATUS_FINISHED.format(outcome=st.outcome)
        ph = self.phase(st)
        return P.STATUS.format(
            phase=ph.name,
            round=st.round_in_phase,
            rounds=ph.rounds,
            left=self.turns_left(st),
            user_side=self.topic.side(st.user_side).name,
            bot_side=self.topic.side(st.bot_side).name,
        )

    def short_status(self, st: DebateState) -> str:
        ph = self.phase(st)
        left = self.turns_left(st)
        return P.SHORT_STATUS.format(
            phase=ph.name, round=st.round_in_phase, rounds=ph.rounds, left=left, s="" if left == 1 else "s"
        )

    def _next_round(self, st: DebateState) -> None:
        phases = self.phases(st)
        if st.round_in_phase < phases[st.phase_index].rounds:
            st.round_in_phase += 1
        elif st.phase_index < len(phases) - 1:
            st.phase_index += 1
            st.round_in_phase = 1

    def _rng(self, st: DebateState, salt: str) -> random.Random:
        return random.Random(f"{st.seed}:{st.turns}:{salt}")

    # ------------------------------------------------------------------ composing
    def _answer_moves(self, st: DebateState, reading: Reading, text: str, rng: random.Random) -> list[ReplyPart]:
        """Act on each move: defend an attacked point, rebut a claim, note a concession or ground given."""
        parts: list[ReplyPart] = []
        own = [m for m in reading.moves if self.topic.claim(m.claim).side == st.user_side]
        via = next((m.claim for m in own if m.stance == FOR), None)  # what the student attacks with
        rebutted = 0
        for move in reading.moves:
            claim = self.topic.claim(move.claim)
            if claim.side == st.user_side:
                if move.stance == AGAINST:
                    parts.append(self._ground_given(st, claim))
                    continue
                if claim.id not in st.user_claims:
                    st.user_claims.append(claim.id)
                if rebutted < MAX_CLAIMS_ANSWERED:
                    parts.append(self._rebut(st, claim, rng, text))
                    rebutted += 1
            elif move.stance == AGAINST:
                parts.append(self._answer_attack(st, claim, rng, text, via))
            elif not reading.sarcastic:  # a point of the bot's side argued for: a concession, never from sarcasm
                if claim.id not in st.acknowledged:
                    st.acknowledged.append(claim.id)
                parts.append(ReplyPart("acknowledge", self._intro(st, rng, "ACKNOWLEDGE", claim), claim.id))
        return parts

    def _answer_attack(self, st: DebateState, claim: Claim, rng: random.Random, text: str, via: str | None):
        """The student attacked one of the bot's points: defend that point, or concede it honestly."""
        if claim.id not in st.bot_claims:  # attacked before it was made: make it, with an argument
            part = self._advance(st, claim, rng, intro_list="DEFEND_INTRO")
            st.attacked.setdefault(claim.id, []).append(via or "direct")
            st.defended.setdefault(claim.id, []).append(part.line)
            return part
        if claim.id in st.conceded_points:
            return ReplyPart("repeat", P.ALREADY_CONCEDED.format(**self._spoken(claim)), claim.id)
        st.attacked.setdefault(claim.id, []).append(via or "direct")
        return self._defend(st, claim, rng, text, via)

    def _ground_given(self, st: DebateState, claim: Claim) -> ReplyPart:
        if claim.id not in st.ground_given:
            st.ground_given.append(claim.id)
        return ReplyPart("ground", P.GROUND_GIVEN.format(**self._spoken(claim)), claim.id)

    def _rebut(self, st: DebateState, claim: Claim, rng: random.Random, text: str = "") -> ReplyPart:
        unused = [r for r in claim.rebuttals if r.id not in st.used_lines]
        if not unused:
            return ReplyPart("repeat", self._intro(st, rng, "ALREADY_ANSWERED", claim), claim.id)
        # the rebuttal that answers what the student said, then one drawing on points already made
        reb = self._best_line(text, unused, rng, prefer=lambda r: bool(set(r.draws_on) & set(st.bot_claims)))
        st.used_lines.append(reb.id)
        st.rebutted.setdefault(claim.id, []).append(reb.id)
        intro = self._intro(st, rng, "REBUT_INTRO", claim)
        return self._line_part("rebut", intro, reb, claim)

    def _defend(self, st: DebateState, claim: Claim, rng: random.Random, text: str, via: str | None) -> ReplyPart:
        unused = [c for c in claim.counter_rebuttals if c.id not in st.used_lines]
        if not unused:
            if claim.id not in st.conceded_points:
                st.conceded_points.append(claim.id)
            return ReplyPart("concede", self._intro(st, rng, "CONCEDE_POINT", claim), claim.id)
        # the counter to the rebuttal the student's words make: the one that draws on their claim, else the
        # one whose rebuttal (and premise) the message resembles most
        drawing = {r.id for r in claim.rebuttals if via is not None and via in r.draws_on}
        rebuttal_text = {r.id: r.text for r in claim.rebuttals}
        counter = self._best_line(
            text,
            unused,
            rng,
            prefer=lambda c: c.answers in drawing,
            extra=lambda c: rebuttal_text.get(c.answers, ""),
        )
        st.used_lines.append(counter.id)
        st.defended.setdefault(claim.id, []).append(counter.id)
        intro = self._intro(st, rng, "DEFEND_INTRO", claim)
        return self._line_part("defend", intro, counter, claim)

    def _best_line(self, text: str, lines: list, rng: random.Random, prefer=None, extra=None):
        """The line that best answers ``text``: preferred lines first, then by overlap with the message."""
        preferred = [x for x in lines if prefer(x)] if prefer else []
        pool = preferred or lines
        if text:
            ranked = self.matcher.rank_lines(
                text, [(getattr(x, "premise", ()), x.text + " " + (extra(x) if extra else "")) for x in pool]
            )
            if ranked[0] > 0 and ranked.count(ranked[0]) == 1:
                return pool[ranked.index(ranked[0])]
            best = max(ranked)
            pool = [x for x, r in zip(pool, ranked, strict=True) if r == best]
        return rng.choice(pool)

    def _advance(
        self, st: DebateState, claim: Claim, rng: random.Random, intro: bool = True, intro_list: str | None = None
    ) -> ReplyPart:
        unused = [a for a in claim.arguments if a.id not in st.used_lines]
        arg: Line = rng.choice(unused or list(claim.arguments))
        st.used_lines.append(arg.id)
        if claim.id not in st.bot_claims:
            st.bot_claims.append(claim.id)
        if intro or intro_list:
            head = self._intro(st, rng, intro_list or "ADVANCE_INTRO", claim)
        else:
            head = f"**{claim.title}.**"
        return self._line_part("advance", head, arg, claim)

    def _relevant_bot_claims(self, reading: Reading) -> tuple[str, ...]:
        """Bot claims that answer what the user just said (drawn on by rebuttals of the user's claims)."""
        out: list[str] = []
        for cid in reading.claims:
            claim = self.topic.claim(cid)
            for reb in claim.rebuttals:
                out.extend(d for d in reb.draws_on if d not in out)
        return tuple(out)

    def _pick_new_claim(self, st: DebateState, rng: random.Random, prefer: tuple[str, ...]) -> Claim | None:
        fresh = [c for c in self.topic.claims_of(st.bot_side) if c.id not in st.bot_claims]
        if not fresh:
            return None
        preferred = [c for c in fresh if c.id in prefer]
        pool = preferred or fresh
        top = max(c.strength for c in pool)
        return rng.choice([c for c in pool if c.strength == top])

    def _closing(self, st: DebateState, rng: random.Random) -> list[ReplyPart]:
        title = self._titles
        standing = [c for c in st.bot_claims if c not in st.attacked and c not in st.conceded_points]
        defended = [c for c in st.bot_claims if c in st.attacked and c not in st.conceded_points]
        lines = [rng.choice(P.CLOSING_INTRO)]
        if standing:
            lines.append(P.CLOSING_STANDING.format(claims=title(standing)))
        if defended:
            lines.append(P.CLOSING_ANSWERED.format(claims=title(defended)))
        if st.conceded_points:
            lines.append(P.CLOSING_CONCEDED.format(claims=title(st.conceded_points)))
        if st.rebutted:
            lines.append(P.CLOSING_REBUTTED.format(claims=title(list(st.rebutted))))
        elif not st.user_claims:
            lines.append(P.CLOSING_NOTHING)
        lines.append(rng.choice(P.CLOSING_END).format(motion=self.topic.motion))
        return [ReplyPart("closing", " ".join(lines))]

    def _titles(self, ids: list[str]) -> str:
        names = [f"\u201c{self.topic.claim(i).title}\u201d" for i in ids]
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]

    def _kind_reply(self, st: DebateState, match: Reading, rng: random.Random) -> Reply:
        kind = match.kind or "unclear"
        if kind == "unclear" and match.readings:
            return Reply(
                (ReplyPart("clarify", self._clarify(match.readings), match.readings[0].claim),),
                kind=kind,
                counted=False,
            )
        if kind == "abuse":
            st.warnings += 1
        if match.intent:
            return Reply((ReplyPart("kind", self._intent_reply(st, match.intent, rng)),), kind=kind, counted=False)
        if kind == "denial" and match.corrections:
            # minimising or victim-blaming with a known myth: its own sourced correction, then the standard line
            fix = self._corrections(st, match, limit=1, again=True)[0]
            part = ReplyPart("kind", f"{fix.text} {P.DENIAL_REDIRECT}", None, fix.line, fix.sources)
            return Reply((part,), kind=kind, counted=False)
        if kind in ("offtopic", "unclear", "meta") and (match.confusion or match.corrections):
            fixes = self._corrections(st, match, limit=1, again=True)
            text = fixes[0].text if fixes else P.CONFUSION.format(scope=_lower_first(self.topic.scope))
            nudge = P.CONFUSION_NUDGE.format(motion=self.topic.motion)
            part = ReplyPart(
                "correct", f"{text} {nudge}", None, fixes[0].line if fixes else None, fixes[0].sources if fixes else ()
            )
            return Reply((part,), kind=kind, counted=False)
        replies = self.topic.kinds[kind].replies
        unused = [r for r in replies if r.id not in st.used_lines]
        line = rng.choice(unused) if unused else replies[(st.turns - 1) % len(replies)]
        if unused:
            st.used_lines.append(line.id)
        text = line.text.format_map(
            _SafeDict(
                motion=self.topic.motion,
                status=self.status(st),
                limit=self.turn_limit,
                user_side=self.topic.side(st.user_side).name,
                bot_side=self.topic.side(st.bot_side).name,
            )
        )
        part = ReplyPart("kind", f"{text}{self._cite(line.sources)}", None, line.id, line.sources)
        return Reply((part,), kind=kind, counted=False)

    def _corrections(self, st: DebateState, reading: Reading, limit: int, again: bool = False) -> list[ReplyPart]:
        """Short sourced corrections of misconceptions the message states, each once per debate (unless asked)."""
        out = []
        for mid in reading.corrections:
            if len(out) >= limit:
                break
            if mid in st.corrected and not again:
                continue
            m = next((x for x in self.topic.misconceptions if x.id == mid), None)
            if m is None:
                continue
            if mid not in st.corrected:
                st.corrected.append(mid)
            intro = "" if again else P.CORRECTION_INTRO + " "
            text = f"{intro}{m.correction}"
            out.append(ReplyPart("correct", text, None, f"misconception.{m.id}", tuple(m.sources)))
        return out

    def _intent_reply(self, st: DebateState, intent: str, rng: random.Random) -> str:
        """The answer to a request for other work, for a hint, or to a short absence."""
        sides = {"bot_side": self.topic.side(st.bot_side).name, "user_side": self.topic.side(st.user_side).name}
        if intent == "work":
            return rng.choice(P.DECLINE_WORK).format(**sides)
        if intent == "away":
            return rng.choice(P.AWAY).format(**sides)
        return self._hint(st).text

    def _hint(self, st: DebateState) -> ReplyPart:
        """One strong argument of the student's side they have not made (nor been hinted), with its source;
        at most ``st.hint_limit`` a debate. Changes ``st`` (the hint is counted and its claim kept)."""
        if st.hint_limit <= 0:
            return ReplyPart("system", P.HINTS_OFF)
        if st.hints >= st.hint_limit:
            return ReplyPart("system", P.HINTS_USED.format(n=st.hint_limit, s="" if st.hint_limit == 1 else "s"))
        unused = sorted(
            (
                c
                for c in self.topic.claims
                if c.side == st.user_side and c.id not in st.user_claims and c.id not in st.hinted and c.arguments
            ),
            key=lambda c: (-c.strength, -max(len(a.sources) for a in c.arguments), c.id),
        )
        if not unused:
            given = [c for c in st.hinted if c not in st.user_claims]
            if given:  # hints named them, the student has not made them yet
                return ReplyPart("system", P.HINT_ALL_GIVEN.format(clause=self.topic.claim(given[-1]).spoken.clause))
            return ReplyPart("system", P.HINT_NONE)
        claim = unused[0]
        arg = max(claim.arguments, key=lambda a: (len(a.sources) > 0, -len(a.text)))
        st.hints += 1
        st.hinted.append(claim.id)
        body = gist(arg.text, 40)
        left = st.hint_limit - st.hints
        text = P.HINT.format(
            clause=claim.spoken.clause or claim.title,
            example=body + self._cite(arg.sources, body),
            left=P.HINTS_LEFT.format(n=left, s="" if left == 1 else "s") if left else P.HINTS_LAST,
        )
        return ReplyPart("hint", text, claim.id, arg.id, tuple(arg.sources))

    def _clarify(self, readings: tuple[Move, ...]) -> str:
        """A question that names the readings the bot is choosing between."""
        claims = list(dict.fromkeys(m.claim for m in readings))
        if len(claims) == 1:
            return P.CLARIFY_STANCE.format(**self._spoken(self.topic.claim(claims[0])))
        first, second = (self._spoken(self.topic.claim(c))["clause"] for c in claims[:2])
        return P.CLARIFY_CLAIMS.format(first=first, second=second)

    def _cite(self, sources: tuple[str, ...], body: str = "") -> str:
        """The citation for a line: its sources not already named in its text ("... (Khlevniuk 2004).")."""
        named = [s for s in sources if s in self.topic.sources and _named_in(self.topic.sources[s].short(), body)]
        ref = self.topic.cite(tuple(s for s in sources if s not in named))
        return f" {ref}" if ref else ""

    def _spoken(self, claim: Claim) -> dict[str, str]:
        """The claim's spoken forms, for templates: {clause} after "that", {phrase} after "about"."""
        return {"clause": claim.spoken.clause, "phrase": claim.spoken.phrase, "claim": claim.title}

    def _intro(self, st: DebateState, rng: random.Random, name: str, claim: Claim) -> str:
        """An intro phrase of list ``name``, not used before in this debate while unused ones remain."""
        variants = getattr(P, name)
        unused = [i for i in range(len(variants)) if f"{name}:{i}" not in st.intros]
        if not unused:  # every variant used: start the cycle again
            st.intros = [x for x in st.intros if not x.startswith(f"{name}:")]
            unused = list(range(len(variants)))
        i = rng.choice(unused)
        st.intros.append(f"{name}:{i}")
        return variants[i].format(**self._spoken(claim))

    def _line_part(self, role: str, intro: str, line: Line, claim: Claim) -> ReplyPart:
        """A part that says one topic line: the intro sentence, the line (shortened later by _fit), its sources."""
        whole = f"{intro} {line.text}{self._cite(line.sources, line.text)}"
        return ReplyPart(role, whole, claim.id, line.id, line.sources, detail=whole, head=intro, body=line.text)

    def _fit(self, parts: list[ReplyPart]) -> list[ReplyPart]:
        """Shorten the topic lines of a reply to REPLY_WORDS in all, whole sentences, first things first.

        The first part (the answer to what the student did) gets the largest share; each line keeps at least
        its first sentence. The whole text stays in ``detail`` for "More evidence" and the transcript.
        """
        fitting = [i for i, p in enumerate(parts) if p.body]
        fixed = sum(_words(p.text) for i, p in enumerate(parts) if i not in fitting)
        fixed += sum(_words(parts[i].head) + 4 for i in fitting)  # intro and citation
        room = max(REPLY_WORDS - fixed, 0)
        if not fitting or sum(_words(parts[i].body) for i in fitting) <= room:
            return parts
        out = list(parts)
        # the first lines answer the student; a new point that comes after them is stated by its intro alone
        # (its evidence is one step away) when the answers leave no room for it
        answers = [i for i in fitting if parts[i].role != "advance" or i == fitting[0]]
        leads = {i: lead(parts[i].body, 0, MIN_BRIEF) for i in fitting}
        if sum(_words(leads[i]) for i in fitting) > room:
            for i in fitting:
                if i not in answers and parts[i].head and not parts[i].head.startswith("**"):
                    out[i] = dataclasses.replace(parts[i], text=f"{parts[i].head}{self._cite(parts[i].sources)}")
            fitting = answers
        shares = [2.0] + [1.0] * (len(fitting) - 1)
        for share, i in zip(shares, fitting, strict=False):
            p = parts[i]
            brief = lead(p.body, int(room * share / sum(shares)), MIN_BRIEF)
            if brief != p.body:
                text = f"{p.head} {brief}{self._cite(p.sources, brief)}"
                out[i] = dataclasses.replace(p, text=text)
        return out


class _SafeDict(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _copy(st: DebateState) -> DebateState:
    return DebateState.from_dict(st.to_dict())


__all__ = ["COMMANDS", "DebateEngine", "DebateState", "Move", "Reply", "ReplyPart", "Turn"]


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def _named_in(short: str, body: str) -> bool:
    """A source's short form ("Khlevniuk 2004") is already given in the text: author and year both."""
    parts = short.split()
    if len(parts) < 2:
        return False
    author, year = parts[0].rstrip(","), parts[-1]
    return author in body and year in body


MIN_BRIEF = 15  # a shortened line keeps sentences until it has at least this many words (a hook alone says little)
REPLY_WORDS = 100  # words of a reply before its status line (about 130 with it): the rest is "More evidence"


def _words(text: str) -> int:
    return len(text.split())
