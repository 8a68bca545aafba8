"""What a step function sees: the journey context, the handlers, the request, the tasks."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any, Generic, TypeVar

from .auth import RequestMeta
from .cache import DEFAULT_TTL_SECONDS, MemoryCache
from .services import Services, utc_clock
from .settings import Settings
from .store import utc_now
from .tasks.auth import AuthTasks
from .tasks.cache import CacheTasks
from .tasks.schedule import ScheduleTasks

__all__ = ["RunContext"]

H = TypeVar("H")


class RunContext(AuthTasks, CacheTasks, ScheduleTasks, Generic[H]):
    """What a step function sees: the journey context, the handlers and the current request."""

    def __init__(
        self,
        context: dict[str, Any],
        handlers: H,
        headers: Mapping[str, str],
        settings: Settings,
        *,
        meta: RequestMeta | None = None,
        services: Services | None = None,
        lowered: bool = False,
    ) -> None:
        self.context = context
        self.handlers = handlers
        # `lowered`: the names are lower-case already (the run's, shared by its states)
        self.headers = (
            headers if lowered else {k.lower(): v for k, v in headers.items()}
        )
        self.settings = settings
        self.meta = meta or RequestMeta()
        self.services = services or Services(
            "journey",
            "0",
            "",
            utc_now(),
            utc_clock,
            MemoryCache(),
            DEFAULT_TTL_SECONDS,
            {},
        )
        self.auth_failed = False
        self.auth_codes = []

    @property
    def outcome(self) -> dict[str, Any]:
        """The read-only ``outcome`` binding of compensation states (a copy)."""
        return copy.deepcopy(self.services.outcome or {})

    @property
    def platform(self) -> dict[str, Any]:
        """The read-only platform binding of expressions."""
        services = self.services
        return {
            "environment": self.settings.environment,
            "journey": {
                "name": services.journey_name,
                "kind": "Journey",
                "version": services.journey_version,
            },
            "run": {
                "id": services.journey_id,
                "startedAt": services.started_at,
                "traceparent": self.headers.get("traceparent"),
            },
            "config": copy.deepcopy(dict(services.platform_config)),
        }

    def output(self, output_var: str | None) -> Any:
        """Return context.<outputVar> when set and present, else the whole context."""
        if output_var is not None and output_var in self.context:
            return self.context[output_var]
        return self.context
