"""Fuzzing the topic loader (Hypothesis): whatever a topic file holds, loading it gives a Topic or a
TopicError whose every problem names the file, where (a field path, or a line and column for YAML
syntax) and what is wrong. Never another exception, never a hang.

The entry points are the ones the app uses: ``load_topic_file`` (bytes on disk), ``parse_topic_text``
(the text it decodes), ``build_topic`` (the parsed document) and ``TopicLibrary.load`` (a directory).

Runs are derandomized, so CI is reproducible, and short by default. Fuzz longer on demand:

    FUZZ_EXAMPLES=20000 pytest tests/test_fuzz_*.py                 # same seeds, many more examples
    FUZZ_EXAMPLES=20000 FUZZ_RANDOM=1 pytest tests/test_fuzz_*.py   # fresh random seeds each run
"""

from __future__ import annotations

import copy
import re
import types
from pathlib import Path

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.domain.errors import Problem, TopicError
from bot.domain.schema import build_topic
from bot.domain.topic import Topic
from bot.topic_files import MAX_NODES, MAX_TOPIC_BYTES, TopicLibrary, load_topic_file, parse_topic_text
from tests.fuzzing import FUZZ, FUZZ_EXAMPLES

from .conftest import MINI

# A hostile file is refused after bounded work, counted, not timed (a clock fails on a loaded machine):
# YAML nodes parsed (the events of the limits check, and nodes composed by the pure-Python parser), objects
# built, bytes read, digits of numbers built.
WORK_NODES = MAX_NODES + 1  # and the one node that trips it

MINI_TEXT = MINI.read_text(encoding="utf-8")
MINI_DOC = yaml.safe_load(MINI_TEXT)

# Problems about the file as a whole have an empty path; everything else names a field.
WHOLE_FILE = (
    "the file is empty",
    "not UTF-8 text",
    "file too large",
    "cannot read the file",
    "YAML syntax error at line ",
    "YAML error: ",
    "YAML nesting too deep",
    "expected a mapping",
)


# ---------------------------------------------------------------- the property


def assert_clear(exc: TopicError, file: str) -> None:
    """Every problem says which file, where in it, and what is wrong."""
    assert exc.problems, "a TopicError without problems"
    for p in exc.problems:
        assert isinstance(p, Problem)
        assert p.file == file, p
        assert isinstance(p.message, str) and p.message.strip(), p
        assert isinstance(p.path, str), p
        if not p.path:
            assert p.message.startswith(WHOLE_FILE), f"a problem that names no field: {p}"
        if p.message.startswith("YAML syntax error"):
            assert re.search(r"at line \d+, column \d+", p.message), p
        assert str(p).startswith(f"{file}: "), p


def outcome(load, file: str) -> Topic | None:
    """Run a loader: a valid Topic, or None after checking the TopicError. Anything else propagates."""
    try:
        topic = load()
    except TopicError as exc:
        assert_clear(exc, file)
        return None
    assert isinstance(topic, Topic)
    assert topic.path == file
    assert len(topic.sides) == 2 and topic.claims
    assert len({c.id for c in topic.claims}) == len(topic.claims)
    return topic


def load_bytes(directory: Path, raw: bytes, name: str = "fuzz.yaml") -> Topic | None:
    path = directory / name
    path.write_bytes(raw)
    return outcome(lambda: load_topic_file(path), str(path))


def load_text(text: str, file: str = "fuzz.yaml") -> Topic | None:
    return outcome(lambda: parse_topic_text(text, file), file)


def load_data(data, file: str = "fuzz.yaml") -> Topic | None:
    return outcome(lambda: build_topic(data, file=file), file)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz-topics")


# ---------------------------------------------------------------- strategies

TOP_KEYS = sorted(MINI_DOC) + ["version", "scope", "ground_rules", "disputed_points", "misconceptions"]
NESTED_KEYS = ["id", "side", "title", "text", "sources", "cues", "replies", "arguments", "rebuttals",
               "counter_rebuttals", "draws_on", "answers", "phases", "rounds", "name", "citation", "url",
               "strength", "evidence", "turn_length_limit", "turn_time_limit", "correction", "positions"]  # fmt: skip
YAML_CHARS = list(":-[]{}&*!|>'\"#%@`,?\\ \n\t") + ["\r", "\x00", "\x85", "\ufeff", "\u2028", "\U0001f600"]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=20),
    st.sampled_from(["", "  ", "x" * 2001, "random", "equality", "cost", "smith-2020", "Not An Id", "2024-02-30"]),
    st.dates(),
    st.binary(max_size=8),
)
keys = st.one_of(st.sampled_from(TOP_KEYS + NESTED_KEYS), st.text(max_size=8), st.integers(), st.none(), st.booleans())
values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=5),
    max_leaves=25,
)
documents = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(TOP_KEYS), children, max_size=8)
        | st.dictionaries(keys, children, max_size=5)
    ),
    max_leaves=40,
)
# typed scalars, tags, anchors, aliases, merges, directives: the YAML features that reach the constructors
YAML_TOKENS = ["!!int ", "!!float ", "!!bool ", "!!str ", "!!null ", "!!timestamp ", "!!binary ", "!!set ", "!!omap ",
               "!!pairs ", "!!seq ", "!!map ", "!custom ", "&a ", "*a", "<<: ", "? ", "--- ", "...", "%YAML 1.1\n",
               "2024-02-30", "2001-12-14t21:59:43.10-05:00", "0x_1F", "0o17", "1_000", "190:20:30", "-.inf", ".NaN",
               "0b101", "9" * 5000, "1e400", "~", "yes", "off", "id: ", "claims: ", "- ", "  ", "\n", "'",
               '"']  # fmt: skip
characters = st.characters(exclude_categories=["Cs"])  # no lone surrogates: text read from a file is valid UTF-8
yaml_text = st.text(alphabet=st.one_of(st.sampled_from(YAML_CHARS), characters), max_size=300)
yaml_tokens = st.lists(st.one_of(st.sampled_from(YAML_TOKENS), st.text(characters, max_size=6)), max_size=30).map(
    "".join
)


def _paths(node, prefix=()):
    """Every path (tuple of keys and indexes) into a parsed document, the root first."""
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _paths(value, (*prefix, i))


def _get(doc, path):
    for key in path:
        doc = doc[key]
    return doc


@st.composite
def mutated_mini(draw):
    """The valid mini topic with one to four random edits."""
    doc = copy.deepcopy(MINI_DOC)
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["delete", "retype", "duplicate_id", "swap_ids", "rename_key", "copy_item"]))
        paths = list(_paths(doc))
        inner = paths[1:]
        holders = [p for p in paths if isinstance(_get(doc, p), dict) and "id" in _get(doc, p)]
        if op == "delete" and inner:
            path = draw(st.sampled_from(inner))
            del _get(doc, path[:-1])[path[-1]]
        elif op == "retype":
            path = draw(st.sampled_from(paths))
            value = draw(values)
            if path:
                _get(doc, path[:-1])[path[-1]] = value
            else:
                doc = value
        elif op in ("duplicate_id", "swap_ids") and len(holders) >= 2:
            a, b = draw(st.lists(st.sampled_from(holders), min_size=2, max_size=2, unique=True))
            x, y = _get(doc, a), _get(doc, b)
            if op == "duplicate_id":
                y["id"] = x["id"]
            else:
                x["id"], y["id"] = y["id"], x["id"]
        elif op == "rename_key":
            maps = [p for p in paths if isinstance(_get(doc, p), dict) and _get(doc, p)]
            if maps:
                m = _get(doc, draw(st.sampled_from(maps)))
                old = draw(st.sampled_from(list(m)))
                m[draw(keys)] = m.pop(old)
        elif op == "copy_item":
            lists = [p for p in paths if isinstance(_get(doc, p), list) and _get(doc, p)]
            if lists:
                seq = _get(doc, draw(st.sampled_from(lists)))
                seq.insert(draw(st.integers(0, len(seq))), copy.deepcopy(draw(st.sampled_from(seq))))
    return doc


@st.composite
def mutated_mini_bytes(draw):
    """The mini topic's bytes, truncated, spliced with random characters or bytes, or cut."""
    raw = MINI_TEXT.encode("utf-8")
    for _ in range(draw(st.integers(1, 3))):
        op = draw(st.sampled_from(["truncate", "insert_text", "insert_bytes", "delete", "repeat"]))
        at = draw(st.integers(0, len(raw)))
        if op == "truncate":
            raw = raw[:at]
        elif op == "insert_text":
            raw = raw[:at] + draw(st.one_of(yaml_text, yaml_tokens)).encode("utf-8") + raw[at:]
        elif op == "insert_bytes":
            raw = raw[:at] + draw(st.binary(min_size=1, max_size=8)) + raw[at:]
        elif op == "delete":
            raw = raw[:at] + raw[at + draw(st.integers(1, 40)) :]
        else:  # a line repeated (a duplicated claim line, a repeated key)
            start = raw.rfind(b"\n", 0, at) + 1
            end = raw.find(b"\n", at)
            end = len(raw) if end < 0 else end + 1
            raw = raw[:end] + raw[start:end] * draw(st.integers(1, 3)) + raw[end:]
    return raw


# ---------------------------------------------------------------- found by fuzzing (regressions)

CRASHERS = [
    "id: 2024-02-30\n",  # an implicit date that does not exist: ValueError from the date constructor
    "id: !!int abc\n",  # an explicit tag the value does not fit: ValueError
    "id: !!float abc\n",  # ValueError
    "id: !!bool abc\n",  # KeyError
    "id: !!timestamp abc\n",  # AttributeError
    "id: " + "9" * 5000 + "\n",  # more digits than int() accepts by default: ValueError
    "!!int\n",  # an empty tagged number: IndexError
    "id: 0x" + "f" * 4000 + "\n",  # built fine, then str() in the validator raised ValueError (4300-digit limit)
    "id: 1" + ":59" * 3000 + "\n",  # a base-60 int: the same, and quadratic to build (see below)
    "id: !!float\n",  # ValueError
]


@pytest.mark.parametrize("text", CRASHERS, ids=range(len(CRASHERS)))
def test_values_yaml_cannot_construct_are_reported_with_line_and_column(text):
    with pytest.raises(TopicError) as exc:
        parse_topic_text(text, "bad.yaml")
    assert_clear(exc.value, "bad.yaml")
    assert re.match(
        r"bad\.yaml: YAML syntax error at line 1, column [15]: (invalid [a-z]+ value|number too long)", str(exc.value)
    )


def test_a_claim_id_that_is_a_list_is_reported():
    doc = copy.deepcopy(MINI_DOC)
    doc["claims"][1]["id"] = ["focus"]  # unhashable: crashed the cross-reference index with TypeError
    with pytest.raises(TopicError) as exc:
        build_topic(doc, file="bad.yaml")
    assert_clear(exc.value, "bad.yaml")
    assert "bad.yaml: claims[1].id: expected text, got a list" in str(exc.value)


def test_an_empty_list_of_sides_is_reported():
    doc = copy.deepcopy(MINI_DOC)
    doc["sides"] = []  # passed validation, then failed the builder's assert (AssertionError)
    with pytest.raises(TopicError) as exc:
        build_topic(doc, file="bad.yaml")
    assert str(exc.value) == "bad.yaml: sides: a debate has exactly two sides, got 0"


def test_a_blank_unknown_key_still_names_a_path():
    with pytest.raises(TopicError) as exc:
        build_topic({**MINI_DOC, "": 1}, file="bad.yaml")  # was reported with an empty path
    assert "bad.yaml: '': unknown field" in str(exc.value).splitlines()


# ---------------------------------------------------------------- properties


def test_the_mini_topic_is_valid():
    assert load_text(MINI_TEXT) is not None
    assert load_data(copy.deepcopy(MINI_DOC)) is not None


@FUZZ
@given(raw=st.one_of(st.binary(max_size=2000), st.one_of(yaml_text, yaml_tokens).map(lambda t: t.encode("utf-8"))))
@example(raw=b"")
@example(raw=b"\xff\xfe\x00")
@example(raw=b"\xef\xbb\xbfid: x\n")  # a UTF-8 byte order mark
@example(raw="id: caf\xe9\n".encode("latin-1"))
@example(raw=b"id: a\x00b\n")
def test_random_bytes_as_a_topic_file(workdir, raw):
    load_bytes(workdir, raw)


@FUZZ
@given(text=st.one_of(st.text(), yaml_text, yaml_tokens))
@example(text="- a\n- b\n")
@example(text="? [a]\n: b\n")  # an unhashable key
@example(text="id: !!python/object/apply:os.system [echo]\n")  # unsafe tags are not constructed
@example(text="a: &a [*a, *a]\n")  # a self-referential alias
@example(text="%YAML 9.9\n---\nid: x\n")
@example(text="id: x\n---\nid: y\n")  # two documents
def test_random_text_as_a_topic_file(text):
    load_text(text)


@FUZZ
@given(doc=documents)
def test_random_yaml_documents(doc):
    load_data(doc)
    load_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True))


@FUZZ
@given(doc=mutated_mini())
def test_mutations_of_a_valid_topic(doc):
    load_data(doc)
    load_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True))


@FUZZ
@given(raw=mutated_mini_bytes())
def test_byte_level_mutations_of_a_valid_topic(workdir, raw):
    load_bytes(workdir, raw)


@settings(FUZZ, max_examples=max(20, FUZZ_EXAMPLES // 10))
@given(raw=mutated_mini_bytes())
def test_library_loads_the_good_files_and_reports_the_broken_one(tmp_path_factory, raw):
    directory = tmp_path_factory.mktemp("lib")
    (directory / "mini.yaml").write_text(MINI_TEXT, encoding="utf-8")
    (directory / "zz-fuzz.yaml").write_bytes(raw)  # sorts after mini.yaml, so mini's id is never the duplicate
    lib = TopicLibrary.load(directory)
    assert "school-uniforms" in lib.topics
    assert lib.topics["school-uniforms"].path == str(directory / "mini.yaml")
    for p in lib.problems:
        assert p.file == str(directory / "zz-fuzz.yaml") and p.message.strip()
        assert p.path or p.message.startswith(WHOLE_FILE)


# ---------------------------------------------------------------- hostile files are refused quickly


@pytest.fixture
def work(monkeypatch):
    """Counters of the loader's work, kept outside the loader (its own limits are what is under test)."""
    done = types.SimpleNamespace(nodes=0, built=0, bytes_read=0, longest_int=0)
    compose, construct = yaml.composer.Composer.compose_node, yaml.constructor.BaseConstructor.construct_object
    parse = yaml.parse
    build_int, read_bytes = yaml.constructor.SafeConstructor.construct_yaml_int, Path.read_bytes

    def counted_compose(self, parent, index):
        done.nodes += 1
        return compose(self, parent, index)

    node_events = (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent, yaml.AliasEvent)

    def counted_parse(stream, Loader=yaml.Loader):  # noqa: N803 - PyYAML's own name
        for event in parse(stream, Loader=Loader):
            if isinstance(event, node_events):
                done.nodes += 1
            yield event

    def counted_construct(self, node, deep=False):
        done.built += 1
        return construct(self, node, deep=deep)

    def counted_int(self, node):
        done.longest_int = max(done.longest_int, len(node.value))
        return build_int(self, node)

    def counted_read(self):
        data = read_bytes(self)
        done.bytes_read += len(data)
        return data

    monkeypatch.setattr(yaml.composer.Composer, "compose_node", counted_compose)
    monkeypatch.setattr(yaml, "parse", counted_parse)
    monkeypatch.setattr(yaml.constructor.BaseConstructor, "construct_object", counted_construct)
    monkeypatch.setattr(yaml.constructor.SafeConstructor, "construct_yaml_int", counted_int)
    monkeypatch.setattr(Path, "read_bytes", counted_read)
    return done


def _refused(path: Path, work) -> str:
    with pytest.raises(TopicError) as exc:
        load_topic_file(path)
    assert work.nodes <= WORK_NODES and work.built <= WORK_NODES, work
    assert work.bytes_read <= MAX_TOPIC_BYTES, work
    assert work.longest_int <= 100, work  # bot.topic_files.MAX_NUMBER_CHARS
    assert_clear(exc.value, str(path))
    return str(exc.value)


def _billion_laughs(levels: int = 9) -> str:
    lines = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, levels):
        prev, cur = chr(96 + i), chr(97 + i)
        lines.append(f"{cur}: &{cur} [{', '.join(['*' + prev] * 9)}]")
    return "\n".join(lines) + "\n"


def test_billion_laughs_is_refused_quickly(tmp_path, work):
    path = tmp_path / "bomb.yaml"
    path.write_text(_billion_laughs(), encoding="utf-8")
    assert "aliases" in _refused(path, work)
    assert work.built == 0  # refused while composing: no alias was expanded


def test_billion_laughs_inside_a_valid_topic_is_refused_quickly(tmp_path, work):
    path = tmp_path / "bomb.yaml"
    path.write_text(MINI_TEXT + "ground_rules: &r [x]\n" + _billion_laughs().replace("a: &a", "scope: &a"))
    assert "aliases" in _refused(path, work)
    assert work.built == 0


def test_a_file_over_the_size_limit_is_refused_quickly(tmp_path, work):
    path = tmp_path / "huge.yaml"
    path.write_bytes((MINI_TEXT.encode("utf-8") * (MAX_TOPIC_BYTES // len(MINI_TEXT) + 2))[: MAX_TOPIC_BYTES + 1])
    work.bytes_read = 0  # (written above through write_bytes, not read)
    assert "file too large" in _refused(path, work)
    assert work.bytes_read == 0 and work.nodes == 0  # refused from its size alone


DEEP = 10_000
NESTINGS = {
    "flow lists": "[" * DEEP + "]" * DEEP,
    "flow maps": "{a: " * DEEP + "1" + "}" * DEEP,
    "block lists": "- " * DEEP + "x\n",
    "block maps in flow lists": "[{a: " * (DEEP // 2) + "1" + "}]" * (DEEP // 2),
    "deep value in a valid topic": MINI_TEXT + "scope: " + "[" * DEEP + "]" * DEEP + "\n",
    "unclosed": "[" * DEEP,
}


@pytest.mark.parametrize("text", NESTINGS.values(), ids=NESTINGS.keys())
def test_deep_nesting_is_refused_quickly(tmp_path, text, work):
    path = tmp_path / "deep.yaml"
    path.write_text(text, encoding="utf-8")
    message = _refused(path, work)
    assert "RecursionError" not in message and "MemoryError" not in message


# Files under the byte limit whose every few bytes are a YAML node: a pure-Python parse of ~500,000
# nodes took 10-20 s before the loader capped the number of nodes.
DENSE = {
    "flow list": "[" + "0," * (MAX_TOPIC_BYTES // 2 - 8) + "0]",
    "flow empties": "[" + "[]," * (MAX_TOPIC_BYTES // 3 - 8) + "[]]",
    "block list": "- x\n" * (MAX_TOPIC_BYTES // 4 - 4),
    "many keys": "".join(f"k{i}: v\n" for i in range(MAX_TOPIC_BYTES // 12)),
    "many claims": "claims:\n" + "  - {id: x}\n" * (MAX_TOPIC_BYTES // 12 - 1),
}


LONG_NUMBERS = {  # one number filling the byte limit
    "base 60": "id: 1" + ":59" * (MAX_TOPIC_BYTES // 3 - 4),  # ~80 s to build before numbers were capped
    "hex": "id: 0x" + "f" * (MAX_TOPIC_BYTES - 8),
    "decimal": "id: 1" + "0" * (MAX_TOPIC_BYTES - 8),
}


@pytest.mark.parametrize("text", LONG_NUMBERS.values(), ids=LONG_NUMBERS.keys())
def test_long_numbers_are_refused_quickly(tmp_path, text, work):
    path = tmp_path / "number.yaml"
    path.write_text(text + "\n", encoding="utf-8")
    assert "number too long" in _refused(path, work)
    assert work.longest_int == 0  # never built


@pytest.mark.parametrize("text", DENSE.values(), ids=DENSE.keys())
def test_dense_files_under_the_size_limit_are_refused_quickly(tmp_path, text, work):
    path = tmp_path / "dense.yaml"
    path.write_text(text, encoding="utf-8")
    assert path.stat().st_size <= MAX_TOPIC_BYTES
    assert "nodes" in _refused(path, work)
    assert work.built == 0  # refused while composing
