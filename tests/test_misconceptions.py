"""Misconceptions: the loader's new fields, broken files, and find() on messages."""

from __future__ import annotations

import pytest
import yaml

from bot.domain import misconceptions
from bot.domain.errors import TopicError
from bot.domain.schema import build_topic
from bot.domain.topic import Misconception

from .conftest import MINI


def _mini() -> dict:
    return yaml.safe_load(MINI.read_text())


def _problems(data) -> list[str]:
    with pytest.raises(TopicError) as exc:
        build_topic(data, file="broken.yaml")
    return [str(p) for p in exc.value.problems]


def test_misconceptions_load_as_plain_dataclasses(mini_topic):
    assert isinstance(mini_topic.misconceptions, tuple)
    first = mini_topic.misconceptions[0]
    assert first == Misconception(
        "uniforms-are-new",
        ("uniforms were invented last year", "uniforms are a new idea"),
        "School uniforms are not new: English schools have used them for centuries (Smith 2020).",
        ("smith-2020",),
    )


def test_disputed_point_cues_load(mini_topic):
    assert mini_topic.disputed_points[0].cues == ("grades", "results")


def test_a_topic_without_misconceptions_has_none():
    data = _mini()
    del data["misconceptions"]
    assert build_topic(data).misconceptions == ()


def test_find_matches_case_and_accent_insensitively(mini_topic):
    found = misconceptions.find(mini_topic, "Honestly, UNIFORMS ARE FREE anyway")
    assert [m.id for m in found] == ["uniforms-are-free"]
    assert [m.id for m in misconceptions.find(mini_topic, "a CAFE uniform")] == ["uniforms-are-free"]
    assert [m.id for m in misconceptions.find(mini_topic, "a café uniform")] == ["uniforms-are-free"]


def test_find_needs_whole_words(mini_topic):
    assert misconceptions.find(mini_topic, "uniforms are freedom") == []
    assert misconceptions.find(mini_topic, "") == []
    assert misconceptions.find(mini_topic, "!!!") == []


def test_find_keeps_file_order_and_reports_each_once(mini_topic):
    text = "uniforms are free, uniforms are free, and uniforms are a new idea"
    assert [m.id for m in misconceptions.find(mini_topic, text)] == ["uniforms-are-new", "uniforms-are-free"]


def test_matches_one(mini_topic):
    m = mini_topic.misconceptions[0]
    assert misconceptions.matches(m, "I heard uniforms were invented last year.")
    assert not misconceptions.matches(m, "uniforms were invented")


def test_find_on_the_shipped_topic(purges):
    ids = {m.id for m in misconceptions.find(purges, "he even had his own doctors shot")}
    assert "doctors-plot" in ids
    ids = {m.id for m in misconceptions.find(purges, "Trotsky was shot in 1937 at the trials")}
    assert "trotsky-shot-1937" in ids
    assert misconceptions.find(purges, "Order 00447 set limits for the regions.") == []


# ---------------------------------------------------------------- broken files


def test_misconceptions_must_be_a_list():
    data = _mini()
    data["misconceptions"] = {"id": "x"}
    assert _problems(data) == ["broken.yaml: misconceptions: expected a list, got a mapping"]


def test_misconception_missing_fields():
    data = _mini()
    data["misconceptions"][0] = {"id": "x"}
    assert _problems(data) == [
        "broken.yaml: misconceptions[0].cues: missing required field",
        "broken.yaml: misconceptions[0].correction: missing required field",
        "broken.yaml: misconceptions[0].sources: missing required field",
    ]


def test_misconception_unknown_source_and_field():
    data = _mini()
    data["misconceptions"][1]["sources"] = ["jones-2018"]
    data["misconceptions"][1]["cue"] = ["x"]
    assert _problems(data) == [
        "broken.yaml: misconceptions[1].cue: unknown field (did you mean 'cues'?)",
        "broken.yaml: misconceptions[1].sources[0]: unknown source 'jones-2018' (did you mean 'jones-2019'?)",
    ]


def test_misconception_correction_too_long():
    data = _mini()
    data["misconceptions"][0]["correction"] = " ".join(["word"] * 46)
    assert _problems(data) == [
        "broken.yaml: misconceptions[0].correction: too long (46 words, at most 45): keep it short"
    ]


def test_misconception_empty_lists_and_bad_cue():
    data = _mini()
    data["misconceptions"][0]["cues"] = []
    data["misconceptions"][1]["sources"] = []
    data["misconceptions"].append({"id": "z", "cues": ["???"], "correction": "No.", "sources": ["smith-2020"]})
    assert _problems(data) == [
        "broken.yaml: misconceptions[0].cues: needs at least one cue",
        "broken.yaml: misconceptions[1].sources: needs at least one source",
        "broken.yaml: misconceptions[2].cues[0]: '???' has no letters or digits to match",
    ]


def test_misconception_duplicate_and_bad_id():
    data = _mini()
    data["misconceptions"][1]["id"] = "uniforms-are-new"
    data["misconceptions"].append({"id": "Bad Id", "cues": ["x"], "correction": "No.", "sources": ["smith-2020"]})
    assert _problems(data) == [
        "broken.yaml: misconceptions[1].id: duplicate misconception id 'uniforms-are-new'",
        "broken.yaml: misconceptions[2].id: 'Bad Id' is not a valid id (lowercase letters, digits, '-', '.', '_')",
    ]


def test_disputed_point_cues_broken():
    data = _mini()
    data["disputed_points"][0]["cues"] = "grades"
    assert _problems(data) == ["broken.yaml: disputed_points[0].cues: expected a list, got text"]
    data["disputed_points"][0]["cues"] = []
    assert _problems(data) == ["broken.yaml: disputed_points[0].cues: needs at least one cue (or leave the field out)"]
    data["disputed_points"][0]["cues"] = ["ok", {"a": 1}]
    assert _problems(data) == ["broken.yaml: disputed_points[0].cues[1]: expected non-empty text, got a mapping"]
