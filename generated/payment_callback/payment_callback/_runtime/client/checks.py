"""Success criteria as the workflow reports them: each criterion keeps its text as written and
the runtime expressions it reads, so a failed step says which criterion failed and what it saw.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

from .expressions import RunContext

Context: TypeAlias = RunContext
Predicate: TypeAlias = Callable[[Context], bool]
Observed: TypeAlias = Callable[[Context], tuple[tuple[str, Any], ...]]

_SHOWN = 120  # characters of an observed value quoted in an error


def _nothing(ctx: Context) -> tuple[tuple[str, Any], ...]:
    return ()


@dataclass(frozen=True)
class Check:
    """One Criterion Object: the condition as written, its test, and the values it reads."""

    text: str
    holds: Predicate
    observe: Observed = _nothing

    def unmet(self, ctx: Context) -> str:
        """Why the criterion failed: its text and every value it read (None means missing)."""
        seen = ", ".join(
            f"{name} was {_show(value)}" for name, value in self.observe(ctx)
        )
        return f"success criterion {self.text!r} not met" + (
            f" ({seen})" if seen else ""
        )


def all_hold(checks: Sequence[Check], ctx: Context) -> bool:
    """True when every criterion holds (an empty list holds)."""
    return all(check.holds(ctx) for check in checks)


def first_unmet(checks: Sequence[Check], ctx: Context) -> Check | None:
    """The first criterion that does not hold, or None."""
    return next((check for check in checks if not check.holds(ctx)), None)


def _show(value: Any) -> str:
    if value is None:
        return "missing"
    text = repr(value)
    return text if len(text) <= _SHOWN else text[: _SHOWN - 3] + "..."
