"""Topic files on disk: read YAML safely and hand plain data to the domain validator."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import yaml

from .domain.errors import Problem, TopicError, UnknownTopic
from .domain.schema import build_topic
from .domain.topic import Topic

# A rich topic is ~200 KB for 26 claims; a teacher's 2,000 claims of a few lines each fit in a few MB.
MAX_TOPIC_BYTES = 16 * 1024 * 1024  # refuse anything absurd before parsing
MAX_ALIASES = 20  # YAML alias expansion ("billion laughs") is refused; topic files need few or none
# The shipped topic has ~5,000 nodes, 2,000 teacher-sized claims ~250,000. libyaml parses ~1 us a node, so
# a dense file under the byte limit ("[0,0,0,...]", ~8M nodes) is refused after MAX_NODES.
MAX_NODES = 1_000_000
MAX_DEPTH = 64  # nested collections; a topic file needs six
_C_LOADER = getattr(yaml, "CSafeLoader", None)  # libyaml (PyYAML's C loader) when it is built in
# Topic numbers are small. A long int is slow to build ("1:59:59:..." is quadratic) or cannot be shown
# (str() of a 0x... with thousands of digits raises ValueError); quoted, the same text is fine.
MAX_NUMBER_CHARS = 100


def starter_topic_text() -> str:
    """The commented starter topic (``counterpoint topic new``): valid as it is."""
    return (Path(__file__).resolve().parent / "starter-topic.yaml").read_text(encoding="utf-8")


def default_topics_dir() -> Path:
    """The installed debates/ (inside the wheel) or the source checkout's debates/."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "debates", here.parent / "debates"):
        if candidate.is_dir():
            return candidate
    return here / "debates"


def check_events(text: str) -> None:
    """The limits, checked over the parse events before anything is built: at most MAX_NODES nodes,
    MAX_ALIASES aliases (the classic YAML bomb expands a few aliases into millions of nodes) and MAX_DEPTH
    levels of nesting. Raises yaml.YAMLError naming the limit (a syntax error surfaces here too)."""
    nodes = aliases = depth = 0
    loader = _C_LOADER or yaml.SafeLoader
    for event in yaml.parse(text, Loader=loader):
        kind = type(event)
        if kind is yaml.ScalarEvent:
            nodes += 1
        elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
            nodes += 1
            depth += 1
            if depth > MAX_DEPTH:
                raise yaml.YAMLError(f"nested more than {MAX_DEPTH} levels deep: refused (a topic file needs six)")
        elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            depth -= 1
        elif kind is yaml.AliasEvent:
            nodes += 1
            aliases += 1
            if aliases > MAX_ALIASES:
                raise yaml.YAMLError(f"more than {MAX_ALIASES} aliases: refused (possible YAML bomb)")
        else:
            continue
        if nodes > MAX_NODES:
            raise yaml.YAMLError(f"more than {MAX_NODES:,} YAML nodes: refused (a topic file needs far fewer)")


class _Checks:
    """What the loaders add to PyYAML's safe constructor: a key given twice is an error, and so are values
    their tag cannot hold or numbers too long to build."""

    def construct_mapping(self, node, deep=False):
        """Refuse a key given twice in one mapping (YAML would keep the last one without a word)."""
        seen: dict = {}
        for key_node, _value in node.value if isinstance(node, yaml.MappingNode) else ():
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node)
            try:
                first = seen.setdefault(key, key_node)
            except TypeError:  # not hashable: the base constructor reports it
                continue
            if first is not key_node:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"duplicate key {key!r} (first at line {first.start_mark.line + 1}, "
                    f"column {first.start_mark.column + 1})",
                    key_node.start_mark,
                )
        return super().construct_mapping(node, deep=deep)

    def construct_object(self, node, deep=False):
        if node.tag == "tag:yaml.org,2002:int" and len(node.value) > MAX_NUMBER_CHARS:
            raise yaml.constructor.ConstructorError(
                None, None, f"number too long ({len(node.value):,} characters; quote it if it is text)", node.start_mark
            )
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, TypeError, LookupError, AttributeError, ArithmeticError):
            # a value its tag cannot hold ("2024-02-30", "!!int abc", a 5,000-digit number): a YAML error
            # with its position, not a crash
            shown = f" {node.value[:40]!r}" if isinstance(node.value, str) else ""
            raise yaml.constructor.ConstructorError(
                None, None, f"invalid {node.tag.rsplit(':', 1)[-1]} value{shown}", node.start_mark
            ) from None


class _PyLoader(_Checks, yaml.SafeLoader):
    pass


if _C_LOADER is not None:

    class _CLoader(_Checks, _C_LOADER):
        pass

    _LOADER: type = _CLoader  # libyaml: 8-11x faster than the pure-Python parser on topic files
else:  # pragma: no cover - PyYAML built without libyaml
    _LOADER = _PyLoader


class ParseCache(Protocol):
    """Where parsed topic files may be kept between runs (bot.index_cache.IndexCache)."""

    def topic_data(self, content_hash: str): ...

    def keep_topic_data(self, content_hash: str, data) -> None: ...


def load_topic_file(path: str | Path, cache: ParseCache | None = None) -> Topic:
    """Read, parse and validate one topic file; raise TopicError naming the file and field."""
    path = Path(path)
    name = str(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise TopicError([Problem(name, "", f"cannot read the file: {exc.strerror or exc}")]) from None
    if size > MAX_TOPIC_BYTES:
        raise TopicError(
            [
                Problem(
                    name, "", f"file too large ({size:,} bytes; a topic file may be at most {MAX_TOPIC_BYTES:,} bytes)"
                )
            ]
        )
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise TopicError([Problem(name, "", f"not UTF-8 text (byte {exc.start})")]) from None
    except OSError as exc:
        raise TopicError([Problem(name, "", f"cannot read the file: {exc.strerror or exc}")]) from None
    return parse_topic_text(text, name, cache)


def parse_topic_text(text: str, name: str = "<topic>", cache: ParseCache | None = None) -> Topic:
    """Parse and validate a topic file's text (TopicError lists every problem, each with the file's name).
    With a ``cache``, a file parsed before is not parsed again (it is always validated)."""
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    data = cache.topic_data(digest) if cache is not None else None
    if data is None:
        data = read_yaml(text, name)
        if cache is not None:
            cache.keep_topic_data(digest, data)
    return build_topic(data, file=name, content_hash=digest)


def read_yaml(text: str, name: str = "<topic>"):
    """The YAML document as plain data: the limits checked over the parse events first (check_events), then
    built with libyaml and the safe constructor. Raises TopicError (one problem) when it cannot be read."""
    if not text.strip():
        raise TopicError([Problem(name, "", "the file is empty; a topic needs id, motion, sides, sources, claims")])
    if len(text) > MAX_TOPIC_BYTES:
        raise TopicError([Problem(name, "", f"too large ({len(text):,} characters; at most {MAX_TOPIC_BYTES:,})")])
    try:
        check_events(text)
        return yaml.load(text, Loader=_LOADER)  # noqa: S506 - the safe constructor, C parser
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown position"
        problem = exc.problem or str(exc)
        context = f" ({exc.context})" if exc.context else ""
        raise TopicError([Problem(name, "", f"YAML syntax error at {where}: {problem}{context}")]) from None
    except yaml.YAMLError as exc:
        raise TopicError([Problem(name, "", f"YAML error: {exc}")]) from None
    except RecursionError:
        raise TopicError([Problem(name, "", "YAML nesting too deep")]) from None


@dataclass
class TopicLibrary:
    """The topics found in a directory, plus the problems of files that failed to load."""

    topics: dict[str, Topic] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @classmethod
    def load(cls, directory: str | Path, cache: ParseCache | None = None) -> TopicLibrary:
        lib = cls()
        directory = Path(directory)
        if not directory.is_dir():
            lib.problems.append(Problem(str(directory), "", "topics directory not found"))
            return lib
        for path in sorted(directory.glob("*.y*ml")):
            try:
                topic = load_topic_file(path, cache)
            except TopicError as exc:
                lib.problems.extend(exc.problems)
                continue
            if topic.id in lib.topics:
                lib.problems.append(
                    Problem(str(path), "id", f"duplicate topic id {topic.id!r} (also in {lib.topics[topic.id].path})")
                )
                continue
            lib.topics[topic.id] = topic
        return lib

    def get(self, topic_id: str | None) -> Topic:
        if topic_id is None:
            if len(self.topics) >= 1:
                return next(iter(self.topics.values()))
            raise UnknownTopic("(none)", [])
        try:
            return self.topics[topic_id]
        except KeyError:
            raise UnknownTopic(topic_id, sorted(self.topics)) from None
