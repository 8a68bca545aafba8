"""Bytes to documents: YAML 1.2 and JSON with source positions, and `$ref` resolution inside one spec tree.

This is the only generator module that reads files. It never touches the network: a `$ref`
with a URL scheme, an absolute path, or a path that leaves the spec tree is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import yaml

from .diagnostics import Location, SpecError, display_path, error

try:  # the C parser is much faster and gives the same marks
    _BaseLoader: type[Any] = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _BaseLoader = yaml.SafeLoader

# An alias-heavy document ("billion laughs") expands exponentially; specs this big are not real.
MAX_NODES = 2_000_000
MAX_BYTES = 64 * 1024 * 1024
# Real specs nest a few dozen levels; deeper input would only exhaust the interpreter's stack.
MAX_NESTING = 200

_STR = "tag:yaml.org,2002:str"
_INT_RE = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_FLOAT_RE = re.compile(
    r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)"
)
_BOOL = {
    "true": True,
    "True": True,
    "TRUE": True,
    "false": False,
    "False": False,
    "FALSE": False,
}
_NULL = {"", "~", "null", "Null", "NULL"}
_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}


class _ComposeOnly(_BaseLoader):  # type: ignore[misc]
    """A loader used only to compose nodes; scalars are typed by `_scalar` (YAML 1.2 core)."""


# Resolve every plain scalar as a string; `_scalar` applies the YAML 1.2 core schema itself, so
# YAML 1.1 coercions (`yes` -> True, `012` -> 10, `1_000`) never happen.
_ComposeOnly.yaml_implicit_resolvers = {}


@dataclass
class Document:
    """One parsed file: its data (plain JSON-like values) and where each JSON pointer starts."""

    path: Path
    display: str
    data: Any
    positions: dict[str, tuple[int, int]] = field(repr=False)

    def location(self, pointer: str = "") -> Location:
        """The source position of `pointer`, or of its nearest ancestor that has one."""
        probe = pointer
        while probe not in self.positions and probe:
            probe = probe.rsplit("/", 1)[0]
        line, column = self.positions.get(probe, (0, 0))
        return Location(self.display, line, column)


def escape_pointer_token(token: str) -> str:
    """Encode one JSON Pointer reference token (RFC 6901)."""
    return token.replace("~", "~0").replace("/", "~1")


def _unescape_pointer_token(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


class _Builder:
    """Turns a composed YAML node graph into plain data plus a pointer -> position table."""

    def __init__(self, display: str) -> None:
        self.display = display
        self.positions: dict[str, tuple[int, int]] = {}

    def fail(self, node: yaml.Node, message: str) -> SpecError:
        mark = node.start_mark
        return error(Location(self.display, mark.line + 1, mark.column + 1), message)

    def build(self, node: yaml.Node, pointer: str, depth: int = 0) -> Any:
        if depth > MAX_NESTING:
            raise self.fail(
                node,
                f"the document nests more than {MAX_NESTING} levels deep; flatten it or use $ref",
            )
        self.positions.setdefault(
            pointer, (node.start_mark.line + 1, node.start_mark.column + 1)
        )
        if node.tag not in _PLAIN_TAGS:
            raise self.fail(
                node,
                f"unsupported YAML tag {node.tag!r}; specs may use only plain JSON values",
            )
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, pointer, depth)
        if isinstance(node, yaml.SequenceNode):
            return [
                self.build(item, f"{pointer}/{i}", depth + 1)
                for i, item in enumerate(node.value)
            ]
        assert isinstance(node, yaml.ScalarNode)
        return _scalar(node, self)

    def _mapping(
        self, node: yaml.MappingNode, pointer: str, depth: int
    ) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise self.fail(
                    key_node, "mapping keys must be plain scalars (strings)"
                )
            key = str(key_node.value)
            if key in result:
                raise self.fail(
                    key_node,
                    f"duplicate key {key!r} in this mapping; YAML keeps only one of them, so "
                    "remove or rename the other",
                )
            child = f"{pointer}/{escape_pointer_token(key)}"
            result[key] = self.build(value_node, child, depth + 1)
        return result


def _scalar(node: yaml.ScalarNode, builder: _Builder) -> Any:
    """Type a scalar per the YAML 1.2 core schema; quoted and block scalars are strings."""
    if node.tag != _STR:
        return _explicit(node, builder)
    if not node.style:  # plain scalar ('' from libyaml, None from the Python parser)
        return _plain(node.value)
    return node.value


def _explicit(node: yaml.ScalarNode, builder: _Builder) -> Any:
    text = node.value
    try:
        if node.tag.endswith(":int"):
            return int(text, 0) if text[:2] in ("0o", "0x") else int(text)
        if node.tag.endswith(":float"):
            return float(text)
        if node.tag.endswith(":bool"):
            return _BOOL[text]
        if node.tag.endswith(":null"):
            return None
    except (KeyError, ValueError) as exc:
        raise builder.fail(
            node, f"{text!r} is not a valid {node.tag.rsplit(':', 1)[1]}"
        ) from exc
    return text


def _plain(text: str) -> Any:
    if text in _NULL:
        return None
    if text in _BOOL:
        return _BOOL[text]
    if _INT_RE.fullmatch(text):
        return int(
            text, 8 if text.startswith("0o") else 16 if text.startswith("0x") else 10
        )
    if _FLOAT_RE.fullmatch(text):
        lowered = text.lower()
        if "inf" in lowered:
            return float("-inf") if lowered.startswith("-") else float("inf")
        if "nan" in lowered:
            return float("nan")
        return float(text)
    return text


def parse_yaml(text: str, display: str, path: Path) -> Document:
    """Parse YAML text into a Document; every problem is a SpecError with a position."""
    try:
        node = yaml.compose(text, Loader=_ComposeOnly)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        problem = exc.problem or exc.context or "malformed YAML"
        raise error(
            Location(display, line, column),
            f"malformed YAML: {problem}; fix the syntax",
        ) from exc
    except yaml.YAMLError as exc:
        raise error(Location(display), f"malformed YAML: {exc}") from exc
    if node is None:
        raise error(
            Location(display, 1, 1), "the document is empty; expected a mapping"
        )
    builder = _Builder(display)
    _check_expansion(node, builder)
    data = builder.build(node, "")
    return Document(path, display, data, builder.positions)


def parse_json_text(text: str, display: str, path: Path) -> Document:
    """Parse JSON text into a Document (positions and errors as for YAML)."""
    from .jsondoc import parse_json

    data, positions = parse_json(text, display, MAX_NESTING)
    return Document(path, display, data, positions)


def parse_text(text: str, display: str, path: Path) -> Document:
    """A `.json` file is read as JSON (RFC 8259, positions kept), anything else as YAML 1.2."""
    if path.suffix.lower() == ".json":
        return parse_json_text(text, display, path)
    return parse_yaml(text, display, path)


def _check_expansion(root: yaml.Node, builder: _Builder) -> None:
    """Refuse alias bombs before expanding anything: count the nodes each composed node stands
    for, sharing the count of an aliased node (composition itself never expands aliases).

    Iterative, so neither deep nesting nor an alias inside its own anchor exhausts the stack.
    """
    sizes: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    on_path: set[int] = set()
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if children_done:
            on_path.discard(key)
            sizes[key] = 1 + sum(sizes.get(id(c), 0) for c in _children(node))
            if sizes[key] > MAX_NODES:
                raise builder.fail(
                    node,
                    f"this value expands to more than {MAX_NODES:,} nodes (YAML aliases used as "
                    "an 'alias bomb'?); remove the anchors/aliases or split the document",
                )
            continue
        if key in on_path:
            raise builder.fail(
                node,
                "a YAML alias refers to a value that contains it (an endless structure); "
                "replace the alias with a $ref",
            )
        if key in sizes:
            continue
        on_path.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node))


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


@dataclass(frozen=True)
class Resolved:
    """Where a `$ref` leads: the document, the JSON pointer inside it, and the value there."""

    document: Document
    pointer: str
    value: Any


class Workspace:
    """Loads documents below one root folder and resolves `$ref`s between them (cached)."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self._documents: dict[Path, Document] = {}
        # After `seal()` nothing is read: a file that could not be read is answered with the
        # same error (None: it did not exist), and any other path is an internal error.
        self._sealed = False
        self._failures: dict[Path, SpecError | None] = {}

    def seal(self) -> None:
        """Stop reading files: from now on only documents already loaded are answered."""
        self._sealed = True

    def preload(self, path: Path) -> Document | None:
        """Read one file below the root now, if it can be; a failure is kept and raised again
        by the `load` (or `resolve`) that needs the file, where the error is located."""
        resolved = path.resolve()
        if resolved not in self._documents and not resolved.is_file():
            self._failures[resolved] = None
            return None
        try:
            return self.load(path)
        except SpecError as exc:
            self._failures[resolved] = exc
            return None

    def preload_ref(self, document: Document, ref: Any) -> Document | None:
        """Read the file a `$ref` (or a sourceDescription url) of `document` names, when it
        names one `resolve` would read."""
        if not isinstance(ref, str) or not ref.partition("#")[0]:
            return None
        try:
            target = self._target_path(
                document, ref, Location(document.display), "$ref"
            )
        except SpecError:
            return None  # refused without reading: `resolve` says why
        return self.preload(target)

    def relative(self, path: Path) -> str:
        """The path relative to the spec root, POSIX style (safe to put in generated files)."""
        return path.resolve().relative_to(self.root).as_posix()

    def load(self, path: Path, at: Location | None = None) -> Document:
        """Read and parse one file below the root."""
        resolved = path.resolve()
        cached = self._documents.get(resolved)
        if cached is not None:
            return cached
        display = display_path(path)
        if self._sealed:
            if resolved not in self._failures:
                raise RuntimeError(
                    f"internal error: {display} read after the load stage"
                )
            failure = self._failures[resolved]
            if failure is not None:
                raise SpecError(failure.diagnostics)
        if self._sealed or not resolved.is_file():
            raise error(at or Location(display), f"file not found: {display}")
        if resolved.stat().st_size > MAX_BYTES:
            raise error(Location(display), f"file is larger than {MAX_BYTES} bytes")
        try:
            text = resolved.read_bytes().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise error(
                Location(display), f"not UTF-8 text ({exc.reason}); save it as UTF-8"
            ) from exc
        document = parse_text(text, display, resolved)
        self._documents[resolved] = document
        return document

    def provide(self, path: Path, text: str, display: str) -> Document:
        """Hold a document that is not on disk (a contract derived from a journey) at `path`."""
        document = parse_yaml(text, display, path.resolve())
        self._documents[path.resolve()] = document
        return document

    def resolve(
        self, document: Document, ref: Any, site: str, what: str = "$ref"
    ) -> Resolved:
        """Follow one `$ref` (or, with `what`, another reference such as a
        sourceDescription url) found at pointer `site` of `document`."""
        at = document.location(site)
        if not isinstance(ref, str):
            raise error(at, f"{what} must be a string, got {type(ref).__name__}")
        target_doc = self._target_document(document, ref, at, what)
        fragment = ref.partition("#")[2]
        pointer = unquote(fragment)
        if pointer and not pointer.startswith("/"):
            raise error(
                at,
                f"$ref {ref!r}: the part after '#' must be a JSON Pointer like '#/a/b'",
            )
        value = _walk(target_doc, pointer, ref, at)
        return Resolved(target_doc, pointer, value)

    def _target_document(
        self, document: Document, ref: str, at: Location, what: str
    ) -> Document:
        if not ref.partition("#")[0]:
            return document
        return self.load(self._target_path(document, ref, at, what), at)

    def _target_path(
        self, document: Document, ref: str, at: Location, what: str
    ) -> Path:
        """The file a reference names; SpecError when it names none journeygen may read."""
        file_part = ref.partition("#")[0]
        if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", file_part):
            raise error(
                at,
                f"{what} {ref!r} uses a URL; journeygen never fetches or reads URLs: "
                "copy the document into the spec tree and use a relative path",
            )
        if file_part.startswith(("/", "\\")) or Path(file_part).is_absolute():
            raise error(
                at,
                f"{what} {ref!r} is an absolute path; use a path relative to this file",
            )
        target = (document.path.parent / unquote(file_part)).resolve()
        if not target.is_relative_to(self.root):
            raise error(
                at,
                f"{what} {ref!r} leaves the spec tree ({display_path(self.root)}); it may "
                "only name files inside it: move the file in, or generate from a tree "
                "holding both (the nearest folder with openapi/ or apis/, or "
                "[tool.journeygen] specs)",
            )
        return target


def _walk(document: Document, pointer: str, ref: str, at: Location) -> Any:
    value = document.data
    if not pointer:
        return value
    for raw in pointer[1:].split("/"):
        token = _unescape_pointer_token(raw)
        if isinstance(value, dict) and token in value:
            value = value[token]
        elif isinstance(value, list) and token.isdigit() and int(token) < len(value):
            value = value[int(token)]
        else:
            raise error(
                at,
                f"dangling $ref {ref!r}: {document.display} has nothing at {pointer!r} "
                f"(no {token!r}); fix the pointer or add the target",
            )
    return value
