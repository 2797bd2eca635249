"""Safe YAML reading with source positions, and the fast path for plain documents.

Reading walks libyaml's event stream iteratively (no recursion, so nesting depth is
bounded by a limit we choose, not by the C stack) and builds plain values itself:
nothing is ever constructed from a tag, aliases and merge keys are refused, duplicate
keys are reported, and dates stay the strings the person typed. A number is converted
only when it is short (MAX_NUMBER_CHARS), and must come out finite and within 64 bits;
anything else is a problem at its line, never an exception.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml import events as ev
from yaml.constructor import SafeConstructor
from yaml.nodes import ScalarNode, SequenceNode
from yaml.resolver import Resolver

from handoff_cli.i18n import t

MAX_FILE_BYTES = 1024 * 1024
MAX_DEPTH = 32
MAX_NUMBER_CHARS = 64  # checked before any conversion: Python's int() and sexagesimals are not linear
INT_RANGE = (-2**63, 2**63 - 1)  # whole numbers the JSON Schema validator can compare

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_YAML = "tag:yaml.org,2002:"
_PLAIN_SCALAR_TAGS = {_YAML + n for n in ("str", "int", "float", "bool", "null", "timestamp")}
_INT, _FLOAT, _BOOL, _NULL = (_YAML + n for n in ("int", "float", "bool", "null"))
_CONTAINER_TAGS = {None, "!", _YAML + "map", _YAML + "seq"}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_resolver = Resolver()
_constructor = SafeConstructor()

Path_ = tuple  # a field path: ("context", "decision_maker") or ("entries", 0, "at")


@dataclass(frozen=True)
class Position:
    line: int  # 1-based
    column: int  # 1-based


@dataclass(frozen=True)
class YamlProblem:
    message: str
    position: Position
    path: Path_ = ()


@dataclass
class ParsedYaml:
    """A loaded document: its value (None when unreadable), where each path stands, problems."""

    value: Any
    problems: list[YamlProblem] = field(default_factory=list)
    key_positions: dict[Path_, Position] = field(default_factory=dict)
    value_positions: dict[Path_, Position] = field(default_factory=dict)

    def position(self, path: Path_) -> Position:
        """Where `path` stands, or its nearest ancestor that does."""
        path = tuple(path)
        while True:
            found = self.key_positions.get(path) or self.value_positions.get(path)
            if found or not path:
                return found or Position(1, 1)
            path = path[:-1]

    def inside(self, path: Path_) -> Position:
        """Where the contents of the mapping or list at `path` start (for 'missing' findings)."""
        path = tuple(path)
        return self.value_positions.get(path) or self.position(path)


class _Fatal(Exception):
    def __init__(self, problem: YamlProblem):
        self.problem = problem


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_YAML):] if tag.startswith(_YAML) else tag


def _pos(mark) -> Position:
    return Position(mark.line + 1, mark.column + 1)


def _line_col(text: str, index: int) -> Position:
    line = text.count("\n", 0, index) + 1
    return Position(line, index - (text.rfind("\n", 0, index) + 1) + 1)


def _shown(text: str, limit: int = 40) -> str:
    """A scalar as a message quotes it: short, control characters spelled out."""
    text = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
    return text if len(text) <= limit else text[:limit] + "…"


class _BadScalar(Exception):
    """A scalar that is not the value its tag (typed or resolved) says; `message` says why."""

    def __init__(self, message: str):
        self.message = message


def _typed_scalar(tag: str, text: str, explicit: bool) -> Any:
    """The value of a null, bool, int or float scalar; raises _BadScalar rather than convert
    a long number, or give one that is not finite or not within INT_RANGE."""
    if tag == _NULL:
        return None
    if tag in (_INT, _FLOAT) and len(text) > MAX_NUMBER_CHARS:
        raise _BadScalar(t("yaml.number_too_long", length=len(text), limit=MAX_NUMBER_CHARS))
    node = ScalarNode(tag, text)
    try:
        if tag == _BOOL:
            return _constructor.construct_yaml_bool(node)
        value = (_constructor.construct_yaml_int if tag == _INT else _constructor.construct_yaml_float)(node)
    except (ValueError, KeyError, OverflowError, IndexError):
        if not explicit:
            raise _BadScalar(t("yaml.bad_number", value=_shown(text))) from None
        raise _BadScalar(t("yaml.bad_tagged_bool" if tag == _BOOL else "yaml.bad_tagged_number",
                           value=_shown(text), tag=_short_tag(tag))) from None
    if tag == _INT and not INT_RANGE[0] <= value <= INT_RANGE[1]:
        raise _BadScalar(t("yaml.int_out_of_range", value=_shown(text)))
    if tag == _FLOAT and not math.isfinite(value):
        raise _BadScalar(t("yaml.not_finite", value=_shown(text)))
    return value


def decode(data: bytes) -> tuple[str | None, YamlProblem | None]:
    """Bytes to text, refusing oversize files, a BOM and invalid UTF-8."""
    if len(data) > MAX_FILE_BYTES:
        return None, YamlProblem(t("yaml.too_large", size=len(data), limit=MAX_FILE_BYTES), Position(1, 1))
    if data.startswith(b"\xef\xbb\xbf"):
        return None, YamlProblem(t("yaml.bom"), Position(1, 1))
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        return None, YamlProblem(t("yaml.encoding", problem=error.reason), Position(line, column))


def parse_bytes(data: bytes) -> ParsedYaml:
    text, problem = decode(data)
    if problem:
        return ParsedYaml(None, [problem])
    return parse_text(text)


def parse_text(text: str) -> ParsedYaml:
    """Load one YAML document of plain values, with positions and problems."""
    parsed = ParsedYaml(None)
    try:
        parsed.value = _Builder(text, parsed).build()
    except _Fatal as fatal:
        parsed.value = None
        parsed.problems.append(fatal.problem)
    except yaml.MarkedYAMLError as error:
        parsed.value = None
        mark = error.problem_mark or error.context_mark
        where = _pos(mark) if mark else Position(1, 1)
        about_control = "control characters" in (error.problem or "")
        if "maximum nesting depth" in (error.problem or ""):  # libyaml's own limit (PyYAML >= 6.0.4), far past ours
            parsed.problems.append(YamlProblem(t("yaml.too_deep", limit=MAX_DEPTH), where))
        else:
            parsed.problems.append((about_control and _control_problem(text))
                                   or YamlProblem(t("yaml.syntax", problem=error.problem or str(error)), where))
    except yaml.YAMLError as error:  # ReaderError: a character YAML does not allow
        parsed.value = None
        where = _line_col(text, getattr(error, "position", 0) or 0)
        parsed.problems.append(_control_problem(text) or YamlProblem(
            t("yaml.syntax", problem=getattr(error, "reason", None) or str(error)), where))
    return parsed


def _control_problem(text: str) -> YamlProblem | None:
    """libyaml only says "control characters are not allowed": name the first one and where it is."""
    control = _CONTROL.search(text)
    if control is None:
        return None
    return YamlProblem(t("rule.control_char", code=ord(control.group())), _line_col(text, control.start()))


class _Builder:
    def __init__(self, text: str, parsed: ParsedYaml):
        self.loader = _Loader(text)
        self.parsed = parsed

    def build(self) -> Any:
        loader = self.loader
        try:
            documents = 0
            root: Any = None
            # stack of [container, path, pending_key, pending_key_mark, first_lines]
            stack: list[list] = []
            while loader.check_event():
                event = loader.get_event()
                if isinstance(event, ev.DocumentStartEvent):
                    documents += 1
                    if documents > 1:
                        raise _Fatal(YamlProblem(t("yaml.multiple_documents"), _pos(event.start_mark)))
                elif isinstance(event, ev.AliasEvent):
                    raise _Fatal(YamlProblem(t("yaml.alias"), _pos(event.start_mark)))
                elif isinstance(event, (ev.ScalarEvent, ev.MappingStartEvent, ev.SequenceStartEvent)):
                    if stack and isinstance(stack[-1][0], dict) and stack[-1][2] is None:
                        self._take_key(stack[-1], event)
                        continue
                    path = self._child_path(stack)
                    value = self._value_of(event, path)
                    self.parsed.value_positions[path] = _pos(event.start_mark)
                    if stack:
                        self._attach(stack[-1], value)
                    else:
                        root = value
                    if not isinstance(event, ev.ScalarEvent):
                        if len(stack) >= MAX_DEPTH:
                            raise _Fatal(YamlProblem(t("yaml.too_deep", limit=MAX_DEPTH), _pos(event.start_mark), path))
                        stack.append([value, path, None, None, {}])
                elif isinstance(event, (ev.MappingEndEvent, ev.SequenceEndEvent)):
                    stack.pop()
            if documents == 0:
                raise _Fatal(YamlProblem(t("yaml.empty"), Position(1, 1)))
            return root
        finally:
            loader.dispose()

    @staticmethod
    def _child_path(stack: list[list]) -> Path_:
        if not stack:
            return ()
        container, path, key = stack[-1][0], stack[-1][1], stack[-1][2]
        return path + ((key,) if isinstance(container, dict) else (len(container),))

    def _take_key(self, frame: list, event) -> None:
        if not isinstance(event, ev.ScalarEvent):
            raise _Fatal(YamlProblem(t("yaml.complex_key"), _pos(event.start_mark), frame[1]))
        tag = self._resolve(event)
        if tag == _YAML + "merge":
            raise _Fatal(YamlProblem(t("yaml.merge_key"), _pos(event.start_mark), frame[1]))
        key = event.value
        mark = _pos(event.start_mark)
        bad = _CONTROL.search(key)
        if bad:
            self.parsed.problems.append(
                YamlProblem(t("rule.control_char", code=ord(bad.group())), mark, frame[1] + (key,)))
        first_lines = frame[4]
        if key in first_lines:
            self.parsed.problems.append(
                YamlProblem(t("yaml.duplicate_key", key=key, first_line=first_lines[key]), mark, frame[1] + (key,))
            )
        else:
            first_lines[key] = mark.line
        frame[2] = key
        self.parsed.key_positions[frame[1] + (key,)] = mark

    @staticmethod
    def _attach(frame: list, value: Any) -> None:
        container = frame[0]
        if isinstance(container, dict):
            container[frame[2]] = value
            frame[2] = None
        else:
            container.append(value)

    @staticmethod
    def _resolve(event) -> str:
        if event.tag in (None, "!"):
            return _resolver.resolve(ScalarNode, event.value, event.implicit)
        return event.tag

    def _value_of(self, event, path: Path_) -> Any:
        where = _pos(event.start_mark)
        if isinstance(event, ev.MappingStartEvent):
            if event.tag not in _CONTAINER_TAGS:
                self.parsed.problems.append(YamlProblem(t("yaml.tag", tag=_short_tag(event.tag)), where, path))
            return {}
        if isinstance(event, ev.SequenceStartEvent):
            if event.tag not in _CONTAINER_TAGS:
                self.parsed.problems.append(YamlProblem(t("yaml.tag", tag=_short_tag(event.tag)), where, path))
            return []
        tag = self._resolve(event)
        value = event.value
        if tag not in _PLAIN_SCALAR_TAGS:
            self.parsed.problems.append(YamlProblem(t("yaml.tag", tag=_short_tag(event.tag)), where, path))
            return value
        if tag in (_YAML + "str", _YAML + "timestamp"):
            bad = _CONTROL.search(value)
            if bad:
                self.parsed.problems.append(YamlProblem(t("rule.control_char", code=ord(bad.group())), where, path))
            return value
        try:
            return _typed_scalar(tag, value, explicit=event.tag not in (None, "!"))
        except _BadScalar as bad:
            self.parsed.problems.append(YamlProblem(bad.message, where, path))
            return value  # the text as typed: the finding above says what is wrong with it


# ---------------------------------------------------------------- fast path

_RISKY = re.compile(r"[&*!\\\t]|<<|\x85|\u2028|\u2029")
# A block collection nested n deep starts at column n // 2 - 1 or further right (a mapping's
# value may be a sequence at the key's own column), and only spaces and the indicators
# "- ", "? ", ": " stand before it on its line. _LINE_STARTS[w] finds a line whose start
# holds more than w of those characters.
_LINE_STARTS = tuple(re.compile(r"^[ ?:-]{%d}" % (width + 1), re.MULTILINE) for width in range(MAX_DEPTH // 2))


def _may_nest_too_deep(text: str) -> bool:
    """Whether `text` could hold collections nested deeper than MAX_DEPTH, block nesting
    (indentation, dashes) and flow brackets together; conservative, and two regex scans."""
    flow = text.count("[") + text.count("{")
    widest = (MAX_DEPTH - 2 - flow) // 2  # the widest line start that keeps block + flow within MAX_DEPTH
    return widest < 0 or _LINE_STARTS[min(widest, len(_LINE_STARTS) - 1)].search(text) is not None


class _Decline(Exception):
    """The fast path steps aside; the positional reader reads the file and explains."""


class _StrictLoader(_Loader):
    """libyaml's C loader, used only to compose nodes (with a leaner resolver): `_value`
    makes the values, by our rules (dates stay text, keys are their typed text), and steps
    aside on a duplicate or complex key, an unknown tag, or a number `_typed_scalar` refuses
    (the positional reader then reports it)."""


def _resolve(self, kind, value, implicit):
    """PyYAML's `BaseResolver.resolve`, without its per-scalar list concatenation (it runs
    for every scalar of every file: a fifth of the C loader's time)."""
    if kind is ScalarNode and implicit[0]:
        table = self.yaml_implicit_resolvers
        for tag, regexp in table.get(value[0] if value else "", ()):
            if regexp.match(value):
                return tag
        for tag, regexp in table.get(None, ()):
            if regexp.match(value):
                return tag
    if self.yaml_path_resolvers:  # none are registered; kept exact all the same
        return Resolver.resolve(self, kind, value, implicit)
    if kind is ScalarNode:
        return self.DEFAULT_SCALAR_TAG
    return self.DEFAULT_SEQUENCE_TAG if kind is SequenceNode else self.DEFAULT_MAPPING_TAG


_StrictLoader.resolve = _resolve
_STR, _SEQ, _MAP, _TIMESTAMP = _YAML + "str", _YAML + "seq", _YAML + "map", _YAML + "timestamp"


def _value(node):
    """The value of a composed node, in one plain recursion (PyYAML's construct_document
    goes through generators and state for each node), or _Decline."""
    tag = node.tag
    if tag == _STR or tag == _TIMESTAMP:
        return node.value
    if tag == _MAP:
        result = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                raise _Decline  # complex key
            key = key_node.value
            if key in result:
                raise _Decline  # duplicate key
            result[key] = _value(value_node)
        return result
    if tag == _SEQ:
        return [_value(child) for child in node.value]
    if tag == _NULL:
        return None
    if tag == _BOOL:
        return SafeConstructor.bool_values[node.value.lower()]
    if tag == _INT or tag == _FLOAT:
        try:
            return _typed_scalar(tag, node.value, explicit=False)
        except _BadScalar:
            raise _Decline from None
    raise _Decline


def fast_load(data: bytes) -> tuple[bool, Any]:
    """(True, value) when `data` is a plain document the C loader may read safely and that
    reads to a mapping; (False, None) when the positional reader must look at it.

    The pre-scan refuses anything that could make the C loader do more than build plain
    values: anchors, aliases, tags, merge keys, escapes, control characters, deep block or
    flow nesting (libyaml's composer recurses on the C stack). Its value is identical to
    `parse_bytes(data).value`. Never raises.
    """
    if len(data) > MAX_FILE_BYTES or data.startswith(b"\xef\xbb\xbf"):
        return False, None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False, None
    if _RISKY.search(text) or _CONTROL.search(text) or _may_nest_too_deep(text):
        return False, None
    if text.count("\n---") or text.startswith("---") or text.count("\n..."):
        return False, None
    try:
        loader = _StrictLoader(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
        value = None if node is None else _value(node)
    except Exception:  # noqa: BLE001 - whatever the C loader trips on, the positional reader explains
        return False, None
    return (True, value) if isinstance(value, dict) else (False, None)
