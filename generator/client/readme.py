"""The client section of the package README, with examples that run as written.

The journey example starts the journey with its start body's documented example (else a
deterministic value valid against the schema), posts every external input the same way, and
prints the outcome: it runs against `python -m <pkg>.server --fake` (the test suite runs it).
A plain package's example runs its first workflow with example inputs.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .. import naming
from ..encode import py_literal
from ..ir import Bundle

if TYPE_CHECKING:
    from .assemble import JourneyView
    from .workflows import WorkflowView

BASE_URL = "http://localhost:8080"


@dataclass(frozen=True)
class ClientExample:
    """A runnable example: its introduction, sync and async source."""

    intro: str
    sync: str
    asynchronous: str


def literal(value: Any) -> str:
    """A JSON value as Python source in black's style (double quotes); strings only as
    escaped string literals, so a spec's example text can never become code."""
    if isinstance(value, dict):
        items = ", ".join(f"{literal(str(k))}: {literal(v)}" for k, v in value.items())
        return "{" + items + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(literal(item) for item in value) + "]"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return py_literal(value)


def _value(annotation: str, example: Any, models: set[str], used: set[str]) -> str:
    if annotation in models:
        used.add(annotation)
        return f"{annotation}.model_validate({literal(example)})"
    return literal(example)


def _program(
    module: str, client: str, imports: set[str], head: list[str], call: list[str],
    result: str, asynchronous: bool, secret: bool,
) -> str:  # fmt: skip
    """Python source of the example, laid out as black would (the test type-checks it)."""
    std = ["import asyncio"] if asynchronous else []
    if secret:  # the webhook secret is read from the environment
        std.append("import os")
    lines = [*std, *([""] if std else []), f"from {module} import {client}"]
    if imports:
        lines.append(f"from {module}.models import {', '.join(sorted(imports))}")
    opener = f"with {client}({', '.join(head)}) as client:"
    if asynchronous:
        lines += ["", "", "async def main() -> None:", f"    async {opener}"]
        indent = "        "
        call = [call[0].replace("= client.", "= await client.", 1), *call[1:]]
    else:
        lines += ["", opener]
        indent = "    "
    lines += [indent + line for line in call]
    lines.append(f"{indent}print({result})")
    if asynchronous:
        lines += ["", "", "asyncio.run(main())"]
    return "\n".join(lines) + "\n"


def client_example(
    bundle: Bundle, journey: JourneyView | None, flows: Sequence[WorkflowView]
) -> ClientExample | None:
    """The README's runnable example, or None when the package has nothing to run."""
    names = bundle.names
    models = {m.name for m in bundle.models} | {a for a, _ in bundle.model_aliases}
    used: set[str] = set()
    head = [literal(BASE_URL)]
    secret = False
    if journey is not None and bundle.journey is not None:
        start = bundle.journey.start_example
        call = [f"outcome = client.{journey.method_name}("]
        call.append(f"    {_value(journey.start_body, start, models, used)},")
        for ext in journey.external:
            if ext.example is not None:
                value = _value(ext.annotation, ext.example, models, used)
                call.append(f"    {ext.arg}={value},")
        call += ["    timeout=60,", ")"]
        server = f"python -m {names.module}.server --fake --port 8080"
        steps = (*bundle.journey.external_steps, *bundle.journey.branch_steps)
        guards = [s for s in steps if s.guard_profile]
        intro = (
            "Run the whole journey, here against the server on its fake handlers "
            f"(`{server}`"
        )
        if guards:
            variable = f"{names.env_prefix}_API_KEY_{naming.env_name(str(guards[0].guard_profile))}"
            head.append(f'webhook_secret=os.environ["{variable}"]')
            secret = True
            intro += f", with the secret in `{variable}` for both"
        intro += (
            "). The values are the schemas' documented examples where they have one:"
        )
        result = "outcome.phase, outcome.output"
    elif flows:
        flow = flows[0]
        inputs = flow.ir.inputs_example
        arg = (
            _value(flow.inputs_model, inputs, models, used)
            if flow.inputs_model and inputs is not None
            else ""
        )
        call = [f"outputs = client.{flow.method_name}({arg})"]
        intro = (
            f"Run the Arazzo workflow `{flow.workflow_id}` against the API "
            "(the values are the inputs schema's documented examples where it has one):"
        )
        result = "outputs"
    else:
        return None
    return ClientExample(
        intro,
        _program(
            names.module,
            f"{names.pascal}Client",
            used,
            head,
            call,
            result,
            False,
            secret,
        ),
        _program(
            names.module, names.async_client, used, head, call, result, True, secret
        ),
    )
