"""Which files make a case: documents are recognised by their content, never by file name.

A `.yaml`, `.yml` or `.json` file is an Arazzo document when its root has `arazzo:`, an OpenAPI
document when it has `openapi:`, a journey when it has `kind: Journey` (or `Api`) and webhook
bindings when it has `kind: WebhookBindings`; anything else is not a spec document. Only the root
keys are read here; the real parse (with positions and every error) is `load`'s.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import unquote

from .diagnostics import Diagnostic, Location, SpecError, did_you_mean, error

# "unknown": an `apiVersion` + `kind` document of a kind journeygen does not know (a typo).
Kind = Literal["arazzo", "openapi", "journey", "bindings", "unknown"]
SUFFIXES = (".yaml", ".yml", ".json")
# A block-style root key sits at column 0 (nested keys and block scalars are indented).
_ROOT_KEY = re.compile(
    r"""^["']?(arazzo|openapi|kind|apiVersion)["']?[ \t]*:[ \t]*(.*)$""", re.M
)
_KINDS: dict[str, Kind] = {
    "Journey": "journey",
    "Api": "journey",
    "WebhookBindings": "bindings",
}
_SKIPPED_FOLDERS = ("node_modules", "__pycache__")


@dataclass(frozen=True)
class Case:
    """One generation case: its documents, found by content.

    `openapi` is the journey's own OpenAPI document (journey cases) or the only OpenAPI
    document of an OpenAPI-only case; a plain Arazzo case takes its OpenAPI documents from the
    entry Arazzo document's sourceDescriptions (`openapi` is then None).
    """

    folder: Path
    openapi: Path | None
    journey: Path | None = None
    arazzo: Path | None = None
    bindings: Path | None = None


def _root_keys(path: Path) -> dict[str, Any]:
    """The root keys the kind depends on ({} when unreadable: load reports that)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith("{"):
        return _json_root(stripped)
    found: dict[str, Any] = {}
    for match in _ROOT_KEY.finditer(text):
        value = re.sub(r"\s+#.*$", "", match.group(2)).strip().strip("'\"")
        found.setdefault(match.group(1), value)
    return found


def _json_root(text: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {
        k: data[k] for k in ("arazzo", "openapi", "kind", "apiVersion") if k in data
    }


def kind_of(path: Path) -> Kind | None:
    """What spec document `path` is, from its root keys (None: not a spec document)."""
    if path.suffix.lower() not in SUFFIXES or not path.is_file():
        return None
    keys = _root_keys(path)
    by_content = _content_kind(keys)
    if by_content in (None, "unknown"):
        # A conventional name (`x.journey.yaml`) says what the file was meant to be: it is
        # read as that, so its real problem (empty, not UTF-8, a wrong field) is reported.
        named = _named_kind(path.name)
        if named is not None:
            return named
    return by_content


def _named_kind(name: str) -> Kind | None:
    parts = name.lower().split(".")
    for kind in ("journey", "openapi", "arazzo", "bindings"):
        if kind in parts[1:-1]:
            return kind
    return None


def _content_kind(keys: dict[str, Any]) -> Kind | None:
    if "arazzo" in keys:
        return "arazzo"
    if "openapi" in keys:
        return "openapi"
    kind = _KINDS.get(str(keys.get("kind", "")))
    if kind is None and "kind" in keys and "apiVersion" in keys:
        return "unknown"
    return kind


def documents(folder: Path) -> dict[Kind, list[Path]]:
    """The spec documents directly in `folder`, by kind, sorted by name."""
    found: dict[Kind, list[Path]] = {
        "arazzo": [],
        "openapi": [],
        "journey": [],
        "bindings": [],
        "unknown": [],
    }
    for path in sorted(p for p in folder.iterdir() if p.is_file()):
        kind = kind_of(path)
        if kind is not None:
            found[kind].append(path)
    return found


def _subfolders(folder: Path) -> list[Path]:
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_dir() and not p.name.startswith(".") and p.name not in _SKIPPED_FOLDERS
    )


def _nearest_entries(folder: Path) -> dict[Kind, list[Path]]:
    """The documents of `folder`, or (when it holds no journey or Arazzo document) those of
    the nearest subfolders that do, breadth first: a case laid as `case/flows/x.arazzo.yaml`
    beside `case/openapi.yaml` is still one case."""
    here = documents(folder)
    if here["journey"] or here["arazzo"]:
        return here
    level = _subfolders(folder)
    while level:
        merged: dict[Kind, list[Path]] = {k: [] for k in here}
        for sub in level:
            for kind, paths in documents(sub).items():
                merged[kind].extend(paths)
        if merged["journey"] or merged["arazzo"]:
            return {**merged, "openapi": here["openapi"] or merged["openapi"]}
        level = [s for sub in level for s in _subfolders(sub)]
    return here


def named_arazzo_sources(arazzo: Path) -> list[Path]:
    """The files an Arazzo document names as `type: arazzo` sourceDescriptions."""
    return [p for p, kind in source_files(arazzo) if kind == "arazzo"]


def source_files(arazzo: Path) -> list[tuple[Path, str]]:
    """(file, declared type) of every relative sourceDescription url (unchecked)."""
    data = _loaded(arazzo)
    sources = data.get("sourceDescriptions") if isinstance(data, dict) else None
    result: list[tuple[Path, str]] = []
    for source in sources if isinstance(sources, list) else []:
        if not isinstance(source, dict) or not isinstance(source.get("url"), str):
            continue
        url = source["url"].split("#", 1)[0]
        if not url or re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", url) or url[0] in "/\\":
            continue
        result.append(
            ((arazzo.parent / unquote(url)).resolve(), str(source.get("type")))
        )
    return result


def _loaded(path: Path) -> Any:
    from .load import parse_text

    try:
        text = path.read_text(encoding="utf-8")
        return parse_text(text, str(path), path).data
    except (OSError, UnicodeDecodeError, SpecError):
        return None


def find_case(folder: Path) -> Case:
    """Identify the documents of a case folder (see the module docstring)."""
    found = _nearest_entries(folder)
    where = Location(str(folder))
    if found["unknown"]:
        raise SpecError([_unknown_kind(p) for p in found["unknown"]])
    entries = _entry_arazzo(found["arazzo"], where)
    for kind in ("journey", "bindings"):
        if len(found[kind]) > 1:
            names = ", ".join(p.name for p in found[kind])
            raise error(
                where, f"a case holds at most one {kind} document, found {names}"
            )
    journey = next(iter(found["journey"]), None)
    openapi: Path | None = None
    if journey is not None or entries is None:
        own = found["openapi"]
        if entries is not None and len(own) > 1:
            named = {p for p, _ in source_files(entries)}
            own = [p for p in own if p.resolve() in named] or own
        if not own and (broken := _unreadable(folder)):
            raise SpecError(broken)
        if len(own) != 1:
            what = ", ".join(p.name for p in own) if own else "none"
            raise error(
                where,
                "a journey or OpenAPI-only case needs exactly one OpenAPI document (a "
                f"file whose root has 'openapi:') in its folder; found {what}",
            )
        openapi = own[0]
    return Case(
        folder=folder,
        openapi=openapi,
        journey=journey,
        arazzo=entries,
        bindings=next(iter(found["bindings"]), None),
    )


def _unreadable(folder: Path) -> list[Diagnostic]:
    """Why each `.yaml`/`.json` file of `folder` that is no spec document cannot be read
    (one of them probably was meant to be the missing document)."""
    from .diagnostics import display_path
    from .load import Workspace

    problems: list[Diagnostic] = []
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() not in SUFFIXES or kind_of(path) is not None:
            continue
        try:
            data = Workspace(folder).load(path).data
        except SpecError as exc:
            problems.extend(exc.diagnostics)
            continue
        if not isinstance(data, dict):
            problems.append(
                Diagnostic(
                    Location(display_path(path), 1, 1),
                    "not a spec document: the root must be a mapping with 'openapi:', "
                    "'arazzo:' or 'kind:'",
                )
            )
    return problems


def _unknown_kind(path: Path) -> Diagnostic:
    from .diagnostics import display_path
    from .load import parse_text

    try:
        doc = parse_text(path.read_text(encoding="utf-8"), display_path(path), path)
    except SpecError as exc:
        return exc.diagnostics[0]
    kind = doc.data.get("kind") if isinstance(doc.data, dict) else None
    hint = did_you_mean(str(kind), sorted(_KINDS))
    return Diagnostic(
        doc.location("/kind"),
        f"unknown document kind {kind!r}: journeygen reads kind Journey (a journey) and "
        f"WebhookBindings" + (f"; {hint}" if hint else ""),
    )


def _entry_arazzo(paths: list[Path], where: Location) -> Path | None:
    """The entry Arazzo document: the one no other Arazzo document of the case names."""
    if not paths:
        return None
    named = {n for p in paths for n in named_arazzo_sources(p)}
    entries = [p for p in paths if p.resolve() not in named]
    if len(entries) != 1:
        listed = ", ".join(p.name for p in (entries or paths))
        raise error(
            where,
            "a case has one entry Arazzo document (the one no other Arazzo document of the "
            f"case names as a sourceDescription), found {listed}; put each in its own folder "
            "or name the others from one of them",
        )
    return entries[0]


def discover(specs: Path) -> list[Path]:
    """Every case folder under `specs`: folders directly holding a journey or an entry Arazzo
    document (recognised by content)."""
    entries: list[tuple[Path, Kind]] = []
    for path in sorted(specs.rglob("*")):
        if any(part.startswith(".") for part in path.relative_to(specs).parts):
            continue
        kind = kind_of(path) if path.suffix.lower() in SUFFIXES else None
        if kind in ("journey", "arazzo", "unknown"):
            entries.append((path, kind))
    # An Arazzo document another one names is part of that one's case, not a case itself.
    named = {n for p, k in entries if k == "arazzo" for n in named_arazzo_sources(p)}
    return sorted({p.parent for p, k in entries if p.resolve() not in named})
