"""Journey states -> engine code for the runtime engine (`_runtime/server/engine.py`).

`JourneyCompiler` walks the state machines of one typed journey (top level, parallel branches,
`spec.subjourneys`, `spec.compensation`) and hands each state to the compiler its type names in
`states.COMPILERS`; a task state hands its task to `tasks.TASKS` by kind. Nothing here knows a
kind by name. A state no compiler can compile is collected as `Unsupported` (a located
warning) and compiled as a step that fails the run with JOURNEY_DEFINITION_INVALID when it is
reached: the rest of the journey is served, never a stub and never wrong code.

A `next` naming no state is compiled as a transition the engine fails with
JOURNEY_DEFINITION_INVALID when it is reached (and reported as a warning); a branch state whose
`next` names a state of the enclosing state machine leaves the parallel there.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from .. import naming
from ..diagnostics import Location
from ..encode import py_literal
from ..ir import Bundle
from ..load import Document
from ..schema.journey import Journey, MapperHolder
from ..schema.journey.spec import JourneySpec
from . import lifecycle, policies
from .calls import CallBuilder
from .expressions import Code, Expressions, UnsupportedBindingError
from .ir import InputCode, MachineCode, StepCode, Unsupported
from .ir_calls import HandlerMethod
from .scope import NotSupportedError, Scope
from .states import COMPILERS

__all__ = ["JourneyCompiler", "NotSupportedError", "Scope"]


DEFINITION_INVALID = "JOURNEY_DEFINITION_INVALID"
# What compiling a state adds to its Scope and to the compiler: a state that fails part-way
# is rolled back to these lengths.
_SCOPE_LISTS = ("steps", "inputs", "timers", "parallels", "calls")
_COMPILER_LISTS = ("functions", "methods", "branch_machines")


class JourneyCompiler:
    """Compiles every state of one journey; collects unsupported constructs and warnings."""

    def __init__(
        self, bundle: Bundle, doc: Document, journey: Journey, calls: CallBuilder
    ) -> None:
        self.bundle = bundle
        self.doc = doc
        self.journey = journey
        self.spec: JourneySpec = journey.spec
        self.calls = calls
        self.states = journey.spec.states
        self.names = naming.Scope(
            ("ctx", "_object", "replace_context", "merge_context", "write_context")
        )
        self.unsupported: list[Unsupported] = []
        self.warnings: list[tuple[Location, str]] = []
        self.methods: list[HandlerMethod] = []
        self.profiles: set[str] = set()
        self.functions: list[StepCode] = []
        self.branch_machines: list[MachineCode] = []
        self.input_names: set[str] = set()
        self.http_bindings = lifecycle.http_bindings(journey.spec)
        self.passthrough = any(b[2] for _, b in self.http_bindings)
        self.top: MachineCode | None = None
        self.subjourney_starts: dict[str, tuple[str, str]] = {}  # ref -> (var, start)
        # the journey's own expressions; its DataWeave warnings collect in `.warnings`
        errors = journey.spec.errors
        self.expressions = Expressions(
            doc,
            mappers=journey.spec.mappers,
            normalisers={
                k: v.mapper for k, v in (errors.normalisers if errors else {}).items()
            },
        )
        # (runtime module, name) of every runtime name the emitted code uses
        self.runtime_names: set[tuple[str, str]] = set()
        # top-level succeed state -> where it is written (logged for a broken outcome)
        self.output_sites: dict[str, str] = {}

    def steps(self) -> list[StepCode]:
        """Compile the journey (branches included); return every engine function."""
        lifecycle.subjourneys(self)
        scope = Scope(self.states, "/spec/states", "", self.expressions)
        top = self.machine(scope, "")
        extras = [
            *lifecycle.subjourney_machines(self),
            *lifecycle.outcomes(self),
            *lifecycle.execution(self),
            *lifecycle.compensation(self),
            *lifecycle.errors(self),
            *lifecycle.access(self),
            *lifecycle.start_mode(self),
            *lifecycle.api(self),
            *lifecycle.surface(self),
            *policies.outbound(self),
        ]
        if self.output_sites:
            extras.append(("output_sites", py_literal(self.output_sites)))
        self.top = replace(top, extras=tuple(extras))
        self.check_context_reads()
        return self.functions

    def check_context_reads(self) -> None:
        """Fail fast on a context read no state can satisfy (`context_keys`)."""
        from ..diagnostics import SpecError
        from .context_keys import problems

        own = [
            (where, path)
            for pointer, where, path in self.expressions.reads
            if pointer.startswith("/spec/states/")
        ]
        found = [*self.calls.errors, *problems(self.spec, own)]
        if found:
            raise SpecError(found)

    def inputs(self) -> list[InputCode]:
        """Every external-input state, branches included (call after steps())."""
        return [i for m in (*self.branch_machines, self.top) if m for i in m.inputs]

    # -- machines -------------------------------------------------------------------------

    def machine(self, scope: Scope, var: str) -> MachineCode:
        """Compile the states of one machine into its MachineCode."""
        for state, body in scope.states.items():
            kept = self._mark(scope)
            try:
                self.state(scope, state, body)
            except NotSupportedError as exc:
                self._cannot_run(scope, state, exc.construct, exc.pointer, kept)
            except UnsupportedBindingError as exc:
                construct = f"expression binding {', '.join(sorted(exc.names))}"
                self._cannot_run(scope, state, construct, "", kept)
        return MachineCode(
            var,
            tuple(scope.steps),
            tuple(scope.inputs),
            tuple(scope.timers),
            tuple(scope.parallels),
            order=tuple(scope.states),
            calls=tuple(scope.calls),
        )

    def _mark(self, scope: Scope) -> tuple[int, ...]:
        """How much code the compiled states have added so far (see `_cannot_run`)."""
        return (
            *(len(getattr(scope, name)) for name in _SCOPE_LISTS),
            *(len(getattr(self, name)) for name in _COMPILER_LISTS),
        )

    def _cannot_run(
        self,
        scope: Scope,
        state: str,
        construct: str,
        pointer: str,
        kept: tuple[int, ...],
    ) -> None:
        """A state the engine cannot compile: whatever it added is dropped and it becomes a
        step that fails the run with JOURNEY_DEFINITION_INVALID when it is reached (the
        rest of the journey is served; `assemble` reports it as a located warning)."""
        for name, size in zip((*_SCOPE_LISTS, *_COMPILER_LISTS), kept, strict=True):
            owner = scope if name in _SCOPE_LISTS else self
            del getattr(owner, name)[size:]
        where = self.doc.location(scope.pointer(state) + pointer)
        self.unsupported.append(Unsupported(state, construct, where))
        reason = (
            f"state {state!r} uses {construct}, which this server does not run "
            f"({self.site(scope.pointer(state) + pointer)})"
        )
        self.step(
            scope,
            state,
            [f"return Fail({DEFINITION_INVALID!r}, {reason!r})"],
            f"{state} (cannot run: {construct})",
        )

    def state(self, scope: Scope, state: str, body: Any) -> None:
        """Hand one state to the compiler of its type."""
        kind = COMPILERS.get(body.type)
        if kind is None:
            raise NotSupportedError(f"state type {body.type!r}", "/type")
        kind.compile(self, scope, state, body)

    def site(self, pointer: str) -> str:
        """`path:line:col` of a place in the journey, the path as the sources name it."""
        where = self.doc.location(pointer)
        name = self.doc.path.name
        sources: tuple[str, ...] = getattr(
            self.bundle, "sources", ()
        )  # None in unit tests
        path = next((s for s in sources if s.endswith("/" + name)), name)
        return f"{path}:{where.line}:{where.column}"

    def uses(self, module: str, name: str) -> None:
        """Record that emitted code uses `name` of the runtime module `module` (relative to
        `_runtime/server`: "engine", "auth", "lifecycle", "states.subjourney")."""
        self.runtime_names.add((module, name))

    def step(self, scope: Scope, state: str, lines: list[str], summary: str) -> None:
        """Add the step function of an internal state (run when the state is entered)."""
        function = self.function(scope, "step", state)
        self.functions.append(StepCode(state, function, summary, tuple(lines)))
        scope.steps.append((state, function))

    def function(self, scope: Scope, kind: str, state: str) -> str:
        """Claim the module-level name of one engine function."""
        words = [kind, scope.label, naming.snake(state, default="state")]
        return self.names.claim("_".join(w for w in words if w))

    # -- transitions ----------------------------------------------------------------------

    def target(
        self, scope: Scope, state: str, target: str | None, key: str
    ) -> str | None:
        """Return `Next(...)`/`Leave(...)` code for a transition; None when it is absent."""
        if target is None:
            return None
        if target in scope.states:
            return f"Next({target!r})"
        where = self.doc.location(f"{scope.pointer(state)}/{key}")
        if scope.parent is not None and target in scope.parent.states:
            return f"Leave({target!r})"
        self.warnings.append(
            (where, f"state {state!r}: {key} {target!r} is not a state of this "
                    "journey; reaching it fails the run with JOURNEY_DEFINITION_INVALID")
        )  # fmt: skip
        return f"Next({target!r})"

    def goto(
        self, scope: Scope, state: str, target: str | None, key: str = "next"
    ) -> str:
        """The `return Next(...)` line of a transition the state requires."""
        code = self.target(scope, state, target, key)
        if code is None:
            raise NotSupportedError(f"missing {key}", "")
        if code.startswith("Leave("):
            self.uses("engine", "Leave")
        return f"return {code}"

    def plain_next(self, scope: Scope, state: str, target: str | None, key: str) -> str:
        """A next of a wait/timer/parallel: must stay inside its state machine."""
        code = self.target(scope, state, target, key)
        if code is None or target is None:
            raise NotSupportedError(f"missing {key}")
        if code.startswith("Leave("):
            raise NotSupportedError(f"{key} leaving a parallel branch", "/" + key)
        return target

    # -- values ---------------------------------------------------------------------------

    def mapper(self, scope: Scope, node: Any, pointer: str) -> Code:
        """A mapper site of a state of `scope` (`mapper` or `mapperRef`), or a literal."""
        code = scope.exprs.mapper(pointer, node)
        if code is not None:
            return code
        if isinstance(node, MapperHolder):
            raise NotSupportedError("an object where a literal or mapper is expected")
        return Code(py_literal(node))
