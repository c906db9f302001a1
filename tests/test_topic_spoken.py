"""The claim field `spoken` (optional: made from the title when left out) and the line field `premise`
(optional): loaded and validated."""

from __future__ import annotations

import pytest
import yaml

from bot.domain.errors import TopicError
from bot.domain.schema import build_topic
from bot.domain.topic import Claim, Spoken
from bot.topic_files import default_topics_dir, load_topic_file

from .conftest import MINI


def _mini() -> dict:
    return yaml.safe_load(MINI.read_text())


def _problems(data, name="broken.yaml") -> list[str]:
    with pytest.raises(TopicError) as exc:
        build_topic(data, file=name)
    return [str(p) for p in exc.value.problems]


def test_spoken_forms_are_on_the_claim(mini_topic):
    cost = mini_topic.claim("cost")
    assert cost.spoken == Spoken("uniforms are expensive for families", "what uniforms cost families")
    assert cost.spoken_clause == "uniforms are expensive for families"
    assert cost.spoken_phrase == "what uniforms cost families"


@pytest.mark.parametrize("path", sorted(default_topics_dir().glob("*.yaml")), ids=lambda p: p.name)
def test_every_shipped_claim_has_spoken_forms(path):
    for claim in load_topic_file(path).claims:
        assert claim.spoken_clause and claim.spoken_phrase, claim.id


def test_a_claim_built_in_code_without_spoken_forms_still_works():
    claim = Claim("x", "pro", "X", (), (), (), ())
    assert claim.spoken_clause == "" and claim.spoken_phrase == ""


def test_spoken_may_be_left_out_and_is_then_made_from_the_title():
    data = _mini()
    del data["claims"][3]["spoken"]
    claim = build_topic(data, file="draft.yaml").claims[3]
    title = data["claims"][3]["title"]
    assert claim.spoken == Spoken(f"the point \u201c{title}\u201d stands", f"\u201c{title}\u201d", given=False)
    assert not claim.spoken.given


@pytest.mark.parametrize("key", ["clause", "phrase"])
def test_each_spoken_form_is_required(key):
    data = _mini()
    del data["claims"][3]["spoken"][key]
    assert _problems(data) == [f"broken.yaml: claims[3].spoken.{key}: missing required field"]


def test_spoken_must_be_a_mapping():
    data = _mini()
    data["claims"][0]["spoken"] = "uniforms hide wealth"
    assert _problems(data) == ["broken.yaml: claims[0].spoken: expected a mapping (key: value), got text"]


def test_spoken_unknown_key():
    data = _mini()
    data["claims"][0]["spoken"]["phrse"] = "x"
    assert _problems(data) == ["broken.yaml: claims[0].spoken.phrse: unknown field (did you mean 'phrase'?)"]


@pytest.mark.parametrize(
    ("clause", "problem"),
    [
        ("not one man: many shared it", "contains a colon"),
        ("uniforms hide differences in wealth.", "ends with '.'"),
        ("Uniforms hide differences in wealth", "starts with a capital"),
        ("The cost of uniforms is high", "starts with a capital"),
        (" ".join(["word"] * 15), "too long (15 words, at most 14)"),
    ],
)
def test_spoken_clause_checks(clause, problem):
    data = _mini()
    data["claims"][0]["spoken"]["clause"] = clause
    problems = _problems(data)
    assert len(problems) == 1 and problems[0].startswith("broken.yaml: claims[0].spoken.clause: ")
    assert problem in problems[0]


def test_a_proper_noun_of_the_title_may_start_a_spoken_form():
    data = _mini()
    data["claims"][0]["title"] = "Uniforms hide differences in wealth, says Smith"
    data["claims"][0]["spoken"]["clause"] = "Smith's survey shows uniforms hide differences in wealth"
    data["claims"][0]["spoken"]["phrase"] = "Smith's survey of wealth and uniforms"
    assert build_topic(data).claim("equality").spoken_clause.startswith("Smith's")
    data["claims"][0]["spoken"]["clause"] = "Jones shows uniforms hide differences in wealth"  # not in the title
    assert _problems(data) == [
        "broken.yaml: claims[0].spoken.clause: 'Jones shows uniforms hide differences in wealth' starts with a "
        "capital; start lowercase unless the first word is a proper noun capitalised in the claim's title"
    ]


def test_premise_is_optional_and_loaded():
    data = _mini()
    data["claims"][0]["arguments"][0]["premise"] = ["rich pupils", "brands"]
    data["claims"][0]["rebuttals"][0]["premise"] = ["wealth"]
    data["claims"][0]["counter_rebuttals"][0]["premise"] = ["still show", "shoes"]
    topic = build_topic(data)
    claim = topic.claim("equality")
    assert claim.arguments[0].premise == ("rich pupils", "brands")
    assert claim.arguments[1].premise == ()
    assert claim.rebuttals[0].premise == ("wealth",) and claim.rebuttals[0].line.premise == ("wealth",)
    assert claim.rebuttals[1].premise == ()
    assert claim.counter_rebuttals[0].premise == ("still show", "shoes")
    assert claim.counter_rebuttals[0].line.premise == ("still show", "shoes")


@pytest.mark.parametrize(
    ("premise", "problem"),
    [
        ("brands", "claims[0].rebuttals[0].premise: expected a list, got text"),
        ([], "claims[0].rebuttals[0].premise: needs at least one cue phrase (or leave the field out)"),
        (["ok", ""], "claims[0].rebuttals[0].premise[1]: expected non-empty text, got text"),
        (["ok", ["x"]], "claims[0].rebuttals[0].premise[1]: expected non-empty text, got a list"),
        (["?!"], "claims[0].rebuttals[0].premise[0]: '?!' has no letters or digits to match"),
    ],
)
def test_premise_checks(premise, problem):
    data = _mini()
    data["claims"][0]["rebuttals"][0]["premise"] = premise
    assert _problems(data) == [f"broken.yaml: {problem}"]
