"""Safe YAML reading that remembers where every key came from.

The text is first read as PyYAML's event stream, which needs no recursion, and refused at the first
excess: more than :data:`MAX_NODES` values, nesting deeper than :data:`MAX_DEPTH`, a key longer than
:data:`MAX_KEY_CHARS`, or an explicit tag (``!!int``, ``!!binary``, ``!!python/...``): a value is always
read as written. Only then is it composed into PyYAML's node tree with the safe loader (whose composer
recurses once per level) and walked once to build plain data. The walk records the line and column of
every key path, refuses duplicate keys, dates that do not exist and over-deep nesting (through aliases),
and lifts the ``source:`` notes that may stand beside any value into a separate table, so that the schema
sees clean data and the report can still cite every source.

A value may be written with its note as ``{value: 100, source: "SpaceX"}``; a mapping may carry a
``source:`` key of its own, which then cites the mapping's values.

The one tag allowed is ``!replace`` before a mapping (``time: !replace {dates: [...], end: 2040}``): the
mapping is read as usual and its key path is noted in :attr:`SourcedData.replaced`, for ``extends:`` to
put it in place of the inherited mapping instead of merging it in (:mod:`planner.io.compose`).

The parse is cached per process (the last :data:`CACHED_FILES`), keyed by the file's name as given and
its text (the file is still read every time: cheap, and an edit can never be missed, however close in time
to the last one): a sweep worker loading the same roadmap with different overrides parses it once. Each
call gets its own copy of the data and of the position and source tables, so callers may change them
freely; a file that fails to parse is never cached.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from planner.errors import Problem, RoadmapError, shown

if TYPE_CHECKING:
    from planner.io.overrides import Override

MAX_FILE_BYTES = 1_000_000  # the largest shipped roadmap is 13 kB
MAX_DEPTH = 40
MAX_NODES = 50_000  # values, aliases expanded; the largest shipped roadmap has about 600
MAX_KEY_CHARS = 200
CACHED_FILES = 32

KeyPath = tuple[str, ...]
REPLACE_TAG = "!replace"
_NODE_EVENTS = (yaml.ScalarEvent, yaml.AliasEvent, yaml.CollectionStartEvent)
_READ_AS = {"tag:yaml.org,2002:timestamp": "a date", "tag:yaml.org,2002:int": "a whole number",
            "tag:yaml.org,2002:float": "a number"}


@dataclass(frozen=True)
class Mark:
    """Where a key stands in a file (1-based line and column), or on the command line (``file`` is the
    option as typed, no line)."""

    file: str
    line: int | None = None
    column: int | None = None


@dataclass
class SourcedData:
    """Plain roadmap data with the position of each key path, the ``source:`` notes, the key paths of
    the mappings tagged ``!replace`` and the values set over the file's (:mod:`planner.io.overrides`)."""

    data: dict[str, Any]
    marks: dict[KeyPath, Mark] = field(default_factory=dict)
    sources: dict[KeyPath, str] = field(default_factory=dict)
    replaced: set[KeyPath] = field(default_factory=set)
    overrides: list[Override] = field(default_factory=list)

    def problem(self, path: KeyPath, message: str, allowed: str = "") -> Problem:
        """A problem located at ``path`` (or at its nearest recorded parent)."""
        mark = self.mark_of(path)
        return Problem(
            message=message,
            key=".".join(str(p) for p in path),
            file=mark.file if mark else "",
            line=mark.line if mark else None,
            column=mark.column if mark else None,
            allowed=allowed,
        )

    def mark_of(self, path: KeyPath) -> Mark | None:
        for end in range(len(path), -1, -1):
            mark = self.marks.get(tuple(path[:end]))
            if mark is not None:
                return mark
        return None


def read_text(path: Path, max_bytes: int | None = None) -> str:
    """The UTF-8 text of ``path``; a :class:`RoadmapError` located at the file when it is missing, larger
    than ``max_bytes``, not UTF-8 or unreadable."""
    name = str(path)
    try:
        if not path.is_file():
            raise RoadmapError([Problem("file not found", file=name)])
        size = path.stat().st_size
        if max_bytes is not None and size > max_bytes:
            raise RoadmapError([Problem(f"file is {size:,} bytes", file=name, allowed=f"at most {max_bytes:,} bytes")])
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise RoadmapError([Problem(f"not UTF-8 text (byte {exc.start})", file=name, allowed="a UTF-8 YAML file")]) \
            from None
    except OSError as exc:
        raise RoadmapError([Problem(f"cannot be read: {exc.strerror}", file=name)]) from None


def read_yaml(path: Path) -> SourcedData:
    """Read one YAML file into :class:`SourcedData`; raise :class:`RoadmapError` if unreadable."""
    name = str(path)
    text = read_text(path, MAX_FILE_BYTES)
    parsed = _parsed(name, text)
    return SourcedData(data=_copy(parsed.data), marks=dict(parsed.marks), sources=dict(parsed.sources),
                       replaced=set(parsed.replaced))


@lru_cache(maxsize=CACHED_FILES)
def _parsed(name: str, text: str) -> SourcedData:
    """``text`` of the file ``name`` parsed (cached: never handed out, only copies of it)."""
    data, walker = _read(name, text)
    data = {} if data is None else data
    if not isinstance(data, dict):
        raise RoadmapError([Problem("a roadmap file must be a mapping of keys to values", file=name, line=1)])
    return SourcedData(data=data, marks=walker.marks, sources=walker.sources, replaced=walker.replaced)


def read_value(text: str, name: str) -> Any:
    """One YAML value given as text (a command-line value), within the same limits as a file; a problem
    is located at ``name`` (the option as typed) and a character of ``text``, not at a line of a file."""
    try:
        return _read(name, text)[0]
    except RoadmapError as exc:
        raise RoadmapError([replace(p, line=None, column=None, message=p.message + _at_character(text, p))
                            for p in exc.problems]) from None


def _at_character(text: str, problem: Problem) -> str:
    if problem.column is None:
        return ""
    where = f"character {problem.column}"
    return f" (at {where} of the value)" if "\n" not in text else f" (at line {problem.line}, {where} of the value)"


def _read(name: str, text: str) -> tuple[Any, _Walker]:
    """Plain data of ``text`` and the walker that built it (its marks and notes); located errors."""
    try:
        loader = _Replay(_scan(text, name))
        node = loader.get_single_node()
        walker = _Walker(loader, name)
        data = walker.build(node, (), 0) if node is not None else None
        walker.marks.setdefault((), Mark(name, 1, 1))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise RoadmapError(
            [
                Problem(
                    f"YAML syntax error: {exc.problem or exc.context}",
                    file=name,
                    line=mark.line + 1 if mark else None,
                    column=mark.column + 1 if mark else None,
                )
            ]
        ) from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - text.rfind("\n", 0, exc.position)
        raise RoadmapError([Problem(f"character U+{exc.character:04X} is not allowed in YAML", file=name, line=line,
                                    column=column, allowed="printable text; inside double quotes a control "
                                                           "character may be written as an escape such as \\x01")]) \
            from None
    return data, walker


def _scan(text: str, name: str) -> list[yaml.Event]:
    """The event stream of ``text``, read without recursion and refused at the first excess that the
    composer must never see: too many values, too deep nesting, a key too long, an explicit tag (but
    ``!replace`` before a mapping)."""
    events: list[yaml.Event] = []
    frames: list[_Open] = []
    nodes = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        events.append(event)
        if isinstance(event, yaml.CollectionEndEvent):
            frames.pop()
            continue
        if not isinstance(event, _NODE_EVENTS):
            continue
        nodes += 1
        is_key = bool(frames) and frames[-1].is_key()
        if frames:
            frames[-1].child(event.value if is_key and isinstance(event, yaml.ScalarEvent) else None)
        where = _Where(name, event, frames)
        if nodes > MAX_NODES:
            raise RoadmapError([where.problem("the YAML has too many values", f"at most {MAX_NODES:,} values")])
        if is_key and isinstance(event, yaml.ScalarEvent) and len(event.value) > MAX_KEY_CHARS:
            raise RoadmapError([where.problem(f"a key of {len(event.value):,} characters is too long",
                                              f"keys and names of at most {MAX_KEY_CHARS} characters")])
        tag = getattr(event, "tag", None)
        if tag == REPLACE_TAG and not isinstance(event, yaml.MappingStartEvent):
            raise RoadmapError([where.problem(f"'{REPLACE_TAG}' marks a mapping that replaces the inherited one "
                                              f"whole", f"'{REPLACE_TAG}' before a mapping; other values always "
                                                        "replace")])
        if tag not in (None, REPLACE_TAG):
            raise RoadmapError([where.problem(f"YAML tag '{tag}' is not allowed",
                                              f"plain mappings, lists and values; '{REPLACE_TAG}' before a mapping")])
        if isinstance(event, yaml.CollectionStartEvent):
            frames.append(_Open(isinstance(event, yaml.MappingStartEvent)))
            if len(frames) > MAX_DEPTH:
                raise RoadmapError([where.problem("nesting is too deep", f"at most {MAX_DEPTH} levels")])
    return events


@dataclass(frozen=True)
class _Where:
    """An event of the stream and the collections open around it: where a problem with it stands."""

    file: str
    event: yaml.Event
    frames: list[_Open]

    def problem(self, message: str, allowed: str) -> Problem:
        mark = self.event.start_mark
        return Problem(message, key=".".join(shown(f.part) for f in self.frames if f.part), file=self.file,
                       line=mark.line + 1, column=mark.column + 1, allowed=allowed)


class _Replay(yaml.composer.Composer, yaml.constructor.SafeConstructor, yaml.resolver.Resolver):
    """PyYAML's safe loader fed with the events :func:`_scan` read, so that the text is parsed once."""

    def __init__(self, events: list[yaml.Event]):
        self.events = events
        self.next = 0
        yaml.composer.Composer.__init__(self)
        yaml.constructor.SafeConstructor.__init__(self)
        yaml.resolver.Resolver.__init__(self)

    def check_event(self, *choices: type[yaml.Event]) -> bool:
        if self.next >= len(self.events):
            return False
        return not choices or isinstance(self.events[self.next], choices)

    def peek_event(self) -> yaml.Event:
        return self.events[self.next]

    def get_event(self) -> yaml.Event:
        self.next += 1
        return self.events[self.next - 1]


def _copy(value: Any) -> Any:
    """A copy of parsed data: mappings and lists anew, scalars (immutable) shared."""
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


@dataclass
class _Open:
    """A mapping or list open in the event stream: how many nodes it holds so far, and the key path part
    of the latest (the key of a mapping's value, the index of a list's item)."""

    mapping: bool
    nodes: int = 0
    part: str = ""

    def is_key(self) -> bool:
        """Whether the next node is a mapping's key."""
        return self.mapping and self.nodes % 2 == 0

    def child(self, key: str | None) -> None:
        """Count one more node; ``key`` is its text when it is a mapping's key."""
        if key is not None:
            self.part = key
        elif not self.mapping:
            self.part = str(self.nodes)
        self.nodes += 1


class _Walker:
    def __init__(self, loader: _Replay, file: str):
        self.loader = loader
        self.file = file
        self.marks: dict[KeyPath, Mark] = {}
        self.sources: dict[KeyPath, str] = {}
        self.replaced: set[KeyPath] = set()
        self.visited = 0

    def _mark(self, node: yaml.Node) -> Mark:
        return Mark(self.file, node.start_mark.line + 1, node.start_mark.column + 1)

    def build(self, node: yaml.Node, path: KeyPath, depth: int) -> Any:
        self.visited += 1
        if self.visited > MAX_NODES:
            raise RoadmapError([Problem("the YAML expands to too many values (aliases?)", file=self.file,
                                        allowed=f"at most {MAX_NODES:,} values")])
        if depth > MAX_DEPTH:
            m = self._mark(node)
            raise RoadmapError(
                [Problem("nesting is too deep", file=self.file, line=m.line, column=m.column,
                         allowed=f"at most {MAX_DEPTH} levels")]
            )
        if node.tag == REPLACE_TAG:  # before a mapping only (:func:`_scan`)
            self.replaced.add(path)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, depth)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, path + (str(i),), depth + 1) for i, item in enumerate(node.value)]
        return self._scalar(node, path)

    def _scalar(self, node: yaml.Node, path: KeyPath) -> Any:
        """The value of a scalar as YAML reads it (a date, a number...), or a located problem when the
        text looks like one but is not (2030-02-30, hour 25)."""
        try:
            return self.loader.construct_object(node, deep=True)
        except ValueError as exc:
            m = self._mark(node)
            kind = _READ_AS.get(node.tag, "a value")
            raise RoadmapError([Problem(f"'{node.value}' cannot be read as {kind}: {exc}", key=".".join(path),
                                        file=self.file, line=m.line, column=m.column,
                                        allowed=f"{kind} that exists, or text in quotes")]) from None

    def _mapping(self, node: yaml.MappingNode, path: KeyPath, depth: int) -> Any:
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                m = self._mark(key_node)
                raise RoadmapError([Problem("YAML merge keys (<<) are not supported", file=self.file,
                                            line=m.line, column=m.column, allowed="use 'extends:'")])
            key = self._scalar(key_node, path) if isinstance(key_node, yaml.ScalarNode) else []
            if isinstance(key, list):
                m = self._mark(key_node)
                raise RoadmapError([Problem("a key must be a plain value", file=self.file, line=m.line,
                                            column=m.column)])
            key_path = path + (str(key),)
            if key in out or (key == "source" and path in self.sources):
                first = next((k for k in out if k == key), key)  # 2029 and 2029.0 are one key
                m = self._mark(key_node)
                raise RoadmapError(
                    [Problem(f"duplicate key '{key}' (first at line {self.marks[path + (str(first),)].line})",
                             key=".".join(key_path), file=self.file, line=m.line, column=m.column,
                             allowed="each key once per mapping")]
                )
            self.marks[key_path] = self._mark(key_node)
            if key == "source" and isinstance(value_node, yaml.ScalarNode):
                self.sources[path] = str(self._scalar(value_node, key_path))
                continue
            out[key] = self.build(value_node, key_path, depth + 1)
        if set(out) == {"value"} and path in self.sources:
            return out["value"]
        return out
