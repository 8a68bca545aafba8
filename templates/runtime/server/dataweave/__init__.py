"""Run-time helpers for DataWeave expressions compiled to Python by journeygen.

Copied verbatim into every generated package; standard library only.

The value model. At rest (in the journey context, in HTTP bodies) every value is a plain JSON
value: dict, list, str, int, float, bool, None. That is what a JSON reader makes of DataWeave's
JSON output, so a run resumed from the store behaves as one that never stopped. While one
expression evaluates, values keep DataWeave's semantics:

- numbers: int, float, or `Num` (a float that also carries the exact `Decimal` DataWeave keeps,
  for results a double cannot hold, such as `1 / 3`). Arithmetic on non-integers is decimal
  (`0.1 + 0.2` is `0.3`), division keeps 34 significant digits as DataWeave does, integral
  results are ints (`1.5 + 1.5` is `3`);
- objects: dict; an object with a repeated key (`{a: 1} ++ {a: 2}`) is an `Obj`, a dict holding
  the last value of each key (what a JSON reader keeps) plus every pair in order for DataWeave:
  the selector takes the first, `pluck`/`mapObject`/`sizeOf`/`write` see all;
- Date, DateTime, LocalDateTime, LocalTime, Time, TimeZone and Period are `str` subclasses whose
  text is DataWeave's printed form, plus their parsed parts for selectors and arithmetic;
- `settle(value)` ends an evaluation: the objects and temporal values it made become plain
  (an `Obj` a dict with the last value of each key, a DateTime its text). The compiler wraps
  every expression whose result may hold such values.

Null: selectors on null give null; functions with a null overload in DataWeave give its answer
(`sizeOf(null)` and `upper(null)` are null, `isEmpty(null)` is true, `contains`/`startsWith` on
null are false); operators and functions DataWeave refuses on null raise DataWeaveRuntimeError,
which the generated engine turns into JOURNEY_EXPRESSION_FAILED. Deliberate differences: null
in a boolean position (`if`, `and`, `or`, `not`, filter callbacks) counts as false.
"""

from __future__ import annotations

from .arrays import *  # noqa: F403
from .coercion import *  # noqa: F403
from .core import *  # noqa: F403
from .dates import *  # noqa: F403
from .inflect import *  # noqa: F403
from .lang import *  # noqa: F403
from .misc import *  # noqa: F403
from .misc import _json_text as _json_text
from .numbers import *  # noqa: F403
from .objects import *  # noqa: F403
from .operators import *  # noqa: F403
from .selectors import *  # noqa: F403
from .sources import *  # noqa: F403
from .strings import *  # noqa: F403
from .temporal import *  # noqa: F403
from .text import *  # noqa: F403
from .types import *  # noqa: F403
from .typeshapes import *  # noqa: F403
from .values import *  # noqa: F403
from .values import _dec as _dec  # tests compare numbers through it
from .zoned import *  # noqa: F403
