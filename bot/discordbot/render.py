"""Turning domain results into Discord messages: splitting long text, embeds for rules, opening, scorecard."""

from __future__ import annotations

import re

import discord

from ..domain.durations import duration_words
from ..domain.records import DebateRecord
from ..domain.scorecard import CardItem, CardSection, Scorecard, card_headline, card_sections
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


def rules_embed(topic: Topic, debate: DebateRecord) -> discord.Embed:
    fmt = topic.format.with_rebuttal_rounds(debate.rebuttal_rounds)
    phases = ", ".join(f"{p.name} ({p.rounds} round{'s' if p.rounds != 1 else ''})" for p in fmt.phases)
    time = T.RULES_TIME.format(minutes=duration_words(debate.turn_seconds)) if debate.turn_seconds else ""
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


EMBED_TOTAL_LIMIT = 6000
FIELD_COUNT_LIMIT = 25


def _item_text(item: CardItem, details: bool = True) -> str:
    lines = [f"\u2022 {item.text}"] + ([f"\u2003\u21b3 {d}" for d in item.details] if details else [])
    return "\n".join(lines)


def _section_fields(section: CardSection, details: bool = True) -> list[tuple[str, str]]:
    """A section as embed fields of at most FIELD_LIMIT characters (whole items per field where they fit)."""
    fields: list[tuple[str, str]] = []
    current = ""
    for item in section.items:
        text = clip(_item_text(item, details), FIELD_LIMIT)
        if current and len(current) + 1 + len(text) > FIELD_LIMIT:
            fields.append((section.title, current))
            current = text
        else:
            current = f"{current}\n{text}" if current else text
    fields.append((section.title, current or "\u2014"))
    if len(fields) > 1:
        fields = [(f"{name} ({i}/{len(fields)})", value) for i, (name, value) in enumerate(fields, 1)]
    return fields


def scorecard_embed(topic: Topic, debate: DebateRecord, card: Scorecard) -> discord.Embed:
    """The scorecard's sections as fields, within Discord's limits (fields of 1024, 6000 in all); when the
    whole card would not fit, the detail lines go first, from the last section up."""
    title = T.SCORECARD_TITLE.format(id=debate.id)
    description = clip(f"**{topic.motion}**\n{card_headline(topic, card)}", EMBED_DESCRIPTION_LIMIT)
    footer = "/debate transcript for the full log"
    sections = card_sections(topic, card)
    with_details = [True] * len(sections)

    def fields() -> list[tuple[str, str]]:
        out = [f for s, d in zip(sections, with_details, strict=True) for f in _section_fields(s, d)]
        return out[:FIELD_COUNT_LIMIT]

    def size(fs: list[tuple[str, str]]) -> int:
        return len(title) + len(description) + len(footer) + sum(len(n) + len(v) for n, v in fs)

    chosen = fields()
    for i in reversed(range(len(sections))):
        if size(chosen) <= EMBED_TOTAL_LIMIT:
            break
        with_details[i] = False
        chosen = fields()
    while size(chosen) > EMBED_TOTAL_LIMIT and chosen:
        chosen.pop()
    embed = discord.Embed(title=title, description=description, colour=COLOUR)
    for name, value in chosen:
        embed.add_field(name=clip(name, 256), value=value, inline=False)
    embed.set_footer(text=footer)
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
