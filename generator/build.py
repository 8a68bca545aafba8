"""Typed specs -> IR: link journey states, Arazzo steps and OpenAPI operations; decide names."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from . import naming
from .diagnostics import Diagnostic, Level, SpecError, did_you_mean, error
from .discover import Case as Case
from .discover import find_case as find_case
from .ir import (
    Body,
    Bundle,
    ExternalStep,
    JourneyIR,
    MediaKind,
    Operation,
    OperationKind,
    PackageNames,
    Param,
    Response,
    WorkflowIR,
    WorkflowStep,
)
from .load import Document, Workspace, escape_pointer_token
from .schema.journey import Journey, parse_journey
from .schema.openapi import validate_openapi
from .schema.validate import validate_arazzo
from .schemas import REF_PREFIX, SchemaCollector

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# Builtins the generated annotations use; a client method of that name would shadow them.
_ANNOTATION_NAMES = frozenset(
    {"list", "dict", "str", "int", "float", "bool", "bytes", "type", "object", "tuple"}
)
# Header parameters OpenAPI says are ignored: they are set by the body's media type, the
# response type and the security schemes (or the caller's `headers=`).
IGNORED_HEADERS = ("accept", "content-type", "authorization")
_DIALECT_PATH = re.compile(r"^(\$sourceDescriptions\.)?([A-Za-z0-9_\-]+)#(/paths/.+)$")
_STEP_PATH = re.compile(r"^/journeys/\{[^}]+\}/steps/([^/{}]+)$")
# Method names the generated client defines itself; operations never take them.
CLIENT_RESERVED = (
    "close",
    "request",
    "raw",
    "run",
    "with_raw_response",
    "base_url",
    "headers",
)


class _Builder:
    """Holds the state of one build; every method adds a part of the bundle."""

    def __init__(self, case: Case, workspace: Workspace) -> None:
        self.case = case
        self.ws = workspace
        self.scope = naming.Scope(naming.RESERVED_CLASS_NAMES)
        self.schemas = SchemaCollector(workspace, self.scope)
        self.problems: list[Diagnostic] = []
        self.state_inputs: dict[str, str | None] = {}
        self.warnings: list[Diagnostic] = []
        self.method_names: set[str] = set()  # client methods taken by earlier sources

    # -- documents ----------------------------------------------------------------------------

    def load(self) -> None:
        case = self.case
        problems: list[Diagnostic] = []
        self.journey_doc = (
            self._try(problems, lambda: self.ws.load(case.journey))
            if case.journey
            else None
        )
        self.arazzo_doc = (
            self._try(problems, lambda: self.ws.load(case.arazzo))
            if case.arazzo
            else None
        )
        if problems:
            raise SpecError(problems)
        self.openapi_doc = self._try(problems, self._primary_openapi)
        if problems:
            raise SpecError(problems)
        self.schemas.reserve_components(self.openapi_doc)
        self.openapi = self._try(
            problems, lambda: validate_openapi(self.openapi_doc, self.warnings)
        )
        parsed = (
            self._try(problems, lambda: parse_journey(self.journey_doc))
            if self.journey_doc
            else None
        )
        self.journey: Journey | None = parsed.journey if parsed else None
        self.warnings.extend(parsed.warnings if parsed else ())
        self.arazzo = (
            self._try(
                problems,
                lambda: validate_arazzo(self.arazzo_doc, self.warnings),
            )
            if self.arazzo_doc
            else None
        )
        if problems:
            raise SpecError(problems)

    def _primary_openapi(self) -> Document:
        """The case's own OpenAPI document: the journey's, or the first OpenAPI
        sourceDescription of the Arazzo document (resolved inside the spec tree)."""
        if self.case.openapi is not None:
            return self.ws.load(self.case.openapi)
        doc = self.arazzo_doc
        assert doc is not None
        sources = (
            doc.data.get("sourceDescriptions") if isinstance(doc.data, dict) else None
        )
        for i, source in enumerate(sources if isinstance(sources, list) else []):
            if not isinstance(source, dict) or source.get("type") == "arazzo":
                continue
            url = source.get("url")
            if not isinstance(url, str):
                continue
            target = self.ws.resolve(
                doc, url, f"/sourceDescriptions/{i}/url", "sourceDescription url"
            )
            if (
                isinstance(target.document.data, dict)
                and "openapi" in target.document.data
            ):
                return target.document
        raise error(
            doc.location("/sourceDescriptions"),
            "no OpenAPI document among the sourceDescriptions; add one (type: openapi, "
            "url: a file inside the spec tree)",
        )

    @staticmethod
    def _try(problems: list[Diagnostic], action: Any) -> Any:
        try:
            return action()
        except SpecError as exc:
            problems.extend(exc.diagnostics)
            return None

    def names(self) -> PackageNames:
        if self.journey is not None:
            dist = self.journey.metadata.name
            description = self.journey.metadata.description or ""
            version = self.journey.metadata.version or "0.1.0"
        elif self.arazzo is not None and self.case.arazzo is not None:
            # A plain OpenAPI + Arazzo case is named after its Arazzo document, or after its
            # folder when the file has a generic name (`workflows.arazzo.json`).
            dist = _case_name(self.case.arazzo, self.case.folder)
            description = self.arazzo.info.description or ""
            version = self.arazzo.info.version
        else:
            dist = _case_name(self.openapi_doc.path, self.case.folder)
            description = self.openapi.info.description or ""
            version = self.openapi.info.version
        module = naming.safe_identifier(naming.snake(dist, default="api"))
        return PackageNames(
            dist=re.sub(r"[^a-z0-9]+", "-", dist.lower()).strip("-") or module,
            module=module,
            pascal=naming.class_name(dist, default="Api"),
            env_prefix=naming.constant(dist, default="API"),
            title=(
                self.arazzo.info.title
                if self.journey is None and self.arazzo is not None
                else self.openapi.info.title
            ),
            description=description,
            version=_pep440(version),
        )

    # -- models -------------------------------------------------------------------------------

    def journey_models(self, pascal: str) -> tuple[str | None, str | None]:
        if self.journey is None or self.journey_doc is None:
            return None, None
        doc = self.journey_doc
        spec = doc.data["spec"]
        names: list[str | None] = []
        for part, suffix in (("input", "Input"), ("output", "Output")):
            schema = (spec.get(part) or {}).get("schema")
            if isinstance(schema, dict):
                converted = self.schemas.model(
                    doc, f"/spec/{part}/schema", schema, pascal + suffix
                )
                names.append(self.schemas.model_name(converted))
            else:
                names.append(None)
        for state, base, body in _external_states(spec["states"], "/spec/states"):
            kind = body["type"]
            base = f"{base}/{kind}"
            for part, suffix in (("input", "Input"), ("response", "Response")):
                schema = (body[kind].get(part) or {}).get("schema")
                if not isinstance(schema, dict):
                    continue
                wanted = naming.class_prefix(state) + suffix
                pointer = f"{base}/{part}/schema"
                try:
                    converted = self.schemas.model(doc, pointer, schema, wanted)
                except SpecError as exc:
                    if "/parallel/" not in base:
                        raise
                    # Parallel branches are not run by the engine yet; a broken schema
                    # there costs its model only, not the whole package.
                    self.warnings.extend(
                        Diagnostic(
                            d.location,
                            f"{d.message}; no model is generated for the {part} of "
                            f"state {state!r}",
                            Level.WARNING,
                        )
                        for d in exc.diagnostics
                    )
                    continue
                if part == "input":
                    self.state_inputs[state] = self.schemas.model_name(converted)
        return names[0], names[1]

    def component_models(self, doc: Document | None = None) -> None:
        doc = doc or self.openapi_doc
        components = (doc.data.get("components") or {}).get("schemas") or {}
        for key, value in components.items():
            pointer = f"/components/schemas/{escape_pointer_token(key)}"
            self.schemas.model(doc, pointer, value, naming.class_name(key))

    # -- operations ---------------------------------------------------------------------------

    def operations(self, doc: Document, source: str) -> list[Operation]:
        paths = doc.data.get("paths") or {}
        prefix = _server_prefix(doc.data)
        raw: list[tuple[str, str, dict[str, Any], str]] = []
        located: dict[str, tuple[Document, str]] = {}
        methods = HTTP_METHODS + (
            ("query",) if str(doc.data.get("openapi", "")).startswith("3.2") else ()
        )
        for path, item in paths.items():
            if not isinstance(item, dict):
                continue
            holder, base = doc, f"/paths/{escape_pointer_token(path)}"
            if "$ref" in item:  # a Path Item Object may live in another file
                target = self.ws.resolve(doc, item["$ref"], base + "/$ref")
                holder, base, item = target.document, target.pointer, target.value
                if not isinstance(item, dict):
                    continue
            for method in methods:
                op = item.get(method)
                if isinstance(op, dict):
                    key = f"/paths/{escape_pointer_token(path)}/{method}"
                    raw.append((path, method, op, key))
                    located[key] = (holder, f"{base}/{method}")
        method_names = self._method_names(raw, source)
        return [
            self._operation(
                *located[key], source, prefix, path, method, op, method_names[key]
            )
            for path, method, op, key in raw
        ]

    def _method_names(
        self, raw: list[tuple[str, str, dict[str, Any], str]], source: str
    ) -> dict[str, str]:
        ids = [op.get("operationId") for _, _, op, _ in raw]
        prefixes = {i.split("_", 1)[0] for i in ids if isinstance(i, str) and "_" in i}
        strip = len(prefixes) == 1 and all(isinstance(i, str) and "_" in i for i in ids)
        wanted: list[tuple[str, str]] = []
        for (path, method, _op, pointer), op_id in zip(raw, ids, strict=True):
            if isinstance(op_id, str) and op_id:
                base = op_id.split("_", 1)[1] if strip else op_id
            else:
                base = f"{method}_{path}"
            name = naming.safe_identifier(naming.snake(base, default="call"))
            if (
                name in _ANNOTATION_NAMES
            ):  # a method `list` hides `list[...]` in the class
                name += "_"
            if (
                name in self.method_names
            ):  # taken by an earlier source: say whose this is
                name = naming.safe_identifier(naming.snake(f"{source}_{base}"))
            wanted.append((pointer, name))
        names = naming.assign(
            wanted, reserved=(*CLIENT_RESERVED, *sorted(self.method_names))
        )
        self.method_names.update(names.values())
        return names

    def _operation(
        self, doc: Document, pointer: str, source: str, prefix: str, path: str,
        method: str, op: dict[str, Any], method_name: str,
    ) -> Operation:  # fmt: skip
        pascal = naming.class_prefix(method_name)
        params = self._params(doc, pointer, op, pascal)
        body = self._body(doc, pointer, op, pascal)
        responses = self._responses(doc, pointer, op, pascal)
        kind, step_state = _kind(method, path)
        op_id = op.get("operationId")
        return Operation(
            operation_id=op_id if isinstance(op_id, str) else method_name,
            method_name=method_name,
            http_method=method.upper(),
            path=path,
            server_path=prefix + path,
            params=params,
            body=body,
            responses=responses,
            summary=op.get("summary") if isinstance(op.get("summary"), str) else None,
            description=(
                op.get("description")
                if isinstance(op.get("description"), str)
                else None
            ),
            kind=kind,
            source=source,
            location=doc.location(pointer),
            step_state=step_state,
        )

    def _params(
        self, doc: Document, pointer: str, op: dict[str, Any], pascal: str
    ) -> tuple[Param, ...]:
        path_item_pointer = pointer.rsplit("/", 1)[0]
        path_item = _at(doc.data, path_item_pointer)
        found: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {}
        for base, holder in ((path_item_pointer, path_item), (pointer, op)):
            for i, raw in enumerate(holder.get("parameters") or []):
                site = f"{base}/parameters/{i}"
                value = raw
                if isinstance(raw, dict) and "$ref" in raw:
                    resolved = self.ws.resolve(doc, raw["$ref"], site + "/$ref")
                    value = resolved.value
                if not isinstance(value, dict) or not isinstance(
                    value.get("name"), str
                ):
                    raise error(doc.location(site), "a parameter needs a string 'name'")
                if value.get("in") == "header" and str(value["name"]).lower() in (
                    IGNORED_HEADERS
                ):
                    continue  # OAS 3: "the parameter definition SHALL be ignored"
                found[(value["name"], str(value.get("in")))] = (site, value)
        py_names = naming.assign(
            ((f"{loc}:{name}", naming.field_name(name)) for (name, loc) in found),
            reserved=("self", "body", "headers", "timeout", "idempotency_key"),
        )
        params = []
        for (name, loc), (site, value) in found.items():
            if loc not in ("path", "query", "header", "cookie"):
                raise error(
                    doc.location(site + "/in"),
                    f"parameter {name!r}: 'in' must be path, query, header or cookie",
                )
            if loc == "header" and not naming.is_header_name(name):
                raise error(
                    doc.location(site + "/name"),
                    f"header parameter {name!r} is not a valid HTTP header name "
                    f"({naming.HEADER_NAME_RULE}); no request could carry it",
                )
            schema = value.get("schema", {})
            converted = self.schemas.model(
                doc, site + "/schema", schema, pascal + naming.pascal(name)
            )
            params.append(
                Param(
                    wire=name,
                    py_name=py_names[f"{loc}:{name}"],
                    location=loc,  # type: ignore[arg-type]
                    required=bool(value.get("required")) or loc == "path",
                    annotation=_annotation(converted),
                    description=(
                        value.get("description")
                        if isinstance(value.get("description"), str)
                        else None
                    ),
                )
            )
        return tuple(
            sorted(
                params,
                key=lambda p: (
                    not p.required,
                    ("path", "query", "header", "cookie").index(p.location),
                ),
            )
        )

    def _body(
        self, doc: Document, pointer: str, op: dict[str, Any], pascal: str
    ) -> Body | None:
        raw = op.get("requestBody")
        if raw is None:
            return None
        site = pointer + "/requestBody"
        if isinstance(raw, dict) and "$ref" in raw:
            raw = self.ws.resolve(doc, raw["$ref"], site + "/$ref").value
        content = raw.get("content") if isinstance(raw, dict) else None
        if not isinstance(content, dict):
            raise error(doc.location(site), "requestBody needs a 'content' mapping")
        media = _json_media(content) or next(iter(content), None)
        if media is None:
            raise error(
                doc.location(site + "/content"), "requestBody has no media type"
            )
        kind = media_kind(media)
        body = content[media] if isinstance(content[media], dict) else {}
        schema = body.get("schema", {})
        annotation, model = _RAW_TYPES.get(kind, ""), None
        if not annotation:
            converted = self.schemas.model(
                doc,
                f"{site}/content/{escape_pointer_token(media)}/schema",
                schema,
                pascal + "Request",
            )
            annotation = _annotation(converted)
            model = self.schemas.model_name(converted)
            if kind == "multipart":  # file fields may be given as binary streams
                annotation = f"{annotation} | _Mapping[str, Any]"
        return Body(
            content_type=media,
            annotation=annotation,
            model=model,
            required=bool(raw.get("required")),
            kind=kind,
            encoding=_encoding(body.get("encoding")),
            media_types=tuple(content),
        )

    def _responses(
        self, doc: Document, pointer: str, op: dict[str, Any], pascal: str
    ) -> tuple[Response, ...]:
        result = []
        for status, raw in (op.get("responses") or {}).items():
            site = f"{pointer}/responses/{escape_pointer_token(str(status))}"
            value = raw
            if isinstance(raw, dict) and "$ref" in raw:
                value = self.ws.resolve(doc, raw["$ref"], site + "/$ref").value
            content = value.get("content") if isinstance(value, dict) else None
            annotation = model = None
            kind: MediaKind = "json"
            other = next(iter(content), None) if isinstance(content, dict) else None
            if isinstance(content, dict) and not _json_media(content) and other:
                # No JSON representation: the body is text (str) or bytes as sent.
                kind = "text" if media_kind(other) == "text" else "binary"
                annotation = _RAW_RESPONSE[kind]
            elif isinstance(content, dict) and (media := _json_media(content)):
                schema = (
                    content[media].get("schema", {})
                    if isinstance(content[media], dict)
                    else {}
                )
                suffix = (
                    "Response" if str(status).startswith("2") else f"Response{status}"
                )
                converted = self.schemas.model(
                    doc,
                    f"{site}/content/{escape_pointer_token(media)}/schema",
                    schema,
                    pascal + suffix,
                )
                annotation, model = _annotation(converted), self.schemas.model_name(
                    converted
                )
            description = value.get("description") if isinstance(value, dict) else None
            result.append(
                Response(
                    str(status),
                    annotation,
                    model,
                    description if isinstance(description, str) else None,
                    kind,
                )
            )
        return tuple(result)

    # -- journey ------------------------------------------------------------------------------

    def journey_ir(
        self, ops: list[Operation], input_model: str | None, output_model: str | None
    ) -> JourneyIR | None:
        if self.journey is None or self.journey_doc is None:
            return None
        doc = self.journey_doc
        by_kind = {op.kind: op for op in reversed(ops)}
        start = by_kind.get("start")
        if start is None:
            raise error(
                doc.location("/metadata/name"),
                "the OpenAPI document has no start operation (POST .../start) for this journey",
            )
        states = doc.data["spec"]["states"]
        order = [
            n
            for n in _journey_order(doc.data["spec"])
            if states[n].get("type") in ("webhook", "wait")
        ]
        linked = self._link_states(order, [op for op in ops if op.kind == "step"])
        external = []
        for name in order:
            body = states[name]
            op = linked.get(name)
            if op is None:
                # A provider-only webhook may be left out of the public contract: the server
                # still serves it, the client just has no method for it. A wait state may not.
                webhook = body["type"] == "webhook"
                (self.warnings if webhook else self.problems).append(
                    Diagnostic(
                        doc.location(f"/spec/states/{escape_pointer_token(name)}"),
                        f"{body['type']} state {name!r} has no step endpoint in the OpenAPI document "
                        f"(POST /journeys/{{journeyId}}/steps/{name}); add it or re-export the OpenAPI"
                        + (
                            "; the server serves it at that path, the client has no method for it"
                            if webhook
                            else ""
                        ),
                        Level.WARNING if webhook else Level.ERROR,
                    )
                )
                if not webhook:
                    continue
            header, profile = _guard(states, body)
            model = (
                op.body.model
                if op is not None and op.body
                else self.state_inputs.get(name)
            )
            external.append(
                ExternalStep(name, body["type"], op, model, header, profile)
            )
        status = by_kind.get("status")
        result = by_kind.get("result")
        return JourneyIR(
            definition=self.journey,
            start=start,
            status=status,
            result=result,
            external_steps=tuple(external),
            input_model=input_model,
            output_model=output_model,
            status_phases=self._phases(status, ("Running", "Succeeded", "Failed")),
            outcome_phases=self._phases(result, ("SUCCEEDED", "FAILED")),
            location=doc.location(""),
        )

    def _link_states(
        self, order: list[str], step_ops: list[Operation]
    ) -> dict[str, Operation]:
        """Pair external-input states with step endpoints: by name, else by their input model.

        The exporter names the endpoint after the state, but published journeys also use a
        business name (`approveLevel1` for state `waitForLevel1Approval`); the request body is
        then the state's input schema, which names the same model after deduplication.
        """
        free = list(step_ops)
        linked: dict[str, Operation] = {}
        for name in order:
            op = next((o for o in free if o.step_state == name), None)
            if op is not None:
                linked[name] = op
                free.remove(op)
        for name in order:
            model = self.state_inputs.get(name)
            if name in linked or model is None:
                continue
            same = [o for o in free if o.body is not None and o.body.model == model]
            op = same[0] if len(same) == 1 else _closest(name, same)
            if op is not None:
                linked[name] = op
                free.remove(op)
        return linked

    def _phases(
        self, op: Operation | None, default: tuple[str, ...]
    ) -> tuple[str, ...]:
        success = op.success if op else None
        model = self.schemas.defs.get(success.model or "") if success else None
        phase = (model.schema.get("properties") or {}).get("phase") if model else None
        ref = phase.get("$ref") if isinstance(phase, dict) else None
        enum = (
            self.schemas.defs.get(ref[len(REF_PREFIX) :])
            if isinstance(ref, str)
            else None
        )
        values = enum.schema.get("enum") if enum else None
        return tuple(str(v) for v in values) if isinstance(values, list) else default

    # -- workflows ----------------------------------------------------------------------------

    def workflows(self, ops: list[Operation]) -> list[WorkflowIR]:
        if self.arazzo is None or self.arazzo_doc is None:
            return []
        sources = {s.name for s in self.arazzo.sourceDescriptions}
        by_id: dict[tuple[str, str], Operation] = {
            (op.source, op.operation_id): op for op in ops
        }
        plain: dict[str, Operation] = {}
        for op in ops:
            plain.setdefault(op.operation_id, op)
        names = naming.assign(
            (w.workflowId, "run_" + naming.snake(w.workflowId, default="workflow"))
            for w in self.arazzo.workflows
        )
        result = []
        for wi, workflow in enumerate(self.arazzo.workflows):
            before = len(self.problems)
            try:
                built = self._workflow(wi, workflow, names, sources, by_id, plain)
            except SpecError as exc:
                self.problems.extend(exc.diagnostics)
                built = None
            problems = self.problems[before:]
            del self.problems[before:]
            # A workflow that cannot be generated is left out; the rest of the package is not.
            self.warnings.extend(
                Diagnostic(
                    d.location,
                    f"{d.message}; workflow {workflow.workflowId!r} is left out of the "
                    "package (everything else is generated)",
                    Level.WARNING,
                )
                for d in problems
            )
            if built is not None and not problems:
                result.append(built)
        return result

    def _workflow(
        self, wi: int, workflow: Any, names: dict[str, str], sources: set[str],
        by_id: dict[tuple[str, str], Operation], plain: dict[str, Operation],
    ) -> WorkflowIR:  # fmt: skip
        doc = self.arazzo_doc
        assert doc is not None
        base = f"/workflows/{wi}"
        inputs_model = None
        if workflow.inputs is not None:
            wanted = naming.class_prefix(workflow.workflowId) + "Inputs"
            converted = self.schemas.model(
                doc, base + "/inputs", workflow.inputs, wanted
            )
            inputs_model = self.schemas.model_name(converted)
            if wanted in self.schemas.public_aliases:
                inputs_model = wanted
        step_names = naming.assign(
            (s.stepId, naming.snake(s.stepId, default="step")) for s in workflow.steps
        )
        steps = []
        for si, step in enumerate(workflow.steps):
            site = f"{base}/steps/{si}"
            linked = self._link_step(doc, site, step, sources, by_id, plain)
            steps.append(
                WorkflowStep(
                    step, step_names[step.stepId], linked, step.workflowId,
                    doc.location(site),
                )
            )  # fmt: skip
        return WorkflowIR(
            workflow,
            names[workflow.workflowId],
            inputs_model,
            None,
            tuple(steps),
            doc.location(base),
        )

    def _dialect_path(
        self, doc: Document, site: str, step: Any, sources: set[str],
        by_id: dict[tuple[str, str], Operation],
    ) -> Operation | None:  # fmt: skip
        """Tools' well-known shorthands for an operationPath: `<source>#/paths/...` as the
        operationPath, or `$sourceDescriptions.<source>#/paths/...` as the operationId.
        Their meaning is unambiguous: a warning spells out the standard form."""
        field, text = (
            ("operationPath", step.operationPath)
            if step.operationPath
            else ("operationId", step.operationId)
        )
        if not isinstance(text, str):
            return None
        match = _DIALECT_PATH.match(text)
        if match is None or match.group(2) not in sources:
            return None
        source, pointer = match.group(2), unquote(match.group(3))
        op = _by_path((o for o in by_id.values()), source, pointer)
        if op is None:
            return None
        standard = f"{{$sourceDescriptions.{source}.url}}#{match.group(3)}"
        self.warnings.append(
            Diagnostic(
                doc.location(f"{site}/{field}"),
                f"step {step.stepId!r}: {field} {text!r} is a tool's shorthand, not "
                f"Arazzo; read as operationPath {standard!r}: write that",
                Level.WARNING,
            )
        )
        return op

    def _link_step(
        self, doc: Document, site: str, step: Any, sources: set[str],
        by_id: dict[tuple[str, str], Operation], plain: dict[str, Operation],
    ) -> Operation | None:  # fmt: skip
        dialect = self._dialect_path(doc, site, step, sources, by_id)
        if dialect is not None or step.operationId is None:
            return dialect
        op_id: str = step.operationId
        source = step.extensions.get("x-source")
        qualified = re.match(r"^\$sourceDescriptions\.([^.]+)\.(.+)$", op_id)
        if qualified:
            source, op_id = qualified.group(1), qualified.group(2)
        if isinstance(source, str) and source not in sources:
            self.problems.append(
                Diagnostic(
                    doc.location(site),
                    f"step {step.stepId!r} names source {source!r}, which is not in sourceDescriptions",
                )
            )
            return None
        op = by_id.get((source, op_id)) if isinstance(source, str) else plain.get(op_id)
        if op is not None:
            return op
        known = sorted(
            {o for (s, o) in by_id if not isinstance(source, str) or s == source}
        )
        folded = [o for o in known if o.casefold() == op_id.casefold()]
        at = doc.location(site + "/operationId")
        if len(folded) == 1:
            self.warnings.append(
                Diagnostic(
                    at,
                    f"step {step.stepId!r} calls operationId {op_id!r}, which matches "
                    f"{folded[0]!r} only when case is ignored (operationIds are "
                    f"case-sensitive); calling {folded[0]!r}: write it so",
                    Level.WARNING,
                )
            )
            key = (source, folded[0]) if isinstance(source, str) else None
            return by_id[key] if key is not None else plain[folded[0]]
        hint = did_you_mean(op_id, known)
        self.problems.append(
            Diagnostic(
                at,
                f"step {step.stepId!r} calls unknown operationId {op_id!r}; it must match "
                "an operationId of the source's OpenAPI document"
                + (f"; {hint}" if hint else ""),
            )
        )
        return None


def _by_path(ops: Any, source: str, pointer: str) -> Operation | None:
    """The operation at `#/paths/<path>/<method>` of a source."""
    tokens = [t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:]]
    if len(tokens) != 3 or tokens[0] != "paths":
        return None
    _, path, method = tokens
    return next(
        (
            o
            for o in ops
            if o.source == source and o.path == path and o.http_method == method.upper()
        ),
        None,
    )


def _external_states(
    states: Any, pointer: str
) -> list[tuple[str, str, dict[str, Any]]]:
    """(name, pointer, body) of every webhook/wait state, also inside parallel branches."""
    found: list[tuple[str, str, dict[str, Any]]] = []
    if not isinstance(states, dict):
        return found
    for state, body in states.items():
        if not isinstance(body, dict):
            continue
        here = f"{pointer}/{escape_pointer_token(str(state))}"
        kind = body.get("type")
        if kind in ("webhook", "wait") and isinstance(body.get(kind), dict):
            found.append((str(state), here, body))
        parallel = body.get("parallel")
        branches = parallel.get("branches") if isinstance(parallel, dict) else None
        for i, branch in enumerate(branches if isinstance(branches, list) else []):
            if isinstance(branch, dict):
                found.extend(
                    _external_states(
                        branch.get("states"), f"{here}/parallel/branches/{i}/states"
                    )
                )
    return found


def _server_prefix(data: dict[str, Any]) -> str:
    servers = data.get("servers") or []
    url = servers[0].get("url") if servers and isinstance(servers[0], dict) else None
    if not isinstance(url, str):
        return ""
    path = re.sub(r"^[a-zA-Z][a-zA-Z0-9+.-]*://[^/]*", "", url)
    return path.rstrip("/") if path.startswith("/") else ""


def _kind(method: str, path: str) -> tuple[OperationKind, str | None]:
    if method == "post" and re.fullmatch(r"/journeys/[^/{}]+/start", path):
        return "start", None
    if method == "get" and re.fullmatch(r"/journeys/\{[^}]+\}", path):
        return "status", None
    if method == "get" and re.fullmatch(r"/journeys/\{[^}]+\}/result", path):
        return "result", None
    step = _STEP_PATH.match(path)
    if method == "post" and step:
        return "step", step.group(1)
    return "other", None


# Python types of request bodies that are sent as written and of non-JSON responses.
_RAW_TYPES = {"text": "str", "binary": "bytes | _IO[bytes]"}
_RAW_RESPONSE = {"text": "str", "binary": "bytes"}


def media_kind(media: str) -> MediaKind:
    """How a body of this media type is encoded (the runtime's `bodies.media_kind`)."""
    base = media.split(";", 1)[0].strip().lower()
    if base == "application/json" or base.endswith("+json"):
        return "json"
    if base == "application/x-www-form-urlencoded":
        return "form"
    if base.startswith("multipart/"):
        return "multipart"
    if base.startswith("text/"):
        return "text"
    return "binary"


def _encoding(raw: Any) -> tuple[tuple[str, tuple[tuple[str, str | bool], ...]], ...]:
    """The OAS `encoding` rules the runtime honours (contentType, style, explode)."""
    if not isinstance(raw, dict):
        return ()
    rules = []
    for name, rule in sorted(raw.items()):
        if not isinstance(rule, dict):
            continue
        kept = tuple(
            (k, rule[k])
            for k in ("contentType", "style", "explode")
            if isinstance(rule.get(k), str | bool)
        )
        if kept:
            rules.append((str(name), kept))
    return tuple(rules)


def _json_media(content: dict[str, Any]) -> str | None:
    for media in content:
        base = media.split(";", 1)[0].strip().lower()
        if base == "application/json" or base.endswith("+json"):
            return media
    return None


def _at(data: Any, pointer: str) -> Any:
    for raw in pointer[1:].split("/") if pointer else []:
        data = data[raw.replace("~1", "/").replace("~0", "~")]
    return data


def _annotation(schema: dict[str, Any]) -> str:
    ref = schema.get("$ref")
    if isinstance(ref, str):
        return ref[len(REF_PREFIX) :]
    kind = schema.get("type")
    nullable = schema.get("nullable") is True
    if isinstance(kind, list):
        nullable = nullable or "null" in kind
        kinds = [k for k in kind if k != "null"]
        kind = kinds[0] if len(kinds) == 1 else None
    base = {
        "string": "str",
        "integer": "int",
        "number": "float",
        "boolean": "bool",
    }.get(str(kind))
    if base is None and kind == "array":
        items = schema.get("items")
        base = f"list[{_annotation(items) if isinstance(items, dict) else 'Any'}]"
    if base is None and kind == "object":
        extra = schema.get("additionalProperties")
        base = f"dict[str, {_annotation(extra) if isinstance(extra, dict) and extra else 'Any'}]"
    if base is None:
        options = schema.get("oneOf") or schema.get("anyOf")
        base = (
            " | ".join(dict.fromkeys(_annotation(o) for o in options))
            if isinstance(options, list)
            else "Any"
        )
    return f"{base} | None" if nullable and base != "Any" else base


def _guard(
    states: dict[str, Any], body: dict[str, Any]
) -> tuple[str | None, str | None]:
    """The header an external-input state's input is checked with (apiKeyValidate right after it)."""
    nxt = states.get(body.get("next") or "")
    task = nxt.get("task") if isinstance(nxt, dict) else None
    if not isinstance(task, dict) or not str(task.get("kind", "")).startswith(
        "apiKeyValidate"
    ):
        return None, None
    source = task.get("source") or {}
    if source.get("location", "header") != "header" or not isinstance(
        source.get("name"), str
    ):
        return None, None
    profile = task.get("profile")
    return source["name"], profile if isinstance(profile, str) else "default"


def _closest(state: str, ops: list[Operation]) -> Operation | None:
    """The one endpoint sharing the most words with a state's name (approveLevel3 for
    waitForLevel3Approval when several endpoints take the same model), else None."""
    words = {w.lower() for w in naming.ascii_words(state)}
    scored = sorted(
        ((len(words & {w.lower() for w in naming.ascii_words(o.step_state or "")}), o)
         for o in ops),
        key=lambda pair: pair[0],
    )  # fmt: skip
    if (
        not scored
        or scored[-1][0] == 0
        or (len(scored) > 1 and scored[-2][0] == scored[-1][0])
    ):
        return None
    return scored[-1][1]


def _journey_order(spec: dict[str, Any]) -> list[str]:
    """States in the order a run meets them (breadth-first from `start`), then the rest."""
    states = spec["states"]
    order: list[str] = []
    queue = [spec.get("start")]
    while queue:
        name = queue.pop(0)
        if not isinstance(name, str) or name in order or name not in states:
            continue
        order.append(name)
        queue.extend(_successors(states[name]))
    return order + [s for s in states if s not in order]


def _successors(state: Any) -> list[str]:
    if not isinstance(state, dict):
        return []
    found = [state.get("next"), state.get("default")]
    for choice in state.get("choices") or []:
        if isinstance(choice, dict):
            found.append(choice.get("next"))
    for key in ("onTimeout", "onError", "onFailure"):
        value = state.get(key)
        found.append(value.get("next") if isinstance(value, dict) else value)
    return [s for s in found if isinstance(s, str)]


def _pep440(version: str) -> str:
    return version if re.fullmatch(r"\d+(\.\d+)*([ab]|rc)?\d*", version) else "0.1.0"


def build(case: Case, workspace: Workspace) -> Bundle:
    """Build the IR bundle for one case; raise SpecError with every problem found."""
    builder = _Builder(case, workspace)
    builder.load()
    names = builder.names()
    input_model, output_model = builder.journey_models(names.pascal)
    extra = _extra_sources(builder)
    builder.component_models()
    for source_doc, _ in extra:
        builder.component_models(source_doc)
    primary = builder.openapi_doc
    ops = builder.operations(primary, _source_name(builder, primary.path))
    for source_doc, source_name in extra:
        ops.extend(builder.operations(source_doc, source_name))
    journey = builder.journey_ir(ops, input_model, output_model)
    workflows = builder.workflows(ops)
    if builder.problems:
        raise SpecError(builder.problems)
    sources = [
        p
        for p in (primary.path, case.journey, case.arazzo, case.bindings)
        if p is not None
    ] + [doc.path for doc, _ in extra]
    return Bundle(
        names=names,
        models=tuple(builder.schemas.defs.values()),
        model_aliases=tuple(sorted(builder.schemas.public_aliases.items())),
        operations=tuple(ops),
        workflows=tuple(workflows),
        journey=journey,
        arazzo=builder.arazzo,
        sources=tuple(workspace.relative(p) for p in sources),
        warnings=tuple(builder.warnings + builder.schemas.warnings),
    )


# File names that say what a document is, not what it is about.
_GENERIC_NAMES = frozenset(
    {"api", "apis", "arazzo", "index", "main", "oas", "openapi", "spec", "swagger",
     "workflow", "workflows"}
)  # fmt: skip


def _case_name(document: Path, folder: Path) -> str:
    """A document's name up to its first dot, or the case folder's for a generic name."""
    stem = document.name.split(".")[0]
    return folder.name if stem.lower() in _GENERIC_NAMES else stem


def _source_name(builder: _Builder, path: Path) -> str:
    if builder.arazzo is not None and builder.arazzo_doc is not None:
        for source in builder.arazzo.sourceDescriptions:
            url = unquote(source.url.split("#", 1)[0])
            if (builder.arazzo_doc.path.parent / url).resolve() == path.resolve():
                return str(source.name)
    return naming.pascal(path.name.split(".")[0])


def _extra_sources(builder: _Builder) -> list[tuple[Document, str]]:
    """OpenAPI documents an Arazzo file names besides the case's own."""
    if builder.arazzo is None or builder.arazzo_doc is None:
        return []
    result = []
    for i, source in enumerate(builder.arazzo.sourceDescriptions):
        if source.type == "arazzo":
            continue
        site = f"/sourceDescriptions/{i}/url"
        ref = builder.ws.resolve(
            builder.arazzo_doc, source.url, site, "sourceDescription url"
        )
        if ref.document.path.resolve() == builder.openapi_doc.path.resolve():
            continue
        validate_openapi(ref.document, builder.warnings)
        result.append((ref.document, source.name))
    return result
