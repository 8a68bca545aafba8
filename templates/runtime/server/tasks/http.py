"""httpCall and every outbound task: call a handler, never crash on its exception.

Building the call is not the call: an expression of the request that fails (a ``${...}``
placeholder whose value is missing, a DataWeave error) propagates, so the state fails the
journey with JOURNEY_EXPRESSION_FAILED (DSL §4, §10) instead of recording a failed call.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from ..dataweave import DataWeaveRuntimeError
from ..handlers import settle
from ..outbound import call_site
from ..results import TaskAnswer, TaskResult
from .base import TaskContext

__all__ = ["HttpTasks"]

_logger = logging.getLogger("journeygen.server")


class HttpTasks(TaskContext):
    """Outbound calls through the handlers."""

    def call(self, task: Callable[[], TaskAnswer]) -> dict[str, Any]:
        """Run an outbound handler (`def` or `async def`); an exception becomes an error
        result, never a crash. On the event loop the request moves to a worker thread
        first unless the handler is `@nonblocking` (`handlers.loop_guard`, inline.py).
        """
        undo = call_site(self.services)
        try:
            result = settle(task())
            if not isinstance(result, TaskResult):
                raise TypeError(
                    f"a handler returned {type(result).__name__}, not a TaskResult"
                )
            found = result.model_dump(mode="json")
            if result.status is None:  # no answer arrived: no status key (DSL §5.1)
                del found["status"]
            if isinstance(result.body, BaseModel):  # as answered: no fields added
                found["body"] = result.body.model_dump(
                    mode="json", by_alias=True, exclude_unset=True
                )
            return found
        except DataWeaveRuntimeError:
            raise
        except Exception as exc:
            _logger.warning("task handler raised %s", type(exc).__name__, exc_info=exc)
            error = {
                "type": "urn:journeygen:error:handler",
                "title": type(exc).__name__,
            }
            return TaskResult(ok=False, error=error).model_dump(
                mode="json", exclude={"status"}
            )
        finally:
            undo()

    def pass_headers(self, headers: dict[str, str]) -> None:
        """Add the request's passthrough headers to an outbound call (its own ones win)."""
        for name, value in self.services.passthrough.items():
            if name.lower() not in {k.lower() for k in headers}:
                headers[name] = value
