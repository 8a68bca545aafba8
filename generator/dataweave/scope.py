"""The compiler's lexical scopes: locals, imports, function resolution, `did you mean`."""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from generator.dataweave import ast
from generator.dataweave.builtins import (
    BUILTINS,
    NOT_FOR_JSON,
    FunctionSpec,
)
from generator.dataweave.errors import DataWeaveError, DataWeaveWarning
from generator.dataweave.parse_base import did_you_mean
from generator.dataweave.walk import local

RUNTIME: Final = "_dw"


MAX_COMPILE_DEPTH: Final = 160


_BINDING_NAME: Final = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


_TEMPORAL_TEXT: Final = re.compile(
    r"-?P[0-9WDTHMS.]+|[0-9]{4}-[0-9]{2}-[0-9]{2}[0-9T:.+\-Z]*|[0-9]{2}:[0-9]{2}[0-9:.+\-Z]*"
    r"|[+-][0-9]{2}:[0-9]{2}|Z"
)


_HELPERS: Final = MappingProxyType(
    {
    "==": "eq", "!=": "ne", "~=": "similar", "<": "lt", "<=": "le", ">": "gt", ">=": "ge",
    "<=>": "cmp", "+": "add", "-": "sub", "*": "mul", "/": "div",
    }
)  # fmt: skip


# Operators that are language constructs here unless the function registry defines them.
_LANGUAGE_OPS: Final = MappingProxyType(
    {"++": "concat", "to": "range_", ">>": "prepend", "<<": "append"}
)


_DOLLAR_NAMES: Final = ("_s_item", "_s_index", "_s_third")


CORE: Final = "dw::Core"


def _fail(message: str, node: ast.Node) -> DataWeaveError:
    return DataWeaveError(message, node.line, node.column)


@dataclass(frozen=True)
class Local:
    """One name in a lexical scope: its Python identifier and what it is."""

    python: str
    kind: str  # "var", "fun", "param", "type", "import", "module"
    params: tuple[ast.Param, ...] = ()
    target: str = ""  # imports: the qualified function name; modules: the module name
    type: ast.TypeRef | None = None


def builtin(qualified: str) -> FunctionSpec | None:
    """The registry entry of a `dw::...::name` or bare dw::Core function name."""
    spec = BUILTINS.get(qualified)
    if spec is None and qualified.startswith(CORE + "::"):
        spec = BUILTINS.get(qualified[len(CORE) + 2 :])
    return spec


class Scopes:
    """The lexical scopes of one compilation and the names it read."""

    def __init__(self, bindings: frozenset[str], implicit_root: str | None) -> None:
        for name in sorted(bindings):
            bad = not _BINDING_NAME.fullmatch(name) or keyword.iskeyword(name)
            if bad or name == RUNTIME:
                raise ValueError(f"invalid binding name {name!r}")
        if implicit_root is not None and implicit_root not in bindings:
            raise ValueError(f"implicit_root {implicit_root!r} is not a binding")
        self.bindings = bindings
        self.implicit_root = implicit_root
        self.scopes: list[dict[str, Local]] = []
        self.dollar_depth = 0
        self.dollar_arities: list[int] = []  # parameters of each enclosing `$` callback
        self.depth = 0
        self.used: set[str] = set()
        self.implicit: set[str] = set()
        self.warnings: list[DataWeaveWarning] = []

    def lookup(self, name: str) -> Local | None:
        """The innermost local binding of name."""
        for scope in reversed(self.scopes):
            if name in scope:
                return scope[name]
        return None

    def push(self, names: dict[str, Local]) -> None:
        """Open a scope."""
        self.scopes.append(names)

    def pop(self) -> None:
        """Close the innermost scope."""
        self.scopes.pop()

    def local_of(self, name: str) -> Local:
        """A variable or pattern name."""
        return Local(local(name), "var")

    def fun_local(self, name: str, params: tuple[ast.Param, ...]) -> Local:
        """A `fun` declaration (calls are checked against its parameters)."""
        return Local(local(name), "fun", params=params)

    def type_local(self, type_: ast.TypeRef) -> Local:
        """A `type` alias (compile time only)."""
        return Local("", "type", type=type_)

    def import_locals(self, decl: ast.ImportDecl) -> dict[str, Local]:
        """The names an `import` brings into scope, checked against the registry."""
        modules = {key.rpartition("::")[0] for key in BUILTINS if "::" in key} | {CORE}
        if decl.module not in modules:
            raise _fail(
                f"unknown module `{decl.module}`; available: {', '.join(sorted(modules))}"
                + did_you_mean(decl.module, modules),
                decl,
            )
        if decl.whole:
            alias = decl.module.rpartition("::")[2]
            return {alias: Local("", "module", target=decl.module)}
        if decl.names is None:
            return {"*" + decl.module: Local("", "import", target=decl.module)}
        found: dict[str, Local] = {}
        for name in decl.names:
            qualified = f"{decl.module}::{name}"
            if builtin(qualified) is None:
                raise _fail(
                    f"`{decl.module}` has no function `{name}`"
                    + did_you_mean(
                        name,
                        {
                            k.rpartition("::")[2]
                            for k in BUILTINS
                            if k.startswith(decl.module)
                        },
                    ),
                    decl,
                )
            found[name] = Local("", "import", target=qualified)
        return found

    def local_names(self) -> set[str]:
        """Every local name visible (for did-you-mean)."""
        return {name for scope in self.scopes for name in scope}

    def name(self, node: ast.Name) -> str:
        """A variable, parameter, function value or binding reference."""
        local = self.lookup(node.name)
        if local is not None and local.kind in ("var", "fun", "param"):
            return local.python
        if node.name in self.bindings:
            self.used.add(node.name)
            return node.name
        if local is not None or self.resolve_function(node.name, node) is not None:
            raise _fail(
                f"`{node.name}` is a function; call it as `{node.name}(...)`", node
            )
        if "::" in node.name:
            raise self.unknown_function(node.name, node)
        if self.implicit_root is not None:
            self.used.add(self.implicit_root)
            self.implicit.add(node.name)
            return f"{RUNTIME}.sel({self.implicit_root}, {node.name!r})"
        available = ", ".join(sorted(self.bindings)) or "none"
        raise _fail(
            f"unknown name `{node.name}`; available bindings: {available}"
            + did_you_mean(node.name, self.local_names() | set(self.bindings)),
            node,
        )

    def resolve_function(self, name: str, at: ast.Node) -> FunctionSpec | None:
        """The registry entry a (possibly imported or qualified) function name refers to."""
        qualified = name
        head, _, rest = name.partition("::")
        local = self.lookup(head)
        if rest and local is not None and local.kind == "module":
            qualified = f"{local.target}::{rest}"
        elif not rest and local is not None and local.kind == "import":
            qualified = local.target
        elif not rest:
            for module in self._star_imports():
                spec = builtin(f"{module}::{name}")
                if spec is not None:
                    return spec
        return builtin(qualified)

    def _star_imports(self) -> list[str]:
        found: list[str] = []
        for scope in reversed(self.scopes):
            found.extend(
                local.target for key, local in scope.items() if key.startswith("*")
            )
        return found

    def unknown_function(self, name: str, at: ast.Node) -> DataWeaveError:
        """`unknown function` with the closest known names (and the import they need)."""
        bare = name.rpartition("::")[2]
        modules = sorted(
            key for key in BUILTINS if "::" in key and key.endswith("::" + bare)
        )
        if modules:
            module = modules[0].rpartition("::")[0]
            return _fail(
                f"unknown function `{name}`: `{bare}` is in `{module}`; write "
                f"`import {bare} from {module}` first (in a `do` block or before `---`), "
                f"or call `{modules[0]}(...)`",
                at,
            )
        reason = NOT_FOR_JSON.get(bare)
        if reason is not None:
            return _fail(f"{reason} (journeygen does not support `{bare}`)", at)
        known = {key for key in BUILTINS if "::" not in key} | {
            n for n in self.local_names() if not n.startswith("*")
        }
        return _fail(f"unknown function `{name}`" + did_you_mean(bare, known), at)
