"""`kafkaPublish:v1`: the typed handler call; a refused publish fails the journey."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...encode import py_literal
from ...load import escape_pointer_token
from ...schema.journey.base import MapperHolder
from ...schema.journey.tasks import KafkaPublish
from ..expressions import Code
from ..scope import Scope, prelude

if TYPE_CHECKING:
    from ..compile import JourneyCompiler


def compile(
    c: JourneyCompiler, scope: Scope, state: str, task: KafkaPublish, pointer: str
) -> tuple[list[str], str]:
    """Publish through the handler; `Fail('KAFKA_PUBLISH_FAILED', ...)` when refused."""
    value = scope.exprs.mapper(pointer + "/value", task.value)
    assert value is not None  # the schema's MUST: value.mapper or value.mapperRef
    entries: list[tuple[str, Code]] = [
        ("topic", Code(py_literal(task.topic))),
        ("value", value),
    ]
    key = scope.exprs.mapper(pointer + "/key", task.key)
    if isinstance(task.key, MapperHolder) and key is not None:
        entries.append(("key", key))
    elif isinstance(task.key, str):
        entries.append(("key", scope.exprs.value(pointer + "/key", task.key)))
    if task.headers is not None:
        parts = [
            (k, scope.exprs.value(f"{pointer}/headers/{escape_pointer_token(k)}", v))
            for k, v in task.headers.items()
        ]
        code = ", ".join(f"{k!r}: {part.code}" for k, part in parts)
        bound = (
            frozenset().union(*(part.bindings for _, part in parts))
            if parts
            else frozenset()
        )
        entries.append(("headers", Code(f"{{{code}}}", bound)))
    checks: list[str] = []
    schemas = dict(c.bundle.journey.schema_refs) if c.bundle.journey else {}
    for name, ref, what in (
        ("value", task.valueSchemaRef, "valueSchemaRef"),
        ("key", task.keySchemaRef, "keySchemaRef"),
    ):
        given = dict(entries).get(name)
        if ref is None or given is None:
            continue
        c.uses("tasks.kafka", "schema_errors")
        code = "KAFKA_VALUE_INVALID" if name == "value" else "KAFKA_KEY_INVALID"
        reason = f"the {name} for topic {task.topic!r} does not match {what} {ref!r}: "
        checks += [
            f"invalid = schema_errors({schemas[ref]}, {name})",
            "if invalid is not None:",
            f"    return Fail({code!r}, {reason!r} + invalid)",
        ]
    for found, field_name in (
        (task.connectionSecretRef, "connection_secret_ref"),
        (task.keySchemaRef, "key_schema_ref"),
        (task.valueSchemaRef, "value_schema_ref"),
    ):
        if found is not None:
            entries.append((field_name, Code(py_literal(found))))
    computed: list[str] = []
    if task.connectionSecretRef is not None:  # resolved before the call: a 503 if unset
        c.uses("tasks.kafka", "kafka_connection")
        ref = py_literal(task.connectionSecretRef)
        computed.append(f"connection = kafka_connection(ctx.settings, {ref})")
        entries.append(("connection", Code("connection")))
    method = c.calls.kafka_method(state, task.topic)
    c.methods.append(method)
    reason = f"publishing to topic {task.topic!r} failed"
    c.uses("engine", "TaskAnswer")
    locals_ = prelude([code for _, code in entries])
    if checks:  # the checked parts are computed once, before the call
        computed += [
            f"{name} = {code.code}"
            for name, code in entries
            if name in ("key", "value")
        ]
        entries = [
            (n, Code(n) if n in ("key", "value") else code) for n, code in entries
        ]
    items = ", ".join(f"{name!r}: {code.code}" for name, code in entries)
    return [
        *locals_,
        *computed,
        *checks,
        "",
        "def run() -> TaskAnswer:",
        f"    call = handlers.{method.call_class}.model_validate({{{items}}})",
        f"    return ctx.handlers.{method.name}(call)",
        "",
        "published = ctx.call(run)",
        'if not published["ok"]:',
        f"    return Fail('KAFKA_PUBLISH_FAILED', {reason!r})",
    ], f"{state} (task kafkaPublish:v1 {task.topic})"
