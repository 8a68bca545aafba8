"""How the generated server makes an httpCall itself (`ir.HttpSpec`, the runtime's
`outbound.HttpOperation`): method, path and server URL from the downstream operation, timeout,
accept, mode and the policy refs from the task and spec.defaults (DSL §2.3, §5.1, §13, §19).
"""

from __future__ import annotations

from dataclasses import replace

from ..inputs import Inputs
from ..schema.journey.spec import JourneySpec
from ..schema.journey.tasks import HttpCall
from .downstream import Downstream, parameters, py_names, resolver, server_url
from .ir_calls import HttpSpec

DEFAULT_TIMEOUT_MS = 10_000  # DSL §5.1, §2.3: no task or spec.defaults.http timeoutMs


class HttpOperations:
    """The HttpSpec of each httpCall task of one journey."""

    def __init__(self, sources: Inputs, spec: JourneySpec | None = None) -> None:
        self.sources = sources
        defaults = spec.defaults if spec is not None else None
        http = defaults.http if defaults is not None else None
        self.default_timeout = (
            http.timeoutMs if http and http.timeoutMs else DEFAULT_TIMEOUT_MS
        )
        tasks = defaults.tasks if defaults is not None else None
        policies = spec.policies if spec is not None else None
        resilience = policies.httpResilience if policies is not None else None
        self.default_resilience = (tasks.resiliencePolicyRef if tasks else None) or (
            resilience.default if resilience else None
        )

    def spec(
        self,
        task: HttpCall,
        ds: Downstream | None,
        results: tuple[tuple[str, str], ...],
    ) -> HttpSpec | None:
        """The call of `task` to the operation `ds` (None: its operationRef does not
        resolve, so only a handler can make that call), or of its method + url form.
        `results`: the body type of each documented status, which the answers are checked
        against (none for a notify call: nothing of its answer is observed)."""
        ref = task.operationRef
        if ds is None:
            return (
                None
                if isinstance(ref, str)
                else self._http(task, "", None, None, None, ())
            )
        found = parameters(ds, resolver(self.sources, ds.doc, ds.pointer))
        py = py_names(found)
        made = self._http(
            task, ds.method.upper(), ds.path, ref.partition(".")[0] if ref else None,
            server_url(ds),
            tuple((py[f"{loc}:{p['name']}"], p["name"], loc) for loc, p in found),
        )  # fmt: skip
        return made if made.notify else replace(made, results=results)

    def _http(
        self, task: HttpCall, method: str, path: str | None, api: str | None,
        server_url: str | None, params: tuple[tuple[str, str, str], ...],
    ) -> HttpSpec:  # fmt: skip
        """How the server makes the call itself (timeout, accept, policy refs, defaults)."""
        return HttpSpec(
            method=method, path=path, api=api, server_url=server_url, params=params,
            accept=task.accept or "application/json",
            timeout_ms=task.timeoutMs or self.default_timeout,
            notify=task.mode == "notify",
            resilience_policy=task.resiliencePolicyRef or self.default_resilience,
            auth_policy=task.auth.policyRef if task.auth is not None else None,
            use_cookie_jar=task.cookies.useJar if task.cookies is not None else True,
        )  # fmt: skip
