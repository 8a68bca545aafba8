"""The part of the run context every task kind reads."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..auth import RequestMeta
from ..services import Services
from ..settings import Settings

__all__ = ["TaskContext"]


class TaskContext:
    """The attributes `RunContext` sets that the task methods use."""

    context: dict[str, Any]
    headers: Mapping[str, str]
    settings: Settings
    meta: RequestMeta
    services: Services
    auth_failed: bool
    auth_codes: list[str]
