"""Arazzo 1.0.1 runtime expressions: typed AST and parser (run at generation time).

Grammar: the spec's ABNF (`$url`, `$method`, `$statusCode`, `$request.`/`$response.` header,
query, path or body with an optional `#` JSON Pointer, `$inputs.`, `$outputs.`, `$steps.`,
`$workflows.`, `$sourceDescriptions.`, `$components.`), plus the dot-path form the JourneyForge
corpus uses (`$response.body.output.status`, `$inputs.signatures[0]`) and `{$...}` templates.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, TypeAlias, cast

Name: TypeAlias = str | int
Builtin: TypeAlias = Literal["url", "method", "statusCode"]
Message: TypeAlias = Literal["request", "response"]
Part: TypeAlias = Literal["header", "query", "path", "body"]
Root: TypeAlias = Literal["inputs", "outputs", "steps", "workflows", "components"]

ROOTS = (
    "$url",
    "$method",
    "$statusCode",
    "$request.",
    "$response.",
    "$inputs.",
    "$outputs.",
    "$steps.",
    "$workflows.",
    "$sourceDescriptions.",
    "$components.",
)
COMPONENT_KINDS = ("parameters", "inputs", "successActions", "failureActions")
_TCHAR = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_SEGMENT_END = ".[#"


class ArazzoSyntaxError(ValueError):
    """An expression or condition is malformed or unsupported."""

    def __init__(self, text: str, column: int, message: str) -> None:
        self.text = text
        self.column = column
        self.message = message
        super().__init__(f"{message} (at column {column} of {text!r})")


@dataclass(frozen=True)
class BuiltinRef:
    """`$url`, `$method` or `$statusCode`."""

    name: Builtin


@dataclass(frozen=True)
class MessageRef:
    """`$request.<part>...` or `$response.<part>...`; header/query/path take one name."""

    message: Message
    part: Part
    names: tuple[Name, ...] = ()
    pointer: tuple[str, ...] = ()


@dataclass(frozen=True)
class ContextRef:
    """`$inputs.`, `$outputs.`, `$steps.`, `$workflows.` or `$components.` with a path."""

    root: Root
    names: tuple[Name, ...]
    pointer: tuple[str, ...] = ()


@dataclass(frozen=True)
class SourceRef:
    """`$sourceDescriptions.<name>[.<operationId or workflowId>]`."""

    source: str
    target: str | None = None


Expression: TypeAlias = BuiltinRef | MessageRef | ContextRef | SourceRef


@dataclass(frozen=True)
class Template:
    """A string with embedded `{$...}` expressions; evaluates to a string."""

    parts: tuple[str | Expression, ...]


def parse_expression(
    text: str, *, offset: int = 0, whole: str | None = None
) -> Expression:
    """Parse one runtime expression; `offset`/`whole` place errors inside a larger text."""
    full = text if whole is None else whole
    parser = _ExpressionParser(text, offset, full)
    return parser.parse()


class _ExpressionParser:
    """Parses one expression; errors carry a column within the enclosing text."""

    def __init__(self, text: str, offset: int, whole: str) -> None:
        self.text = text
        self.offset = offset
        self.whole = whole

    def fail(self, at: int, message: str) -> ArazzoSyntaxError:
        return ArazzoSyntaxError(self.whole, self.offset + at, message)

    def parse(self) -> Expression:
        text = self.text
        if text in ("$url", "$method", "$statusCode"):
            return BuiltinRef(cast(Builtin, text[1:]))
        root = next((r for r in ROOTS if r.endswith(".") and text.startswith(r)), None)
        if root is None:
            raise self.fail(
                0, f"unknown runtime expression {text!r}; allowed: {', '.join(ROOTS)}"
            )
        rest_at = len(root)
        if root in ("$request.", "$response."):
            return self.message(cast(Message, root[1:-1]), rest_at)
        if root == "$sourceDescriptions.":
            return self.source(rest_at)
        return self.context(cast(Root, root[1:-1]), rest_at)

    def message(self, message: Message, at: int) -> MessageRef:
        rest = self.text[at:]
        for part in ("header", "query", "path"):
            if rest.startswith(part + "."):
                return self.single(message, part, at + len(part) + 1)
        # A dialect (see `dialect_notes`): `headers.` read as `header.`.
        if rest.startswith("headers."):
            return self.single(message, "header", at + len("headers."))
        if rest == "body" or rest.startswith(("body.", "body#", "body[")):
            names, pointer = self.path(at + 4, allow_empty=True)
            return MessageRef(message, "body", names, pointer)
        raise self.fail(
            at,
            f"after ${message}. expected header.<name>, query.<name>, "
            "path.<name> or body (with an optional #/json/pointer)",
        )

    def single(self, message: Message, part: Part, at: int) -> MessageRef:
        name = self.text[at:]
        if not name:
            raise self.fail(at, f"expected a {part} name after '{part}.'")
        if part == "header" and not _TCHAR.fullmatch(name):
            bad = next(i for i, ch in enumerate(name) if not _TCHAR.fullmatch(ch))
            raise self.fail(at + bad, f"{name[bad]!r} is not allowed in a header name")
        return MessageRef(message, part, (name,))

    def source(self, at: int) -> SourceRef:
        rest = self.text[at:]
        name, dot, target = rest.partition(".")
        if not name:
            raise self.fail(at, "expected a source description name")
        if dot and not target:
            raise self.fail(
                at + len(name) + 1, "expected an operationId or workflowId after '.'"
            )
        return SourceRef(name, target or None)

    def context(self, root: Root, at: int) -> ContextRef:
        names, pointer = self.path(at - 1, allow_empty=False)
        if root == "steps" and len(names) >= 2 and names[1] != "outputs":
            # A dialect (see `dialect_notes`): `$steps.<id>.<name>` read as an output.
            names = (names[0], "outputs", *names[1:])
        self.check_context(root, names, at)
        return ContextRef(root, names, pointer)

    def check_context(self, root: Root, names: tuple[Name, ...], at: int) -> None:
        first = names[0] if names else None
        if root == "steps" and (len(names) < 3 or names[1] != "outputs"):
            raise self.fail(at, "expected $steps.<stepId>.outputs.<name>")
        if root == "workflows" and (
            len(names) < 3 or names[1] not in ("inputs", "outputs")
        ):
            raise self.fail(
                at, "expected $workflows.<workflowId>.inputs|outputs.<name>"
            )
        if root == "components" and (first not in COMPONENT_KINDS or len(names) < 2):
            kinds = ", ".join(COMPONENT_KINDS)
            raise self.fail(
                at, f"expected $components.<kind>.<name> with kind one of {kinds}"
            )

    def path(
        self, at: int, *, allow_empty: bool
    ) -> tuple[tuple[Name, ...], tuple[str, ...]]:
        """Parse `(.name | [index])* [#pointer]` starting at `at`."""
        names: list[Name] = []
        pos = at
        text = self.text
        while pos < len(text) and text[pos] != "#":
            if text[pos] == ".":
                end = _segment_end(text, pos + 1)
                if end == pos + 1:
                    raise self.fail(pos + 1, "expected a name after '.'")
                names.append(text[pos + 1 : end])
                pos = end
            elif text[pos] == "[":
                pos = self.index(pos, names)
            else:
                raise self.fail(
                    pos, f"unexpected {text[pos]!r}; expected '.', '[' or '#'"
                )
        if not names and not allow_empty and pos >= len(text):
            raise self.fail(at, "expected a name")
        pointer = self.pointer(pos + 1) if pos < len(text) else ()
        return tuple(names), pointer

    def index(self, pos: int, names: list[Name]) -> int:
        if self.text.startswith("[]", pos) and names and isinstance(names[-1], str):
            # Never an index: part of the name (`$inputs.tagName[]`, the ABNF's name is
            # any characters), as form-style APIs name array parameters.
            names[-1] += "[]"
            return pos + 2
        match = re.compile(r"\[(0|[1-9][0-9]*)\]").match(self.text, pos)
        if match is None:
            raise self.fail(pos, "expected a non-negative integer index like [0]")
        names.append(int(match.group(1)))
        return match.end()

    def pointer(self, at: int) -> tuple[str, ...]:
        """Parse an RFC 6901 JSON Pointer (after '#') into unescaped reference tokens."""
        text = self.text[at:]
        if not text:
            return ()
        if not text.startswith("/"):
            raise self.fail(
                at, "a JSON Pointer after '#' must be empty or start with '/'"
            )
        for match in re.finditer("~", text):
            if text[match.start() + 1 : match.start() + 2] not in ("0", "1"):
                raise self.fail(
                    at + match.start(), "'~' in a JSON Pointer must be ~0 or ~1"
                )
        return tuple(
            t.replace("~1", "/").replace("~0", "~") for t in text[1:].split("/")
        )


_STEP_VALUE = (
    r"\$steps\.([A-Za-z0-9_\-]+)\.(?!outputs(?![A-Za-z0-9_\-]))(?=[^\s.\[#{}]+)"
)
_DIALECTS: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (
        re.compile(r"\$(request|response)\.headers\."),
        "${1}.header.",
        "the Arazzo ABNF spells a header 'header.<name>', not 'headers.'",
    ),
    (
        re.compile(_STEP_VALUE),
        "$steps.{1}.outputs.",
        "a step's values are read through its outputs",
    ),
)


def dialect_notes(text: str) -> list[str]:
    """The non-standard spellings a string holds that the parser reads in their one
    meaning (`$response.headers.X`, `$steps.<id>.<name>`): one note each, with the
    standard spelling to write instead."""
    notes = []
    for pattern, standard, why in _DIALECTS:
        for match in pattern.finditer(text):
            end = match.end()
            while end < len(text) and text[end] not in " \t}":
                end += 1
            written = text[match.start() : end]
            fixed = standard.format(None, match[1]) + text[match.end() : end]
            notes.append(
                f"{written!r} is not standard Arazzo ({why}); read as {fixed!r}: write that"
            )
    return notes


def _segment_end(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] not in _SEGMENT_END:
        pos += 1
    return pos


def parse_template(text: str) -> Template:
    """Parse a string with embedded `{$...}` expressions; other braces stay literal text."""
    parts: list[str | Expression] = []
    pos = 0
    while (start := text.find("{$", pos)) != -1:
        end = text.find("}", start)
        if end == -1:
            raise ArazzoSyntaxError(
                text, start, "unterminated '{$' expression; expected '}'"
            )
        if start > pos:
            parts.append(text[pos:start])
        parts.append(
            parse_expression(text[start + 1 : end], offset=start + 1, whole=text)
        )
        pos = end + 1
    if pos < len(text):
        parts.append(text[pos:])
    return Template(tuple(parts))


Value: TypeAlias = (
    "Expression | Template | str | int | float | bool | ValueList | ValueMap | None"
)


@dataclass(frozen=True)
class ValueList:
    """A list in a payload or parameter value, items parsed."""

    items: tuple[Value, ...]


@dataclass(frozen=True)
class ValueMap:
    """An object in a payload or parameter value, keys literal, values parsed."""

    items: tuple[tuple[str, Value], ...]


def parse_value(value: object) -> Value:
    """Parse a parameter value or request payload: strings may be expressions or templates."""
    if isinstance(value, str):
        if value.startswith("$"):
            return parse_expression(value)
        return parse_template(value) if "{$" in value else value
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, Mapping):
        return ValueMap(tuple((_key(k), parse_value(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return ValueList(tuple(parse_value(v) for v in value))
    raise ArazzoSyntaxError(
        repr(value), 0, f"unsupported value of type {type(value).__name__}"
    )


def _key(key: object) -> str:
    if not isinstance(key, str):
        raise ArazzoSyntaxError(repr(key), 0, "object keys in payloads must be strings")
    return key
