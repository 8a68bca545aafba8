"""A step's `$statusCode == N` success criterion checked against the responses its operation
documents: a status the operation never answers as documented makes the workflow fail against
the API as described, so it is a located warning naming the documented statuses."""

from __future__ import annotations

from typing import Any

from ..arazzo import ArazzoSyntaxError, BuiltinRef
from ..arazzo.criteria import Compare, Lit, SimpleCriterion, parse_criterion
from ..diagnostics import Diagnostic, Level, Location
from ..ir import Operation


def status_warnings(
    items: list[Any], op: Operation, where: Location, step_id: str
) -> list[Diagnostic]:
    """One warning per `$statusCode == N` criterion whose N the operation does not document
    (nor covers by a `NXX` range or `default`)."""
    documented = [r.status for r in op.responses]
    if not documented or "default" in documented:
        return []
    found = []
    for i, item in enumerate(items):
        if item.type not in (None, "simple") or not isinstance(item.condition, str):
            continue
        try:
            parsed = parse_criterion(item.condition)
        except ArazzoSyntaxError:
            continue  # reported where the criterion is compiled
        status = _status(parsed)
        if status is None or str(status) in documented:
            continue
        if f"{str(status)[:1]}XX" in (s.upper() for s in documented):
            continue
        answers = [s for s in documented if s[:1] in "23"] or documented
        found.append(
            Diagnostic(
                where,
                f"step {step_id!r} successCriteria[{i}]: {item.condition!r}, but operation "
                f"{op.operation_id!r} documents no {status} response (it documents "
                f"{', '.join(documented)}); the step fails wherever the API answers as "
                f"described: write $statusCode == {answers[0]}",
                Level.WARNING,
            )
        )
    return found


def _status(parsed: Any) -> int | None:
    if not isinstance(parsed, SimpleCriterion):
        return None
    node = parsed.condition
    if not isinstance(node, Compare) or node.op != "==":
        return None
    sides = (node.left, node.right)
    if BuiltinRef("statusCode") not in sides:
        return None
    lit = next((s for s in sides if isinstance(s, Lit)), None)
    if lit is None or isinstance(lit.value, bool) or not isinstance(lit.value, int):
        return None
    return lit.value
