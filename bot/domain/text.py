"""Text normalisation shared by the matcher: folding, tokens, stems, stopwords."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

_STEMMER = snowballstemmer.stemmer("english")
_TOKEN_RE = re.compile(r"[a-z]+|[0-9]+")  # "681k" -> 681 k, "1930s" -> 1930 s
_INVISIBLE = dict.fromkeys(  # zero-width, direction marks, soft hyphen
    [
        0x200B,
        0x200C,
        0x200D,
        0x200E,
        0x200F,
        0x2060,
        0xFEFF,
        0x202A,
        0x202B,
        0x202C,
        0x202D,
        0x202E,
        0x2066,
        0x2067,
        0x2068,
        0x2069,
        0x00AD,
    ]  # fmt: skip
)

STOPWORDS = frozenset(
    (
        "a about above after again all also am an and any are aren as at be been before being below between "
        "both but by can could did do does doing down during each few for from further had has have having he "
        "her here hers herself him himself his how i if in into is it its itself just let me more most my "
        "myself of off on once only or other our ours ourselves out over own same she should so some such "
        "than that the their theirs them themselves then there these they this those through to too under "
        "until up very was we were what when where which while who whom why will with would you your yours "
        "yourself yourselves s t d ll m re ve y im ive id youre hes shes its thats theres dont doesnt didnt "
        "isnt wasnt werent cant couldnt wouldnt shouldnt wont u ur ya yeah yes lol lmao tbh imo imho idk like "
        "really actually basically literally just gonna wanna kinda sorta bc cuz cause coz thing things stuff "
        "guy guys dude got get gets getting think thought mean means say said says sure well ok okay one ones "
        "way much many even still though tho alot lot also pretty quite bit whole every "
    ).split()
)
NEGATIONS = frozenset(
    "not no never nah nope wasnt isnt didnt doesnt dont werent cant couldnt wrong false myth overrated "
    "nonsense hardly".split()
)


_INNER_APOSTROPHE = re.compile(r"(?<=[a-z])'(?=[a-z])")


class Prefiltered:
    """A regex with a cheaper one asked first: the same pattern with its word boundaries and its
    "start of a sentence" prefixes left out. Those are zero-width conditions, so the loose pattern matches
    wherever the strict one does; without a leading ``\b`` its branches start with letters, which lets the
    regex engine skip ahead, and most messages are refused by it alone. ``search`` gives what the strict
    pattern gives."""

    __slots__ = ("pattern", "_loose")

    def __init__(self, pattern: re.Pattern):
        self.pattern = pattern
        self._loose = re.compile(pattern.pattern.replace(r"(^|[.!?]\s*)", "").replace(r"\b", ""), pattern.flags)

    def search(self, text: str):
        return self.pattern.search(text) if self._loose.search(text) else None


def fold(text: str) -> str:
    """Lowercase, strip accents and invisible characters, unify apostrophes."""
    if text.isascii():  # most text: no normalisation, accents or invisible characters to deal with
        return _INNER_APOSTROPHE.sub("", text.replace("`", "'").lower())
    return fold_unicode(text)


def fold_unicode(text: str) -> str:
    """fold() for any text: NFKC, invisibles out, casefold, accents stripped (the ASCII fast path's reference)."""
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE)
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    # "stalin's" -> "stalin", "didn't" -> "didnt": drop apostrophes inside words
    return _INNER_APOSTROPHE.sub("", text)


def words(text: str) -> list[str]:
    """Folded word tokens, stopwords included (order kept)."""
    return _TOKEN_RE.findall(fold(text))


def folded_words(folded: str) -> list[str]:
    """The word tokens of text that is already folded."""
    return _TOKEN_RE.findall(folded)


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    if word.isdigit():
        return word
    return _STEMMER.stemWord(word)


def content_words(text: str) -> list[str]:
    return [w for w in words(text) if w not in STOPWORDS]


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9'\"\u2018\u201c(])")
HOOK_WORDS = 8  # a first sentence this short is a hook, not yet an answer
LEAD_SLACK = 25  # words a lead may run over its budget to reach a statement (past a rhetorical question)


_ABBREVIATION = re.compile(r"(\b(p|pp|No|no|cf|c|ca|vol|ed|eds|St|Dr|Mr|Mrs|Gen|Col|e\.g|i\.e|vs)|\b[A-Z])\.$")


def sentences(text: str) -> list[str]:
    """The sentences of a line (split after . ! ? before a capital, digit, quote or bracket; not after an
    abbreviation such as "p." or an initial)."""
    out: list[str] = []
    for piece in _SENTENCE_END.split(text.strip()):
        if out and _ABBREVIATION.search(out[-1]):
            out[-1] = f"{out[-1]} {piece}"
        elif piece:
            out.append(piece)
    return out


def lead(text: str, budget: int, min_words: int = 15) -> str:
    """The first whole sentences of ``text`` within ``budget`` words.

    It always keeps the first sentence, and may go over the budget to reach a statement (LEAD_SLACK words:
    "Who owned the machine?" alone answers nothing) or, by 10 words, to pass ``min_words``.
    """
    out: list[str] = []
    used = 0
    for sentence in sentences(text):
        n = len(sentence.split())
        # past a rhetorical question or a bare hook ("Look at the date."), go on to a statement
        hook = all(x.endswith("?") for x in out) or used < HOOK_WORDS
        slack = LEAD_SLACK if hook else 10 if used < min_words else 0
        if out and used + n > budget + slack:
            break
        out.append(sentence)
        used += n
    return " ".join(out)


def gist(text: str, max_words: int) -> str:
    """One line: the lead of ``text`` up to its first statement, cut at a word boundary past ``max_words``."""
    head = lead(text, 1, min_words=1)
    ws = head.split()
    return head if len(ws) <= max_words else " ".join(ws[:max_words]).rstrip(",;:") + "\u2026"
