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

from pydantic import BaseModel

from .. import naming
from ..encode import py_literal
from ..ir import Bundle
from . import caveats

if TYPE_CHECKING:
    from .assemble import JourneyView
    from .workflows import WorkflowView

BASE_URL = "http://localhost:8080"
# the header the README's demo server reads a client certificate from (as behind a proxy)
CERT_HEADER = "X-Client-Cert"


@dataclass(frozen=True)
class ClientExample:
    """A runnable example: its introduction, sync and async source."""

    intro: str
    sync: str
    asynchronous: str
    caveat: str | None = None  # what the journey definition makes the example end in


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


def _auth_tasks(node: Any, found: list[BaseModel]) -> list[BaseModel]:
    """Every jwtValidate and mtlsValidate task of a journey, wherever its state sits."""
    # late: a plain OpenAPI + Arazzo case never loads the journey schema
    from ..schema.journey.tasks import JwtValidate, MtlsValidate

    if isinstance(node, JwtValidate | MtlsValidate):
        found.append(node)
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            _auth_tasks(getattr(node, name), found)
    elif isinstance(node, dict):
        for value in node.values():
            _auth_tasks(value, found)
    elif isinstance(node, list | tuple):
        for value in node:
            _auth_tasks(value, found)
    return found


@dataclass(frozen=True)
class Credentials:
    """What the example sends for the journey's inbound auth tasks."""

    headers: list[str]  # `"Name": value-expression` entries of the client's `headers=`
    server_env: list[str]  # `VAR=value` the demo server command is prefixed with
    says: list[str]  # the introduction's sentences about them
    std: list[str]  # standard-library imports the expressions need


def credentials(bundle: Bundle) -> Credentials:
    """The JWT and client certificate the journey's auth tasks read, from the environment."""
    found = Credentials([], [], [], [])
    if bundle.journey is None:
        return found
    from ..schema.journey.tasks import JwtValidate, MtlsValidate, key_source

    prefix = bundle.names.env_prefix
    tasks = _auth_tasks(bundle.journey.definition.spec, [])
    jwt = next((t for t in tasks if isinstance(t, JwtValidate)), None)
    source = key_source(jwt.source) if jwt is not None else None
    if jwt is not None and (source is None or source.location == "header"):
        name = source.name if source is not None and source.name else "Authorization"
        scheme = source.scheme if source is not None else "Bearer"
        value = f'os.environ["{prefix}_TOKEN"]'
        found.headers.append(
            f'{literal(name)}: {literal(scheme + " ") + " + " if scheme else ""}{value}'
        )
        found.says.append(
            f"the JWT in `{prefix}_TOKEN` goes in the `{name}` header of every request "
            "(the fake verifier accepts any well-formed token; your `validate_jwt` "
            "handler checks the signature)"
        )
    if any(isinstance(t, MtlsValidate) for t in tasks):
        found.server_env.append(f"{prefix}_MTLS_CERT_HEADER={CERT_HEADER}")
        found.headers.append(
            f'{literal(CERT_HEADER)}: quote(Path(os.environ["{prefix}_CLIENT_CERT"])'
            ".read_text())"
        )
        found.std.extend(["from pathlib import Path", "from urllib.parse import quote"])
        found.says.append(
            f"the client certificate (a PEM file named by `{prefix}_CLIENT_CERT`) goes "
            f"URL-encoded in the `{CERT_HEADER}` header, as a TLS-terminating proxy "
            f"forwards it to a server started with `{prefix}_MTLS_CERT_HEADER` "
            f"(the fake verifier accepts any certificate)"
        )
    return found


def _program(
    module: str, client: str, imports: set[str], head: list[str], call: list[str],
    result: str, asynchronous: bool, secret: bool, extra: Sequence[str] = (),
) -> str:  # fmt: skip
    """Python source of the example, laid out as black would (the test type-checks it)."""
    std = ["import asyncio"] if asynchronous else []
    if secret:  # the webhook secret is read from the environment
        std.append("import os")
    std += [line for line in extra if line.startswith("import ")]
    std = sorted(set(std)) + sorted(
        {line for line in extra if line.startswith("from ")}
    )
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
    extra: list[str] = []
    if journey is not None and bundle.journey is not None:
        start = bundle.journey.start_example
        call = [f"outcome = client.{journey.method_name}("]
        call.append(f"    {_value(journey.start_body, start, models, used)},")
        for ext in journey.external:
            if ext.example is not None:
                value = _value(ext.annotation, ext.example, models, used)
                call.append(f"    {ext.arg}={value},")
        call += ["    timeout=60,", ")"]
        auth = credentials(bundle)
        spec = bundle.journey.definition.spec
        clock = caveats.clock_timers(spec)
        only = None if clock else caveats.timers_only(spec)
        scale = (
            [f"{names.env_prefix}_TIMER_SCALE={caveats.DEMO_TIMER_SCALE}"]
            if clock or only
            else []
        )
        server = " ".join(
            [
                *auth.server_env,
                *scale,
                f"python -m {names.module}.server --fake --port 8080",
            ]
        )
        steps = (*bundle.journey.external_steps, *bundle.journey.branch_steps)
        guards = [s for s in steps if s.guard_profile]
        intro = (
            "Run the whole journey, here against the server on its fake handlers "
            f"(`{server}`"
        )
        variables = list(
            dict.fromkeys(
                f"{names.env_prefix}_API_KEY_{naming.env_name(str(g.guard_profile))}"
                for g in guards
            )
        )
        if variables:
            head.append(f'webhook_secret=os.environ["{variables[0]}"]')
            secret = True
            if len(variables) == 1:
                intro += f", with the secret in `{variables[0]}` for both"
            else:  # one webhook_secret is sent on every guarded step
                listed = ", ".join(f"`{v}`" for v in variables)
                intro += (
                    f", with the same secret in each of {listed} (the client's one "
                    "`webhook_secret` is sent on every guarded step)"
                )
        if auth.headers:
            head.append("headers={" + ", ".join(auth.headers) + "}")
            secret = True
            extra = auth.std
            intro += "; " + "; ".join(auth.says)
        if clock:
            timers = "; ".join(f"timer `{t.state}`: {t.why}" for t in clock)
            intro += (
                f"; with every timer scaled by `{names.env_prefix}_TIMER_SCALE` to "
                f"{caveats.DEMO_TIMER_SCALE} of its length, because the clock decides how "
                f"long this journey waits ({timers}): unscaled, how long the example "
                "waits depends on the time of day, and may pass its `timeout=60`"
            )
        if only is not None:
            timers = ", ".join(f"`{t}`" for t in only.timers)
            intro += (
                f"; with every timer scaled by `{names.env_prefix}_TIMER_SCALE` to "
                f"{caveats.DEMO_TIMER_SCALE} of its length, because this journey's runs "
                f"wait for nothing but its timers ({timers}; it has no wait or webhook "
                "state): unscaled, the example waits as long as they last"
            )
            if only.repeating:
                loops = ", ".join(f"`{t}`" for t in only.repeating)
                intro += (
                    f"; {loops} repeats in a loop (a poll): scaled, the loop polls "
                    "without pause until the journey leaves it"
                )
        notes = [caveats.decode_note(spec, journey.method_name)]
        if only is not None and only.misplaced:
            listed = ", ".join(f"`{m}`" for m in only.misplaced)
            notes.insert(
                0,
                f"**No run of this journey waits for input**: {listed} are written one "
                "level too deep in the journey definition, inside another state, so they "
                "are not states (a defect of the journey definition: see the warnings "
                "`journeygen generate` prints), and the journey has no other wait or "
                "webhook state. Its runs wait only for its timers, which is why the "
                "example's server scales them.",
            )
        caveat = "\n\n".join(n for n in notes if n) or None
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
        caveat = None
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
            extra,
        ),
        _program(
            names.module,
            names.async_client,
            used,
            head,
            call,
            result,
            True,
            secret,
            extra,
        ),
        caveat,
    )
