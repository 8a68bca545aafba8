"""Cross-check a hand-written journey contract against the one the journey's definition derives.

A contract written by hand drifts from its journey: a typo in the start path (`/helo/`) gives a
client that 404s, a renamed wait state leaves a step endpoint nobody serves. Each mismatch is a
located warning naming the derived endpoint, so the author can fix the contract or regenerate it
with `journeygen export`.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any

from generator.diagnostics import Diagnostic, Level
from generator.export.compare import differences, operations
from generator.export.openapi import CANCEL_STEP, derive_openapi, serves_cancel
from generator.load import Document, Workspace, escape_pointer_token

_PREFIX = "/api/v1"
_HINT = "`journeygen export --stdout <journey>` prints the contract derived from the journey"


def _contract_paths(document: Document) -> dict[str, str]:
    """Contract path (as written) keyed by the path under the server prefix."""
    paths = document.data.get("paths") if isinstance(document.data, Mapping) else None
    found: dict[str, str] = {}
    for path in paths if isinstance(paths, Mapping) else {}:
        text = str(path)
        key = text[len(_PREFIX) :] if text.startswith(_PREFIX + "/") else text
        found[key] = text
    return found


def _resolver(workspace: Workspace) -> Any:
    def resolve(ref: str, base: Any) -> tuple[Any, Any]:
        resolved = workspace.resolve(base, ref, "")
        return resolved.value, resolved.document

    return resolve


def contract_warnings(
    journey: Document, contract: Document, workspace: Workspace
) -> list[Diagnostic]:
    """Warnings for every endpoint the journey derives that the contract lacks, every journey
    endpoint of the contract the journey does not derive, and a start body that differs from
    the journey's input schema."""
    data = journey.data
    if not isinstance(data, Mapping) or data.get("kind") not in ("Journey", "Api"):
        return []
    api = (
        data.get("kind") == "Api"
    )  # its one endpoint (DSL §2.2.2), under /apis/ by default
    if not isinstance(contract.data, Mapping):
        return []
    derived = derive_openapi(data)
    written = _contract_paths(contract)
    derived_ops = {
        (path, method) for path, item in derived["paths"].items() for method in item
    }
    contract_ops = {
        (key, str(method))
        for key, path in written.items()
        for method in (contract.data["paths"].get(path) or {})
        if str(method) in ("get", "post", "put", "patch", "delete")
    }
    where = contract.location("/paths")
    problems: list[Diagnostic] = []
    derived_keys = sorted(f"{m.upper()} {p}" for p, m in derived_ops)
    cancel = (f"/journeys/{{journeyId}}/steps/{CANCEL_STEP}", "post")
    for path, method in sorted(derived_ops - contract_ops):
        if (path, method) == cancel:
            problems.append(
                Diagnostic(
                    journey.location("/spec/lifecycle/cancellable"),
                    f"the journey declares spec.lifecycle.cancellable: true and its server "
                    f"serves `POST {path}`, but the contract has no such operation, so the "
                    f"generated client has no cancel(); add the operation (operationId "
                    f"`<camelName>_{CANCEL_STEP}`) to the contract ({_HINT})",
                    Level.WARNING,
                )
            )
            continue
        problems.append(
            Diagnostic(
                where,
                f"the journey derives `{method.upper()} {path}` but this contract has no such "
                f"operation; add it or regenerate the contract ({_HINT})",
                Level.WARNING,
            )
        )
    for path, method in sorted(contract_ops - derived_ops):
        if not path.startswith("/apis/" if api else "/journeys/"):
            continue
        if (
            not api
            and (path, method) == cancel
            and serves_cancel(data.get("spec") or {})
        ):
            continue  # served unless cancellable: false (DSL §2.7), listed or not
        near = difflib.get_close_matches(f"{method.upper()} {path}", derived_keys, n=1)
        hint = f"; did you mean `{near[0]}`?" if near else ""
        pointer = f"/paths/{escape_pointer_token(written[path])}"
        problems.append(
            Diagnostic(
                contract.location(pointer),
                f"`{method.upper()} {path}` is not an endpoint the "
                f"{'Api' if api else 'journey'} '{data['metadata']['name']}' serves{hint} "
                f"({_HINT})",
                Level.WARNING,
            )
        )
    problems.extend(_start_body(derived, contract, written, workspace))
    return problems


def _start_body(
    derived: Mapping[str, Any],
    contract: Document,
    written: Mapping[str, str],
    workspace: Workspace,
) -> list[Diagnostic]:
    # a journey's start, or the one endpoint of a kind: Api
    start, method = next(
        (p, m)
        for p, item in derived["paths"].items()
        for m in item
        if p.endswith("/start") or len(derived["paths"]) == 1
    )
    if start not in written:
        return []
    resolve = _resolver(workspace)
    theirs_op = contract.data["paths"][written[start]].get(method)
    if not isinstance(theirs_op, Mapping):
        return []
    schemas = derived["components"]["schemas"]

    def resolve_derived(ref: str, base: Any) -> tuple[Any, Any]:
        return schemas[ref.rsplit("/", 1)[1]], base

    try:
        theirs = operations(
            {"paths": {start: {method: {"requestBody": theirs_op.get("requestBody")}}}},
            contract,
            resolve,
        )
    except Exception:  # the build reports the contract's unresolvable refs, located
        return []
    body = derived["paths"][start][method]["requestBody"]
    mine = operations(
        {"paths": {start: {method: {"requestBody": body}}}}, None, resolve_derived
    )
    lines = [
        line
        for line in differences(theirs, mine, ("contract", "journey"))
        if "/request" in line
    ]
    if not lines:
        return []
    shown = "; ".join(line.split(": ", 1)[1] for line in lines[:3])
    journey = start.endswith("/start")
    what, owner = ("start request", "journey") if journey else ("request", "Api")
    return [
        Diagnostic(
            contract.location(f"/paths/{escape_pointer_token(written[start])}"),
            f"the {what} body differs from the {owner}'s spec.input.schema ({shown}"
            f"{'; ...' if len(lines) > 3 else ''})",
            Level.WARNING,
        )
    ]
