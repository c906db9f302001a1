"""Every claim's spoken forms, put into the sentences the bot builds, read as sentences (issue 9, part 1).

The checks are the grammar that can be checked: no capital letter right after "that" (unless the word is
a proper noun capitalised in the claim's title), no colon inside a sentence, no doubled words, no doubled
punctuation, and spoken forms of at most 14 words.
"""

from __future__ import annotations

import re

import pytest

from bot.topic_files import default_topics_dir, load_topic_file

from .conftest import MINI

TOPICS = [load_topic_file(p) for p in sorted(default_topics_dir().glob("*.yaml"))] + [load_topic_file(MINI)]
CLAIMS = [(t.id, c) for t in TOPICS for c in t.claims]

CLAUSE_TEMPLATES = (
    "You argue that {clause}.",
    "You went after my point that {clause}.",
    "That doesn't knock down my point that {clause}.",
    "I still hold that {clause}, and the evidence is on my side.",
)
PHRASE_TEMPLATES = (
    "Let me come back to my point about {phrase}.",
    "On {phrase}, the record says otherwise.",
    "You're attacking {phrase}, but the sources stand.",
    "You have not answered my point about {phrase}.",
)


def _words(sentence: str) -> list[str]:
    return re.findall(r"[\w'\u2019-]+", sentence)


def _bare(word: str) -> str:
    return word.replace("\u2019", "'").split("'")[0]


def _proper_in_title(word: str, title: str, context: str = "") -> bool:
    """Capitalised in the title after its first word, or the title's first word when the claim's own
    arguments (``context``) capitalise it in mid-sentence: "Stalin personally ...", not "Not one man"."""
    bare, title_words = _bare(word), [_bare(w) for w in _words(title)]
    if bare in title_words[1:]:
        return True
    if not title_words or title_words[0] != bare:
        return False
    return re.search(rf"[^.!?:\s\"]\s+{re.escape(bare)}\b", context) is not None


def _sentences(claim) -> list[str]:
    out = [t.format(clause=claim.spoken_clause) for t in CLAUSE_TEMPLATES]
    out += [t.format(phrase=claim.spoken_phrase) for t in PHRASE_TEMPLATES]
    return out


def _problems(sentence: str, title: str, context: str = "") -> list[str]:
    problems = []
    words = _words(sentence)
    for before, after in zip(words, words[1:], strict=False):
        if before.lower() == "that" and after[:1].isupper() and not _proper_in_title(after, title, context):
            problems.append(f"capital after 'that': {after!r}")
        if before.lower() == after.lower() and not before.isdigit():
            problems.append(f"doubled word {before!r}")
    body = sentence.rstrip(".")
    if ":" in body:
        problems.append("colon inside the sentence")
    if re.search(r"[.,;:!?]\s*[.,;:!?]", sentence.replace("No. ", "No ")):
        problems.append("doubled punctuation")
    return problems


@pytest.mark.parametrize(("topic_id", "claim"), CLAIMS, ids=[f"{t}:{c.id}" for t, c in CLAIMS])
def test_every_template_reads_with_every_claim(topic_id, claim):
    assert claim.spoken_clause and claim.spoken_phrase
    context = " ".join(a.text for a in claim.arguments)
    failures = [(s, p) for s in _sentences(claim) for p in _problems(s, claim.title, context)]
    assert not failures, failures


@pytest.mark.parametrize(("topic_id", "claim"), CLAIMS, ids=[f"{t}:{c.id}" for t, c in CLAIMS])
def test_spoken_forms_are_short_and_unpunctuated(topic_id, claim):
    for form in (claim.spoken_clause, claim.spoken_phrase):
        assert len(form.split()) <= 14, form
        assert ":" not in form and not form.endswith((".", ";", "!", "?")), form
    assert claim.spoken_clause != claim.spoken_phrase  # a clause and a noun phrase, not one text twice


def test_the_checks_catch_the_sentences_of_the_issue():
    title = "Not one man: Stalin's inner circle and thousands of officials shared responsibility"
    assert _problems("You went after my point that Not one man: many shared it.", title) == [
        "capital after 'that': 'Not'",
        "colon inside the sentence",
    ]
    assert _problems("You argue that that the Kirov murder mattered.", "The Kirov murder") == ["doubled word 'that'"]
    assert _problems("You argue that the Kirov murder (1934) was a pretext..", "The Kirov murder") == [
        "doubled punctuation"
    ]
    stalin = "Stalin personally signed the death lists"
    assert _problems("You argue that Stalin signed the lists.", stalin, "In 1937 Stalin signed.") == []
    assert _problems("You argue that Stalin signed the lists.", stalin) == ["capital after 'that': 'Stalin'"]
