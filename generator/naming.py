"""Every Python name journeygen emits is decided here, once.

Spec names are hostile: keywords (`class`), builtins, pydantic's reserved attributes (`model_config`,
`json`), names that collide after case folding or snake-casing (`journeyId` / `journey_id`,
`VLAN` / `Vlan`), leading digits, empty strings and unicode that Python normalises (`ﬁeld` is
`field` to the parser). Output identifiers use ASCII letters, digits and `_` only.
"""

from __future__ import annotations

import ast
import builtins
import keyword
import re
import unicodedata
from collections.abc import Iterable

_WORD_RE = re.compile(r"[A-Z]+(?=[A-Z][a-z0-9])|[A-Z]?[a-z0-9]+|[A-Z]+|[0-9]+")

# Attributes of pydantic.BaseModel (and names pydantic warns about) that a field must not shadow.
_PYDANTIC_RESERVED = frozenset(
    {
        "copy", "dict", "json", "schema", "schema_json", "validate", "construct", "fields",
        "parse_obj", "parse_raw", "parse_file", "from_orm", "update_forward_refs",
    }
)  # fmt: skip
RESERVED_CLASS_NAMES = frozenset(
    {
        "Annotated", "Any", "AwareDatetime", "BaseModel", "ConfigDict", "Enum", "Field",
        "Literal", "RootModel", "StrEnum", "IntEnum", "Optional", "Union", "date", "datetime",
        "time", "timedelta", "UUID", "Decimal", "AnyUrl", "EmailStr", "NaiveDatetime",
        "Base64Str", "Path", "annotations", "Json", "constr", "conint", "confloat", "PositiveInt",
    }
)  # fmt: skip
_BUILTINS = frozenset(dir(builtins))


def ascii_words(name: str) -> list[str]:
    """Split a spec name into ASCII words (camelCase, kebab-case, spaces, unicode folded)."""
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", name))
    ascii_only = folded.encode("ascii", "ignore").decode("ascii")
    return _WORD_RE.findall(ascii_only)


def snake(name: str, *, default: str = "value") -> str:
    """`paymentCallback_getStatus` -> `payment_callback_get_status`; never empty."""
    words = [w.lower() for w in ascii_words(name)]
    result = "_".join(words) or default
    if result[0].isdigit():
        result = f"{default}_{result}"
    return result


def pascal(name: str, *, default: str = "Model") -> str:
    """`payment-callback` -> `PaymentCallback`; keeps all-caps acronyms (`VLAN`) as written."""
    words = ascii_words(name)
    result = "".join(
        w if w.isupper() and len(w) > 1 else w[:1].upper() + w[1:] for w in words
    )
    result = result or default
    if result[0].isdigit():
        result = f"{default}{result}"
    return result


def constant(name: str, *, default: str = "VALUE") -> str:
    """`payments-callback` -> `PAYMENTS_CALLBACK`."""
    return snake(name, default=default.lower()).upper()


def env_name(text: str) -> str:
    """The runtime's environment-variable rule (templates/runtime/server/settings.py):
    every run of other characters becomes `_`, upper case (`payments-callback` ->
    `PAYMENTS_CALLBACK`). Used where the generator documents a variable."""
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_").upper()


def safe_identifier(name: str) -> str:
    """Make a snake/pascal result safe as a Python name: no keywords or soft keywords."""
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        return f"{name}_"
    return name


def field_name(wire: str) -> str:
    """The Python attribute for a JSON property: snake_case, never reserved, never `_`-led."""
    name = safe_identifier(snake(wire, default="field"))
    if name.startswith(("model_dump", "model_validate")):
        # A suffix is not enough: pydantic protects these prefixes and warns at class creation
        # (`model_dump_` still matches them).
        name = f"field_{name}"
    elif name in _PYDANTIC_RESERVED or name.startswith("model_") or name in _BUILTINS:
        name = f"{name}_"
    if name == "self":
        name = "self_"
    return name


def class_name(wire: str, *, default: str = "Model") -> str:
    """A model class name: PascalCase, not shadowing anything the models module imports."""
    name = pascal(wire, default=default)
    # `True_` would be renamed by the model generator (to `True1`); `TrueModel` is kept.
    if keyword.iskeyword(name) or name in RESERVED_CLASS_NAMES or name in _BUILTINS:
        name = f"{name}Model"
    return name


_HEADER_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
HEADER_NAME_RULE = "letters, digits and !#$%&'*+-.^_`|~ only, RFC 9110 token"


def is_header_name(name: str) -> bool:
    """Whether `name` can be sent as an HTTP header field name (an RFC 9110 token)."""
    return _HEADER_NAME.fullmatch(name) is not None


def class_prefix(wire: str, *, default: str = "Model") -> str:
    """The start of a class name that always gets a suffix (`<operation>Response`): PascalCase
    only; `True` + `Response` needs no keyword guard, and `True_Response` would not survive the
    model generator's own renaming."""
    return pascal(wire, default=default)


def enum_member(value: object, *, index: int) -> str:
    """An enum member name for a value: `in-progress` -> `IN_PROGRESS`; non-words by position."""
    text = value if isinstance(value, str) else str(value)
    words = ascii_words(text)
    if not words:
        return f"VALUE_{index}"
    name = "_".join(w.upper() for w in words)
    if name[0].isdigit():
        name = f"V_{name}"
    return safe_identifier(name)


class Scope:
    """A namespace in which names must differ even after case folding; first come keeps its name."""

    def __init__(self, reserved: Iterable[str] = ()) -> None:
        self._taken: set[str] = {r.casefold() for r in reserved}

    def claim(self, wanted: str) -> str:
        """Return `wanted`, or `wanted_2`, `wanted_3`... (Pascal names: `Wanted2`), whichever is free."""
        name, n = wanted, 1
        sep = "" if wanted[:1].isupper() else "_"
        while name.casefold() in self._taken:
            n += 1
            name = f"{wanted}{sep}{n}"
        self._taken.add(name.casefold())
        return name

    def release(self, name: str) -> None:
        """Give back a name claimed for something that turned out not to need one."""
        self._taken.discard(name.casefold())

    def __contains__(self, name: str) -> bool:
        return name.casefold() in self._taken


def assign(
    names: Iterable[tuple[str, str]], reserved: Iterable[str] = ()
) -> dict[str, str]:
    """Decide names for (key, wanted) pairs in order; exact wanted names win over derived ones.

    Two passes so that a spec name that already is the wanted Python name (`journey_id`) keeps it
    and the one that was converted (`journeyId`) takes the suffix, whatever their order.
    """
    pairs = list(names)
    scope = Scope(reserved)
    result: dict[str, str] = {}
    for key, wanted in pairs:
        if key == wanted and wanted not in scope:
            result[key] = scope.claim(wanted)
    for key, wanted in pairs:
        if key not in result:
            result[key] = scope.claim(wanted)
    return result


def annotation_names(annotation: str) -> set[str]:
    """The names a type annotation the generator wrote refers to (`Literal['Any']` refers to
    `Literal` only): what decides the imports of a generated module."""
    tree = ast.parse(annotation, mode="eval")
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
