"""The task compilers, one module per task kind, found through `TASKS`.

A task compiler returns the lines of its state's step function (before the transition to
`next`) and the step's summary. A kind with no entry here is reported as not supported: that
state fails the run with JOURNEY_DEFINITION_INVALID, a located warning at generation. Adding a
task kind: a schema model in `generator/schema/journey/tasks.py`, a module here, an entry
below, and what the runtime needs to run it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from . import api_key, cache, http_call, jwt, kafka, mtls, schedule, xml_decode

if TYPE_CHECKING:
    from ..compile import JourneyCompiler
    from ..scope import Scope

# (compiler, the state's machine, state name, typed task, the task's pointer) -> (lines, summary)
TaskCompiler = Callable[
    ["JourneyCompiler", "Scope", str, Any, str], tuple[list[str], str]
]

TASKS: dict[str, TaskCompiler] = {
    "httpCall:v1": http_call.compile,
    "apiKeyValidate:v1": api_key.compile,
    "jwtValidate:v1": jwt.compile,
    "mtlsValidate:v1": mtls.compile,
    "cache:v1": cache.compile,
    "schedule:v1": schedule.compile,
    "kafkaPublish:v1": kafka.compile,
    "xmlDecode:v1": xml_decode.compile,
}
