"""The construct list of the DSL reference (a copy of `../shared/reference/journeyforge-dsl.md`
kept in tests/corpus/journeyforge/reference/, so a fresh clone needs nothing beside it), read
from the reference itself, and the README's coverage table of those constructs.

A construct is named the way the README table names it:

- `state <type>`: a state type of the table in §1.1;
- `task <kind>`: a task kind (`httpCall:v1`, ...) anywhere in the reference;
- `task <kind>.<field>`: a field of that task kind in one of the reference's YAML examples;
- `spec.<block>` / `spec.<block>.<field>`: a spec block the reference names;
- `mapperRef in <site>.mapper`: a mapper site (a `mapper:` key of a YAML example, a
  `<field>: <...|mapper>` of a shape, or a backquoted `<site>.mapper` of the prose), where
  §10.1 allows `mapperRef` instead;
- `lang <engine>`: an expression engine a `lang:` of the reference selects (§4, §10);
- `kind <Kind>`: a definition kind of the top-level shape (`kind: Journey | Api`, §2.2);
- `spec.bindings.http.<field>`: a field of the HTTP binding the reference marks as
  `kind: Api only` (§2.2.2, §17.1).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = (
    ROOT / "tests" / "corpus" / "journeyforge" / "reference" / "journeyforge-dsl.md"
)
README = ROOT / "README.md"
STATUSES = ("runs", "refused", "gap")
# names the reference uses as placeholders in its examples, not constructs
PLACEHOLDERS = frozenset({"foo", "bar", "myMapper"})
STATE_TYPES_HEADING = ("### 1.1", "## 2. Top-level shape")


def reference() -> str:
    return REFERENCE.read_text(encoding="utf-8")


def state_types(text: str) -> set[str]:
    """The first column of the table in §1.1 "State types and surface"."""
    start, end = STATE_TYPES_HEADING
    table = text[text.index(start) : text.index(end)]
    return set(re.findall(r"^\| `([a-z]+)`", table, flags=re.MULTILINE))


def task_kinds(text: str) -> set[str]:
    return set(re.findall(r"\b([a-z][A-Za-z]+:v[0-9]+)\b", text))


def _examples(text: str) -> Iterator[Any]:
    """Every YAML example of the reference that parses (a few are fragments)."""
    for block in re.findall(r"```ya?ml\n(.*?)```", text, flags=re.DOTALL):
        try:
            yield yaml.safe_load(block)
        except yaml.YAMLError:
            continue


def _walk(node: Any, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], Any]]:
    yield path, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _walk(value, (*path, str(key)))
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value, (*path, "*"))


def task_fields(text: str) -> set[str]:
    """`<kind>.<field>` of every task of a YAML example (the task's `kind` itself left out)."""
    found: set[str] = set()
    for example in _examples(text):
        for _, node in _walk(example, ()):
            task = node.get("task") if isinstance(node, dict) else None
            if node_is_state(node) and isinstance(task, dict) and "kind" in task:
                found |= {f"{task['kind']}.{f}" for f in task if f != "kind"}
    return found


def node_is_state(node: Any) -> bool:
    return isinstance(node, dict) and isinstance(node.get("type"), str)


def spec_blocks(text: str) -> set[str]:
    """Every backquoted `spec.<block>[.<field>]` of the reference."""
    found = re.findall(r"`(spec\.[a-zA-Z]+(?:\.[a-zA-Z]+)?)", text)
    return {s for s in found if s.rsplit(".", 1)[-1] not in PLACEHOLDERS}


def mapper_sites(text: str) -> set[str]:
    """`<parent>.mapper` of every place the reference puts a mapper object."""
    sites: set[str] = set()
    for example in _examples(text):
        for path, _ in _walk(example, ()):
            if len(path) >= 2 and path[-1] in ("mapper", "mapperRef"):
                sites.add(path[-2])
    sites |= set(re.findall(r"^\s*#?\s*(\w+): <[^>\n]*\bmapper\b", text, re.MULTILINE))
    sites |= set(re.findall(r"`(?:[\w.]+\.)?(\w+)\.mapper`", text))
    # a commented alternative of an example (`# startAt:` then `#   mapper:`)
    sites |= set(re.findall(r"#\s*(\w+):\s*\n\s*#\s*mapper:", text))
    # a state's own `transform` block is the transform site; a bare example key (a state
    # name such as `ingestStep`) is not a site
    return {f"{s}.mapper" for s in sites if s[0].islower() and "-" not in s}


def definition_kinds(text: str) -> set[str]:
    """The kinds of the top-level shape's `kind: Journey | Api` line (§2.2)."""
    found = re.search(r"^kind: (\w+(?: \| \w+)*)", text, re.MULTILINE)
    return set(found.group(1).split(" | ")) if found else set()


def api_binding_fields(text: str) -> set[str]:
    """`spec.bindings.http.<field>` of every field a YAML example comments `kind: Api only`."""
    found = re.findall(r"^\s*(\w+):[^\n#]*#[^\n]*\bkind: Api only", text, re.MULTILINE)
    return {f"spec.bindings.http.{f}" for f in found}


def languages(text: str) -> set[str]:
    return set(re.findall(r"\blang: ([a-z]+)\b", text))


@cache
def constructs() -> frozenset[str]:
    """Every construct of the reference, named as the README's coverage table names it."""
    text = reference()
    return frozenset(
        {f"state {t}" for t in state_types(text)}
        | {f"task {k}" for k in task_kinds(text)}
        | {f"task {f}" for f in task_fields(text)}
        | spec_blocks(text)
        | {f"mapperRef in {s}" for s in mapper_sites(text)}
        | {f"lang {lang}" for lang in languages(text)}
        | {f"kind {k}" for k in definition_kinds(text)}
        | api_binding_fields(text)
    )


@dataclass(frozen=True)
class Row:
    """One row of the README's coverage table."""

    construct: str
    section: str
    status: str
    test: str
    line: int


def coverage_table() -> list[Row]:
    """The rows between `<!-- coverage:start -->` and `<!-- coverage:end -->` of README.md."""
    lines = README.read_text(encoding="utf-8").splitlines()
    start = lines.index("<!-- coverage:start -->")
    end = lines.index("<!-- coverage:end -->")
    rows: list[Row] = []
    for number in range(start + 1, end):
        cells = [c.strip() for c in lines[number].strip().strip("|").split("|")]
        if len(cells) < 4 or not cells[0].startswith("`"):
            continue
        construct = cells[0].strip("`")
        rows.append(Row(construct, cells[1], cells[2], cells[3].strip("`"), number + 1))
    return rows
