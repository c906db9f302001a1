"""Turning domain results into Discord messages: splitting long text, embeds for rules, opening, scorecard."""

from __future__ import annotations

import re

import discord

from ..domain.records import DebateRecord
from ..domain.scorecard import ClaimRef, Scorecard
from ..domain.topic import Topic
from . import texts as T

MESSAGE_LIMIT = 2000
EMBED_DESCRIPTION_LIMIT = 4096
FIELD_LIMIT = 1024
COLOUR = discord.Colour.from_rgb(88, 101, 242)
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


def split_message(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Split text into chunks of at most ``limit`` characters, at paragraph, line, sentence or word
    boundaries (in that order of preference); a single word longer than the limit is cut."""
    text = text.strip()
    if not text:
        return []
    chunks: list[str] = []
    current = ""
    for piece in _pieces(text, limit):
        sep = piece[0]
        body = piece[1]
        candidate = f"{current}{sep}{body}" if current else body
        if len(candidate) <= limit:
            current = candidate
        else:
            if current:
                chunks.append(current.rstrip())
            current = body
    if current.strip():
        chunks.append(current.rstrip())
    return chunks


def _pieces(text: str, limit: int):
    """(separator, piece) pairs, each piece at most ``limit`` long, the separators preserved."""
    for i, para in enumerate(text.split("\n\n")):
        sep = "\n\n" if i else ""
        if len(para) <= limit:
            yield sep, para
            continue
        for j, line in enumerate(para.split("\n")):
            lsep = sep if j == 0 else "\n"
            if len(line) <= limit:
                yield lsep, line
                continue
            for k, sentence in enumerate(_SENTENCE_END.split(line)):
                ssep = lsep if k == 0 else " "
                if len(sentence) <= limit:
                    yield ssep, sentence
                    continue
                for m, word in enumerate(sentence.split(" ")):
                    wsep = ssep if m == 0 else " "
                    while len(word) > limit:
                        yield wsep, word[:limit]
                        word, wsep = word[limit:], ""
                    yield wsep, word


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def thread_name(topic: Topic, user_name: str) -> str:
    return clip(f"{user_name} vs Counterpoint: {topic.motion}", 100)


def minutes(seconds: int) -> str:
    if seconds % 60 == 0:
        m = seconds // 60
        return f"{m} minute{'s' if m != 1 else ''}"
    return f"{seconds} seconds"


def rules_embed(topic: Topic, debate: DebateRecord) -> discord.Embed:
    fmt = topic.format.with_rebuttal_rounds(debate.rebuttal_rounds)
    phases = ", ".join(f"{p.name} ({p.rounds} round{'s' if p.rounds != 1 else ''})" for p in fmt.phases)
    time = T.RULES_TIME.format(minutes=minutes(debate.turn_seconds)) if debate.turn_seconds else ""
    embed = discord.Embed(
        title=clip(topic.motion, 256),
        description=T.RULES.format(
            user_side=topic.side(debate.user_side).name,
            bot_side=topic.side(debate.bot_side).name,
            format=phases,
            time=time,
        ),
        colour=COLOUR,
    )
    if topic.ground_rules:
        rules = "\n".join(f"• {r}" for r in topic.ground_rules)
        embed.add_field(name=T.GROUND_RULES, value=clip(rules, FIELD_LIMIT), inline=False)
    embed.set_footer(text=f"Debate #{debate.id} · {topic.id}")
    return embed


def text_embeds(title: str, text: str) -> list[discord.Embed]:
    """A long text as one or more embeds (descriptions split at natural boundaries)."""
    parts = split_message(text, EMBED_DESCRIPTION_LIMIT)
    embeds = []
    for i, part in enumerate(parts):
        embeds.append(discord.Embed(title=title if i == 0 else None, description=part, colour=COLOUR))
    return embeds


def _names(items: tuple[ClaimRef, ...]) -> str:
    return clip("\n".join(f"• {r.title}" for r in items), FIELD_LIMIT) if items else "—"


def scorecard_embed(topic: Topic, debate: DebateRecord, card: Scorecard) -> discord.Embed:
    embed = discord.Embed(
        title=T.SCORECARD_TITLE.format(id=debate.id),
        description=clip(
            f"**{topic.motion}**\nYou argued: {topic.side(card.user_side).name} · outcome: {card.outcome}\n"
            f"Coverage of your side's arguments: {card.coverage:.0%} · figures cited: {card.figures_cited}",
            EMBED_DESCRIPTION_LIMIT,
        ),
        colour=COLOUR,
    )
    embed.add_field(name="Your arguments", value=_names(card.user_claims), inline=False)
    embed.add_field(name="Rebutted by me", value=_names(card.rebutted), inline=True)
    embed.add_field(name="My points you answered", value=_names(card.bot_answered), inline=True)
    embed.add_field(name="My points left standing", value=_names(card.bot_standing), inline=False)
    if card.bot_conceded:
        embed.add_field(name="Points I conceded", value=_names(card.bot_conceded), inline=False)
    if card.sources_cited:
        cited = "; ".join(topic.sources[s].short() for s in card.sources_cited if s in topic.sources)
        embed.add_field(name="Sources you cited", value=clip(cited or "—", FIELD_LIMIT), inline=False)
    if card.missed:
        lines = []
        for r in card.missed:
            lines.append(f"• **{r.title}** {topic.cite(r.sources[:2])}".rstrip())
        embed.add_field(name="Strong arguments you didn't use", value=clip("\n".join(lines), FIELD_LIMIT), inline=False)
    embed.set_footer(text="/debate transcript for the full log")
    return embed


def status_embed(topic: Topic, debate: DebateRecord, status: str, where: str) -> discord.Embed:
    embed = discord.Embed(title=T.STATUS_TITLE.format(id=debate.id), description=status, colour=COLOUR)
    embed.add_field(name="Motion", value=clip(topic.motion, FIELD_LIMIT), inline=False)
    embed.add_field(name="Where", value=where, inline=True)
    embed.add_field(name="Turns logged", value=str(debate.turn_count), inline=True)
    return embed


def where(debate: DebateRecord, dm_link: str | None = None) -> str:
    """The debate's thread as a mention; for a debate in a DM (``dm_link``: its first message there) words
    and the link, as a DM's channel mention does not render."""
    if dm_link is not None:
        return T.WHERE_DM.format(link=dm_link)
    if debate.thread_id:
        return f"<#{debate.thread_id}>"
    return "a DM"
