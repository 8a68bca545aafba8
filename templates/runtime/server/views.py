"""Read views: the JourneyStartResponse, JourneyStatus, step response and JourneyOutcome
documents of a run.

- ``_links`` (DSL §2.6, unless ``spec.httpSurface.links.enabled: false``): ``self`` on every
  document (the status resource; the result resource on JourneyOutcome), ``result`` on the start
  response and status, while the journey runs one link per external-input state waiting for
  input (relation = state id) and ``cancel`` unless ``spec.lifecycle.cancellable: false``. Hrefs
  are paths under ``/api/v1``.
- ``tags`` and ``attributes`` (DSL §2.8, see metadata.py) on JourneyStatus when the run has any.
- ``compensation`` on the JourneyStatus of an ended journey whose ``spec.compensation`` is
  still in progress: ``{"status": "pending"}`` before it starts, ``{"status": "running",
  "currentState": <the state it is paused at>}`` while it waits (at a timer, or at a
  wait/webhook whose step link is listed in ``_links`` then); absent once it is done.
- ``spec.output.response.outputVar`` (DSL §11): the properties of that context object are
  merged into the top level of JourneyOutcome, never over the envelope's own fields.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from .definition import ExternalInput, JourneyDefinition
from .lifecycle import COMPENSATION, ENVELOPE
from .metadata import METADATA
from .problem import ProblemError
from .results import RUNNING, SUCCEEDED
from .run import Thread, root_from_record
from .store import JourneyRecord, JourneyStore

__all__ = ["ReadViews", "not_found"]

H = TypeVar("H")
_logger = logging.getLogger("journeygen.server")
_RESERVED = frozenset(
    {
        "journeyId",
        "journeyName",
        "phase",
        "currentState",
        "updatedAt",
        "tags",
        "attributes",
    }
    | {"_links"}
)
_OUTCOME_RESERVED = _RESERVED | {"status", "output", "error"}
_API = "/api/v1/journeys"


class ReadViews(Generic[H]):
    """What the status, step and result endpoints answer."""

    definition: JourneyDefinition[H]
    store: JourneyStore
    inputs: dict[str, ExternalInput]

    def get(self, journey_id: str) -> JourneyRecord:
        """Return an instance of this journey (404 otherwise)."""
        record = self.store.get_journey(journey_id)
        if record is None or record.name != self.definition.name:
            raise not_found(journey_id)
        return record

    def start_body(self, record: JourneyRecord, base_url: str) -> dict[str, Any]:
        """Return the JourneyStartResponse of ``startMode: async`` (answered with 202)."""
        return {
            "journeyId": record.id,
            "journeyName": record.name,
            "statusUrl": f"{base_url}{_API}/{record.id}",
            **self._links(record, "start"),
        }

    def status_body(self, record: JourneyRecord) -> dict[str, Any]:
        """Return the JourneyStatus document."""
        return _shape(self.definition.status_model, self._status_fields(record))

    def _status_fields(self, record: JourneyRecord) -> dict[str, Any]:
        shown = (record.runtime or {}).get("display") or record.current_state
        body = {
            "journeyId": record.id,
            "journeyName": record.name,
            "phase": _wire_phase(self.definition.status_model, record.phase),
            "currentState": shown,
            "updatedAt": record.updated_at,
        }
        metadata = (record.runtime or {}).get(METADATA) or {}
        for key in ("tags", "attributes"):
            if metadata.get(key):
                body[key] = metadata[key]
        compensating = _compensating(record)
        if compensating is not None:
            body["compensation"] = compensating
        body.update(self._links(record, "status"))
        return body

    def _links(self, record: JourneyRecord, kind: str) -> dict[str, Any]:
        if not self.definition.links:
            return {}
        here = f"{_API}/{record.id}"
        if kind == "outcome":
            return {"_links": {"self": _link(f"{here}/result", "GET")}}
        links = {"self": _link(here, "GET"), "result": _link(f"{here}/result", "GET")}
        if record.phase == RUNNING:
            if self.definition.cancellable and "cancel" not in self.inputs:
                links["cancel"] = _link(f"{here}/steps/cancel", "POST")
            waiting = _waiting(root_from_record(record), self.inputs)
        else:  # an ended journey whose compensation may wait for input
            found = (record.runtime or {}).get(COMPENSATION)
            data = found.get("thread") if isinstance(found, dict) else None
            waiting = []
            if _compensating(record) is not None and isinstance(data, dict):
                waiting = _waiting(Thread.from_json(data, {}), self.inputs)
        for state in waiting:
            route = self.inputs[state].route or state
            links[state] = _link(f"{here}/steps/{route}", "POST")
        return {"_links": links}

    def step_body(self, record: JourneyRecord, ext: ExternalInput) -> dict[str, Any]:
        """Return JourneyStatus plus the step's response.outputVar fields (reserved names kept).

        A response model validating every JourneyStatus field as JourneyStatus does (the
        generated ones) shapes the document once; another one shapes what JourneyStatus
        shaped."""
        model = ext.response_model
        if model is not None and _covers(model, self.definition.status_model):
            body = self._status_fields(record)
        else:
            body = self.status_body(record)
        extra = record.context.get(ext.response_var) if ext.response_var else None
        if isinstance(extra, dict):
            body.update(
                {k: v for k, v in extra.items() if k not in _RESERVED and v is not None}
            )
        return _shape(model, body)

    def outcome_body(self, record: JourneyRecord) -> dict[str, Any]:
        """Return the JourneyOutcome document (409 while the journey is running)."""
        if record.phase == RUNNING:
            shown = (record.runtime or {}).get("display") or record.current_state
            raise ProblemError(
                409,
                "Journey not finished",
                f"The journey is still running at {shown!r}.",
                slug="journey-not-terminal",
                extensions={"phase": record.phase, "currentState": shown},
            )
        body: dict[str, Any] = {
            "journeyId": record.id,
            "journeyName": record.name,
            "phase": _spelled(record.phase.upper(), self.definition.outcome_phases),
            "status": _business_status(record),
        }
        if record.phase == SUCCEEDED:
            body["output"] = record.output
        elif record.error and ENVELOPE in record.error:
            body["error"] = record.error[
                ENVELOPE
            ]  # spec.errors.envelope, format: custom
        else:
            body["error"] = record.error
        named = (record.runtime or {}).get("outcomeId")
        if isinstance(named, str):
            body["outcomeId"] = named  # spec.outcomes: the named outcome of this run
        var = self.definition.output_response_var
        extra = record.context.get(var) if var is not None else None
        if isinstance(extra, dict):
            body.update({k: v for k, v in extra.items() if k not in _OUTCOME_RESERVED})
        body.update(self._links(record, "outcome"))
        site = self.definition.output_sites.get(record.current_state or "")
        ended = f" (it ended at state {record.current_state!r}, {site})" if site else ""
        return _shape(self.definition.outcome_model, body, ended)


def _covers(model: type[BaseModel], status: type[BaseModel] | None) -> bool:
    """Whether ``model`` validates every JourneyStatus field as ``status`` does: the same
    JSON Schema for each of its properties (and the definitions they use), each of its
    required ones required too."""
    key = (model, status)
    found = _COVERS.get(key)
    if found is None:
        found = _COVERS[key] = status is None or _same_fields(
            model.model_json_schema(), status.model_json_schema()
        )
    return found


def _same_fields(mine: dict[str, Any], status: dict[str, Any]) -> bool:
    props, defs = mine.get("properties", {}), mine.get("$defs", {})
    return (
        all(props.get(k) == v for k, v in status.get("properties", {}).items())
        and set(status.get("required", ())) <= set(mine.get("required", ()))
        and all(defs.get(k) == v for k, v in status.get("$defs", {}).items())
    )


_COVERS: dict[tuple[type[BaseModel], type[BaseModel] | None], bool] = {}


def _shape(
    model: type[BaseModel] | None, body: dict[str, Any], ended: str = ""
) -> dict[str, Any]:
    if model is None:
        return body
    try:
        parsed = model.model_validate(body)
    except ValidationError as exc:  # e.g. an output the journey's own schema rejects
        broken = "; ".join(
            f"{_pointer(error['loc'], body) or '/'}: {error['msg']}"
            for error in exc.errors(include_url=False, include_input=False)
        )
        _logger.warning(
            "journey %s%s: the %s breaks the journey's contract (%d error%s: %s);"
            " served as stored, and the typed client refuses it",
            body.get("journeyId"),
            ended,
            model.__name__,
            exc.error_count(),
            "" if exc.error_count() == 1 else "s",
            broken,
        )
        return body
    shaped: dict[str, Any] = parsed.model_dump(
        mode="json", by_alias=True, exclude_none=True
    )
    return shaped


def _pointer(loc: tuple[int | str, ...], body: Any) -> str:
    """The JSON pointer of a pydantic error location in `body`, without the union members
    and validators pydantic names in it."""
    parts: list[str] = []
    here = body
    for i, part in enumerate(loc):
        if isinstance(here, dict) and isinstance(part, str):
            if part not in here and (i < len(loc) - 1 or "[" in part):
                continue
            parts.append(part)
            here = here.get(part)
        elif isinstance(here, list) and isinstance(part, int):
            parts.append(str(part))
            here = here[part] if 0 <= part < len(here) else None
    return "".join("/" + p.replace("~", "~0").replace("/", "~1") for p in parts)


def _link(href: str, method: str) -> dict[str, str]:
    return {"href": href, "method": method}


def _compensating(record: JourneyRecord) -> dict[str, Any] | None:
    """``{status, currentState}`` of an ended journey's compensation still in progress."""
    found = (record.runtime or {}).get(COMPENSATION)
    if record.phase == RUNNING or not isinstance(found, dict):
        return None
    if found.get("status") == "pending":
        return {"status": "pending"}
    if found.get("status") != "running":
        return None
    thread = found.get("thread") or {}
    return {
        "status": "running",
        "currentState": found.get("display") or thread.get("state"),
    }


def _waiting(thread: Thread, inputs: dict[str, ExternalInput]) -> list[str]:
    """The external-input states a run (its running parallel branches, its subjourney call)
    waits at."""
    if thread.call is not None:
        return [] if thread.call.finished else _waiting(thread.call, inputs)
    if thread.branches:
        found: list[str] = []
        for branch in thread.branches.values():
            if not branch.finished:
                found += [s for s in _waiting(branch, inputs) if s not in found]
        return found
    return [thread.state] if thread.state in inputs and not thread.finished else []


def _wire_phase(model: type[BaseModel] | None, phase: str) -> str:
    """The phase as the status model spells it (Running, or RUNNING in some contracts)."""
    key = (model, phase)
    found = _SPELLED.get(key)
    if found is None:
        found = _SPELLED[key] = _spell_phase(model, phase)
    return found


_SPELLED: dict[tuple[type[BaseModel] | None, str], str] = {}


def _spell_phase(model: type[BaseModel] | None, phase: str) -> str:
    field = model.model_fields.get("phase") if model is not None else None
    members = getattr(getattr(field, "annotation", None), "__members__", None) or {}
    for member in members.values():
        value = getattr(member, "value", None)
        if isinstance(value, str) and value.casefold() == phase.casefold():
            return value
    return phase


def not_found(journey_id: str) -> ProblemError:
    return ProblemError(
        404,
        "Journey not found",
        f"No journey {journey_id!r}.",
        slug="journey-not-found",
    )


def _spelled(phase: str, declared: Sequence[str]) -> str:
    """The phase as the journey's contract spells it (Running vs RUNNING)."""
    return next((v for v in declared if v.lower() == phase.lower()), phase)


def _business_status(record: JourneyRecord) -> str:
    output = record.output
    if isinstance(output, dict) and isinstance(output.get("status"), str):
        return str(output["status"])
    if record.error:
        return record.error["code"]
    return record.phase.upper()
