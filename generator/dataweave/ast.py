"""Typed AST of DataWeave 2 expressions (frozen dataclasses with 1-based line/column)."""

from __future__ import annotations

from dataclasses import dataclass

Scalar = str | int | bool | None


@dataclass(frozen=True)
class Node:
    """Base of every AST node: the position of its first token."""

    line: int
    column: int


@dataclass(frozen=True)
class Literal(Node):
    """A string, integer, boolean or null literal."""

    value: Scalar


@dataclass(frozen=True)
class Number(Node):
    """A number literal with a fraction or an exponent, kept as written (`0.10`, `1e3`)."""

    text: str


@dataclass(frozen=True)
class Template(Node):
    """A string with `$(expr)` / `$name` interpolations: text parts and expressions."""

    parts: tuple[str | Node, ...]


@dataclass(frozen=True)
class Regex(Node):
    """A regular expression literal `/pattern/`."""

    pattern: str


@dataclass(frozen=True)
class Temporal(Node):
    """A `|...|` date, time, date-time, time zone or period literal (text without the bars)."""

    text: str


@dataclass(frozen=True)
class Name(Node):
    """A reference to a binding, a local variable, a function or a lambda parameter.

    Module-qualified names (`dw::core::Strings::capitalize`) keep their `::` spelling.
    """

    name: str


@dataclass(frozen=True)
class Dollar(Node):
    """The implicit lambda parameters `$` (depth 1), `$$` (2) and `$$$` (3)."""

    depth: int


@dataclass(frozen=True)
class Select(Node):
    """A key selector: `.key` (single), `.*key` (multi), `..key` (descendants), `.&key`.

    `key` is None for the selectors that take every key (`.*`, `..*`).
    """

    target: Node
    key: str | None
    mode: str = "single"


@dataclass(frozen=True)
class Index(Node):
    """Index or range selector `target[index]` (a `to` range slices), or `target["key"]`."""

    target: Node
    index: Node


@dataclass(frozen=True)
class FilterSelect(Node):
    """Filter selector `target[?(condition)]` with `$` bound to each item."""

    target: Node
    condition: Node


@dataclass(frozen=True)
class Exists(Node):
    """Existence selector `target?`: whether the selection found something."""

    target: Node


@dataclass(frozen=True)
class Assert(Node):
    """Non-null assertion `target!`: the selected value, or an error naming the key."""

    target: Node


@dataclass(frozen=True)
class Call(Node):
    """A call `name(args...)` of a built-in, module or local function."""

    name: str
    args: tuple[Node, ...]


@dataclass(frozen=True)
class Apply(Node):
    """A call of a computed function value `(expr)(args...)`."""

    function: Node
    args: tuple[Node, ...]


@dataclass(frozen=True)
class Unary(Node):
    """Prefix operator: `-` or `not` (`!` is `not` with a tighter operand)."""

    op: str
    operand: Node


@dataclass(frozen=True)
class Binary(Node):
    """Infix operator or infix function call (`++`, `==`, `default`, `map`, `to`, ...)."""

    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class TypeRef(Node):
    """A type expression: a name with type arguments, a union, or a literal type.

    kind is "name" (`String`, `Array<Number>`; args hold the type arguments), "union" (args
    are the members), "intersection" (args are the members), "literal" (value holds the
    literal), "object" (args are the field types, labels their (key, required, repeated); name
    "closed" for `{| |}`), "function" (args are the parameter types then the return type,
    labels the parameters' (name, optional, False)).
    """

    kind: str
    name: str = ""
    args: tuple[TypeRef, ...] = ()
    value: Scalar = None
    schema: Node | None = None  # `type T = String {format: "#.00"}`: applied by `as T`
    labels: tuple[tuple[str, bool, bool], ...] = ()


@dataclass(frozen=True)
class Coerce(Node):
    """Type coercion `value as Type` with optional schema properties `{format: ...}`."""

    value: Node
    type: TypeRef
    schema: Node | None = None

    @property
    def type_name(self) -> str:
        """The target type's name (`Any` for unions and literal types)."""
        return self.type.name if self.type.kind == "name" else "Any"


@dataclass(frozen=True)
class Is(Node):
    """Type test `value is Type`."""

    value: Node
    type: TypeRef


@dataclass(frozen=True)
class If(Node):
    """Conditional `if (cond) a else b`; `unless (cond) a else b` has the branches swapped."""

    cond: Node
    then: Node
    otherwise: Node


@dataclass(frozen=True)
class Param(Node):
    """One lambda or function parameter, with its optional default value (types are erased)."""

    name: str
    default: Node | None = None


@dataclass(frozen=True)
class Lambda(Node):
    """Anonymous function `(a, b = 1) -> body`."""

    params: tuple[Param, ...]
    body: Node

    @property
    def names(self) -> tuple[str, ...]:
        """The parameter names."""
        return tuple(param.name for param in self.params)


@dataclass(frozen=True)
class Field(Node):
    """One `key: value` of an object; key is a Node when dynamic `(k): v`.

    `condition` holds the `if` of a conditional field `(k: v) if cond`.
    """

    key: str | Node
    value: Node
    condition: Node | None = None


@dataclass(frozen=True)
class Spread(Node):
    """An enclosed expression `{ (expr) }` whose object (or array of objects) is spread in."""

    value: Node
    condition: Node | None = None


@dataclass(frozen=True)
class Object(Node):
    """Object constructor `{ k: v, (expr), ... }`."""

    fields: tuple[Field | Spread, ...]


@dataclass(frozen=True)
class Array(Node):
    """Array constructor `[a, b, ...]`."""

    items: tuple[Node, ...]


@dataclass(frozen=True)
class CondItem(Node):
    """An array item kept only when its condition holds: `[(x) if cond]`."""

    value: Node
    condition: Node


@dataclass(frozen=True)
class VarDecl(Node):
    """A `var name = value` declaration."""

    name: str
    value: Node


@dataclass(frozen=True)
class FunDecl(Node):
    """A `fun name(params) = body` declaration (may call itself and later functions)."""

    name: str
    params: tuple[Param, ...]
    body: Node


@dataclass(frozen=True)
class TypeDecl(Node):
    """A `type Name = Type` declaration (used by `is`/`as`/`match`; erased elsewhere)."""

    name: str
    type: TypeRef


@dataclass(frozen=True)
class ImportDecl(Node):
    """`import dw::core::Strings`, `import * from M`, `import a, b from M` (names None is `*`)."""

    module: str
    names: tuple[str, ...] | None
    whole: bool = False


Decl = VarDecl | FunDecl | TypeDecl | ImportDecl


@dataclass(frozen=True)
class Do(Node):
    """Scope block `do { declarations --- body }`."""

    decls: tuple[Decl, ...]
    body: Node


@dataclass(frozen=True)
class Pattern(Node):
    """A `case` pattern of `match`.

    kind: "literal" (value is an expression compared with `==`), "type" (type), "regex"
    (value is a Regex; binder gets the match groups), "bind" (any value), "array" (binder is
    the head, rest the tail), "object" (binder the first key's value, key_name the key, rest
    the remaining object), "else".
    """

    kind: str
    binder: str | None = None
    value: Node | None = None
    type: TypeRef | None = None
    key_name: str | None = None
    rest: str | None = None


@dataclass(frozen=True)
class Case(Node):
    """One `case pattern [if guard] -> body` of `match`."""

    pattern: Pattern
    guard: Node | None
    body: Node


@dataclass(frozen=True)
class Match(Node):
    """Pattern matching `value match { case ... else -> ... }`."""

    value: Node
    cases: tuple[Case, ...]


@dataclass(frozen=True)
class PathStep(Node):
    """One step of an `update` field path: `.key`, `.*key`, `[n]`, `[*]`; `upsert` is `!`."""

    kind: str
    key: str | None = None
    index: Node | None = None
    upsert: bool = False


@dataclass(frozen=True)
class UpdateCase(Node):
    """One `case [name at] path [if (cond)] -> value` of the `update` operator."""

    binder: str | None
    path: tuple[PathStep, ...]
    guard: Node | None
    body: Node


@dataclass(frozen=True)
class Update(Node):
    """`value update { case ... }`."""

    value: Node
    cases: tuple[UpdateCase, ...]
