"""Topic files: every shipped file validates, and broken files get clear, specific errors."""

from __future__ import annotations

import copy
from pathlib import Path
from unittest import mock

import pytest
import yaml

from bot.domain.errors import TopicError
from bot.domain.schema import build_topic
from bot.topic_files import MAX_TOPIC_BYTES, TopicLibrary, default_topics_dir, load_topic_file, parse_topic_text

from .conftest import MINI

SHIPPED = sorted(default_topics_dir().glob("*.yaml"))


def test_topics_are_shipped():
    assert SHIPPED, "no topic files in debates/"


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_shipped_topic_is_valid(path):
    topic = load_topic_file(path)
    assert topic.id == path.stem
    assert len(topic.sides) == 2
    for claim in topic.claims:
        assert len(claim.arguments) >= 2 and len(claim.rebuttals) >= 2 and claim.counter_rebuttals


def test_mini_topic_loads(mini_topic):
    assert mini_topic.id == "school-uniforms"
    assert [p.rounds for p in mini_topic.format.phases] == [1, 2, 1]
    assert mini_topic.format.turn_length_limit == 300
    assert mini_topic.claim("cost").side == "con"
    assert mini_topic.sources["smith-2020"].url == "https://example.org/smith"
    assert mini_topic.content_hash and len(mini_topic.content_hash) == 64


def _mini() -> dict:
    return yaml.safe_load(MINI.read_text())


def _problems(data, name="broken.yaml") -> list[str]:
    with pytest.raises(TopicError) as exc:
        build_topic(data, file=name)
    return [str(p) for p in exc.value.problems]


def _text_problems(text: str, name="broken.yaml") -> list[str]:
    with pytest.raises(TopicError) as exc:
        parse_topic_text(text, name)
    return [str(p) for p in exc.value.problems]


def test_bad_yaml_names_line_and_column():
    problems = _text_problems("id: x\nmotion: [unclosed\nsides: 3\n")
    assert len(problems) == 1
    assert problems[0].startswith("broken.yaml: YAML syntax error at line ")
    assert "column" in problems[0]


def test_missing_field():
    data = _mini()
    del data["motion"]
    assert _problems(data) == ["broken.yaml: motion: missing required field"]


def test_missing_nested_field():
    data = _mini()
    del data["claims"][1]["title"]
    assert _problems(data) == ["broken.yaml: claims[1].title: missing required field"]


def test_wrong_type():
    data = _mini()
    data["claims"][0]["arguments"] = "just one string"
    problems = _problems(data)
    assert "broken.yaml: claims[0].arguments: expected a list, got text" in problems


def test_wrong_type_number():
    data = _mini()
    data["format"]["turn_length_limit"] = "long"
    assert _problems(data) == ["broken.yaml: format.turn_length_limit: expected a whole number, got text"]


def test_unknown_source_id():
    data = _mini()
    data["claims"][0]["arguments"][0]["sources"] = ["smith-2021"]
    assert _problems(data) == [
        "broken.yaml: claims[0].arguments[0].sources[0]: unknown source 'smith-2021' (did you mean 'smith-2020'?)"
    ]


def test_unknown_claim_in_draws_on():
    data = _mini()
    data["claims"][0]["rebuttals"][0]["draws_on"] = ["costs"]
    assert _problems(data) == [
        "broken.yaml: claims[0].rebuttals[0].draws_on[0]: unknown claim 'costs' (did you mean 'cost'?)"
    ]


def test_draws_on_same_side_is_refused():
    data = _mini()
    data["claims"][0]["rebuttals"][0]["draws_on"] = ["focus"]
    problems = _problems(data)
    assert problems == [
        "broken.yaml: claims[0].rebuttals[0].draws_on[0]: 'focus' is on the same side as 'equality'; "
        "a rebuttal draws on the other side"
    ]


def test_counter_must_answer_a_rebuttal_of_its_claim():
    data = _mini()
    data["claims"][0]["counter_rebuttals"][0]["answers"] = "cost.r1"
    assert _problems(data) == [
        "broken.yaml: claims[0].counter_rebuttals[0].answers: 'cost.r1' is not a rebuttal of claim 'equality'"
    ]


def test_duplicate_claim_id():
    data = _mini()
    data["claims"][1]["id"] = "equality"
    assert "broken.yaml: claims[1].id: duplicate claim id 'equality'" in _problems(data)


def test_duplicate_rebuttal_id():
    data = _mini()
    data["claims"][1]["rebuttals"][0]["id"] = "equality.r1"
    assert any("duplicate id 'equality.r1'" in p for p in _problems(data))


def test_unknown_side():
    data = _mini()
    data["claims"][2]["side"] = "against"
    assert _problems(data) == ["broken.yaml: claims[2].side: unknown side 'against'; sides are con, pro"]


def test_too_few_rebuttals():
    data = _mini()
    data["claims"][0]["rebuttals"] = data["claims"][0]["rebuttals"][:1]
    data["claims"][0]["counter_rebuttals"] = data["claims"][0]["counter_rebuttals"][:1]
    assert _problems(data) == ["broken.yaml: claims[0].rebuttals: needs at least 2 entries, has 1"]


def test_missing_kind_reply():
    data = _mini()
    del data["kinds"]["denial"]
    assert _problems(data) == ["broken.yaml: kinds.denial: missing required field (a reply for this kind of message)"]


def test_unknown_field_suggests():
    data = _mini()
    data["claims"][0]["rebutals"] = []
    assert "broken.yaml: claims[0].rebutals: unknown field (did you mean 'rebuttals'?)" in _problems(data)


def test_every_problem_is_listed_at_once():
    data = _mini()
    del data["motion"]
    data["claims"][0]["side"] = 5
    data["sources"][0]["url"] = "ftp://x"
    assert len(_problems(data)) == 3


def test_empty_file(tmp_path):
    path = tmp_path / "empty.yaml"
    path.write_text("   \n")
    with pytest.raises(TopicError) as exc:
        load_topic_file(path)
    assert str(exc.value) == f"{path}: the file is empty; a topic needs id, motion, sides, sources, claims"


def test_not_a_mapping():
    assert _text_problems("- a\n- b\n") == ["broken.yaml: expected a mapping (key: value), got a list"]


def test_a_file_over_the_size_limit_is_refused_before_parsing(tmp_path):
    path = tmp_path / "huge.yaml"
    path.write_bytes(b"# " + b"x" * MAX_TOPIC_BYTES + b"\n")
    read = []
    real_read = Path.read_bytes
    with (
        mock.patch.object(Path, "read_bytes", lambda self: read.append(self) or real_read(self)),
        pytest.raises(TopicError) as exc,
    ):
        load_topic_file(path)
    assert read == []  # refused from its size, not a byte of it read (work bounded, not timed)
    size = MAX_TOPIC_BYTES + 3
    assert f"file too large ({size:,} bytes; a topic file may be at most {MAX_TOPIC_BYTES:,} bytes)" in str(exc.value)


def test_yaml_bomb_is_refused():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
    )
    problems = _text_problems(bomb)
    assert len(problems) == 1 and "aliases" in problems[0]


def test_not_utf8(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("id: caf\xe9\n".encode("latin-1"))
    with pytest.raises(TopicError, match="not UTF-8"):
        load_topic_file(path)


def test_library_skips_broken_files_and_reports_them(tmp_path):
    (tmp_path / "good.yaml").write_text(MINI.read_text())
    broken = copy.deepcopy(_mini())
    broken["id"] = "other"
    del broken["sides"]
    (tmp_path / "bad.yaml").write_text(yaml.safe_dump(broken))
    lib = TopicLibrary.load(tmp_path)
    assert list(lib.topics) == ["school-uniforms"]
    assert lib.problems and lib.problems[0].file.endswith("bad.yaml") and lib.problems[0].path == "sides"


def test_a_topic_of_2000_claims_is_within_the_limits():
    """What a teacher may need: 2,000 claims of a few lines each load (the size and node limits allow them)."""
    data = yaml.safe_load(MINI.read_text())
    claims = []
    for i in range(2000):
        side, other = ("pro", "con") if i % 2 == 0 else ("con", "pro")
        claims.append(
            {
                "id": f"c{i}",
                "side": side,
                "title": f"Claim number {i} about uniforms",
                "spoken": {"clause": f"claim {i} holds", "phrase": f"claim {i}"},
                "arguments": [{"text": f"Argument {j} of claim {i}, with a few words more.", "sources": ["smith-2020"]}
                              for j in (1, 2)],
                "cues": [f"cue {i} one", f"cue {i} two", f"phrase {i}"],
                "rebuttals": [{"id": f"c{i}.r{j}", "text": f"Rebuttal {j} of {i}.", "draws_on": [f"c{(i + 1) % 2000}"]}
                              for j in (1, 2)],
                "counter_rebuttals": [{"id": f"c{i}.c1", "answers": f"c{i}.r1", "text": f"Counter of {i}."}],
            }
        )  # fmt: skip
        assert other
    data["claims"] = claims
    data.pop("disputed_points", None)
    text = yaml.safe_dump(data, sort_keys=False)
    topic = parse_topic_text(text, "big.yaml")
    assert len(topic.claims) == 2000 and len(text.encode()) < MAX_TOPIC_BYTES


def test_the_limits_are_checked_over_the_parse_events():
    from bot.topic_files import MAX_DEPTH, MAX_NODES

    with pytest.raises(TopicError, match=f"more than {MAX_NODES:,} YAML nodes"):
        parse_topic_text("[" + "0," * (MAX_NODES + 1) + "0]", "dense.yaml")
    with pytest.raises(TopicError, match=f"nested more than {MAX_DEPTH} levels deep"):
        parse_topic_text("a: " + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), "deep.yaml")
