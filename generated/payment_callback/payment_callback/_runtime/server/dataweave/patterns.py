"""Java DateTimeFormatter patterns (`as Date {format: "MM/dd/yyyy"}`): printing and parsing.

Letters: G u y D M L d Q q E a h K k H m s S n A N V z O X x Z, quoted text ('at', '' for a
quote), optional sections `[...]`; names are English (DataWeave's default locale). Parsing is
case-insensitive, as DataWeave's is.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, timezone
from functools import lru_cache
from typing import Any

from .values import DataWeaveRuntimeError

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_LETTERS = frozenset("GuyDMLdQqEahKkHmsSnANVzOXxZwY")
Token = tuple[str, int]  # (letter, count); letter "'" is literal text in count's place
Pattern = list[Any]  # Tokens and nested optional sections (lists)


def _bad(pattern: str, why: str) -> DataWeaveRuntimeError:
    return DataWeaveRuntimeError(f"invalid date/time format {pattern!r}: {why}")


@lru_cache(maxsize=256)
def compile_pattern(pattern: str) -> tuple[Any, ...]:
    """The pattern as tokens: (letter, count), ("'", text) and optional sections (tuples)."""
    stack: list[list[Any]] = [[]]
    at = 0
    while at < len(pattern):
        char = pattern[at]
        if char == "'":
            end = at + 1
            text = ""
            while True:
                close = pattern.find("'", end)
                if close < 0:
                    raise _bad(pattern, "unterminated quote")
                text += pattern[end:close]
                if pattern.startswith("''", close):
                    text += "'"
                    end = close + 2
                    continue
                break
            stack[-1].append(("'", text or "'"))
            at = close + 1
        elif char == "[":
            stack.append([])
            at += 1
        elif char == "]":
            if len(stack) == 1:
                raise _bad(pattern, "`]` without `[`")
            inner = tuple(stack.pop())
            stack[-1].append(inner)
            at += 1
        elif char.isalpha():
            if char not in _LETTERS:
                raise _bad(pattern, f"pattern letter {char!r} is not supported")
            end = at
            while end < len(pattern) and pattern[end] == char:
                end += 1
            stack[-1].append((char, end - at))
            at = end
        else:
            stack[-1].append(("'", char))
            at += 1
    if len(stack) != 1:
        raise _bad(pattern, "`[` without `]`")
    return tuple(stack[0])


# -- printing ----------------------------------------------------------------------------------


def _offset(offset: timedelta | None, letter: str, count: int) -> str:
    if offset is None:
        raise DataWeaveRuntimeError("the value has no time zone to format")
    seconds = int(offset.total_seconds())
    if seconds == 0 and letter in "XZ" and (letter == "X" or count == 5):
        return "Z"
    sign = "-" if seconds < 0 else "+"
    hours, minutes = divmod(abs(seconds) // 60, 60)
    if letter == "O":
        if seconds == 0:
            return "GMT"
        return f"GMT{sign}{hours}" + (f":{minutes:02d}" if minutes else "")
    if letter == "Z" and count == 4:
        return "GMT" if seconds == 0 else f"GMT{sign}{hours:02d}:{minutes:02d}"
    colon = (
        ":" if (letter in "Xx" and count >= 3) or (letter == "Z" and count == 5) else ""
    )
    if letter in "Xx" and count == 1 and not minutes:
        return f"{sign}{hours:02d}"
    return f"{sign}{hours:02d}{colon}{minutes:02d}"


def _field(value: Any, letter: str, count: int) -> str:
    moment, nano, zone = value
    day = moment.date() if isinstance(moment, datetime) else moment
    clock = moment.time() if isinstance(moment, datetime) else moment
    needs_date = letter in "GuyDMLdQqEwY"
    if needs_date and not isinstance(day, date):
        raise DataWeaveRuntimeError(f"a time has no {letter!r} field to format")
    if not needs_date and letter not in "VzOXxZ" and not isinstance(clock, time):
        raise DataWeaveRuntimeError(f"a date has no {letter!r} field to format")
    if letter == "G":
        return "AD" if count <= 3 else "Anno Domini"
    if letter in "uy":
        year = day.year
        return f"{year % 100:02d}" if count == 2 else str(year).zfill(count)
    if letter == "D":
        return str(day.timetuple().tm_yday).zfill(count)
    if letter in "wY":
        year, week = _us_week(day)
        if letter == "w":
            return str(week).zfill(count)
        return f"{year % 100:02d}" if count == 2 else str(year).zfill(count)
    if letter in "ML":
        if count >= 3:
            name = MONTHS[day.month - 1]
            return name[:3] if count == 3 else (name if count == 4 else name[0])
        return str(day.month).zfill(count)
    if letter == "d":
        return str(day.day).zfill(count)
    if letter in "Qq":
        quarter = (day.month - 1) // 3 + 1
        return str(quarter).zfill(count) if count <= 2 else f"Q{quarter}"
    if letter == "E":
        name = DAYS[day.weekday()]
        return name[:3] if count <= 3 else (name if count == 4 else name[0])
    if letter == "a":
        return "AM" if clock.hour < 12 else "PM"
    if letter in "hKkH":
        hour = clock.hour
        shown = {
            "h": (hour % 12) or 12,
            "K": hour % 12,
            "k": hour or 24,
            "H": hour,
        }[letter]
        return str(shown).zfill(count)
    if letter == "m":
        return str(clock.minute).zfill(count)
    if letter == "s":
        return str(clock.second).zfill(count)
    if letter == "S":
        return f"{nano:09d}"[:count].ljust(count, "0")
    if letter == "n":
        return str(nano).zfill(count)
    if letter in "AN":
        seconds = clock.hour * 3600 + clock.minute * 60 + clock.second
        whole = (
            seconds * 1000 + nano // 1_000_000
            if letter == "A"
            else seconds * 10**9 + nano
        )
        return str(whole).zfill(count)
    if letter in "Vz":
        key = getattr(zone, "key", None)
        if key and letter == "V":
            return str(key)
        if key:
            named = zone.tzname(moment if isinstance(moment, datetime) else None)
            return str(named) if count <= 3 else str(key)
    offset = (
        zone.utcoffset(moment if isinstance(moment, datetime) else None)
        if zone
        else None
    )
    if letter in "Vz":
        return "Z" if offset == timedelta(0) else _offset(offset, "X", 3)
    return _offset(offset, letter, count)


def _us_week(day: date) -> tuple[int, int]:
    """The week-based year and week of day as Java's US rules count them (weeks start on
    Sunday; week 1 holds January 1)."""
    sunday = day - timedelta(days=(day.weekday() + 1) % 7)
    saturday = sunday + timedelta(days=6)
    if saturday.year > day.year:
        return saturday.year, 1
    first = date(day.year, 1, 1)
    start = first - timedelta(days=(first.weekday() + 1) % 7)
    return day.year, (sunday - start).days // 7 + 1


def format_parts(pattern: str, moment: Any, nano: int, zone: Any) -> str:
    """Print a moment (date, time or datetime), its nanoseconds and zone with pattern."""
    return _print(compile_pattern(pattern), (moment, nano, zone), optional=False)


def _is_section(token: tuple[Any, ...]) -> bool:
    return not token or isinstance(token[0], tuple)


def _print(tokens: tuple[Any, ...], value: Any, optional: bool) -> str:
    out: list[str] = []
    for token in tokens:
        if _is_section(token):
            out.append(_section(token, value))
        elif token[0] == "'":
            out.append(token[1])
        else:
            out.append(_field(value, token[0], token[1]))
    return "".join(out)


def _section(tokens: tuple[Any, ...], value: Any) -> str:
    try:
        return _print(tokens, value, optional=True)
    except DataWeaveRuntimeError:
        return ""


# -- parsing -------------------------------------------------------------------------------------

_NAMES = {
    "M": "|".join(MONTHS),
    "M3": "|".join(m[:3] for m in MONTHS),
    "E": "|".join(d[:3] for d in DAYS),
    "E4": "|".join(DAYS),
}
_OFFSET = r"Z|[+-][0-9]{2}(?::?[0-9]{2})?"


def _regex(tokens: tuple[Any, ...], names: list[str]) -> str:
    out: list[str] = []
    for token in tokens:
        if _is_section(token):
            out.append(f"(?:{_regex(token, names)})?")
            continue
        letter, count = token
        if letter == "'":
            out.append(re.escape(count))
            continue
        group = f"g{len(names)}"
        names.append(letter + (str(count) if letter in "MLE" and count >= 3 else ""))
        if letter in "ML" and count >= 3:
            body = _NAMES["M3"] if count == 3 else _NAMES["M"]
        elif letter == "E":
            body = _NAMES["E"] if count <= 3 else _NAMES["E4"]
        elif letter == "a":
            body = "AM|PM"
        elif letter == "G":
            body = "AD|Anno Domini"
        elif letter in "uy":
            body = "[0-9]{2}" if count == 2 else f"[+-]?[0-9]{{{max(count, 1)},9}}?"
        elif letter in "XxZO":
            body = _OFFSET if letter != "O" else r"GMT(?:[+-][0-9]{1,2}(?::[0-9]{2})?)?"
        elif letter in "Vz":
            body = r"[A-Za-z][A-Za-z0-9_/+\-]*|" + _OFFSET
        elif letter == "S" or count >= 2:
            body = f"[0-9]{{{count}}}"
        else:
            body = "[0-9]{1,2}" if letter in "dMLhKkHms" else "[0-9]+"
        out.append(f"(?P<{group}>{body})")
    return "".join(out)


@lru_cache(maxsize=256)
def _matcher(pattern: str) -> tuple[re.Pattern[str], tuple[str, ...]]:
    names: list[str] = []
    body = _regex(compile_pattern(pattern), names)
    return re.compile(body, re.IGNORECASE), tuple(names)


def _zone_of(text: str) -> Any:
    if text.upper() == "Z":
        return UTC
    if text.upper().startswith("GMT"):
        text = text[3:] or "+00"
        sign, rest = text[0], text[1:]
        hours, _, minutes = rest.partition(":")
        text = f"{sign}{int(hours):02d}{minutes or '00'}"
    if text[0] in "+-":
        digits = text[1:].replace(":", "")
        delta = timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0))
        return timezone(-delta if text[0] == "-" else delta)
    from .zones import zone_named

    return zone_named(text)


def parse_fields(pattern: str, text: str) -> dict[str, Any]:
    """The fields text gives under pattern: year, month, day, hour, minute, second, nano,
    zone (each present only when the text has it); fails where DataWeave cannot parse.
    """
    regex, names = _matcher(pattern)
    match = regex.fullmatch(text)
    if match is None:
        raise DataWeaveRuntimeError(f"cannot parse {text!r} with format {pattern!r}")
    fields: dict[str, Any] = {}
    pm: bool | None = None
    for at, name in enumerate(names):
        found = match.group(f"g{at}")
        if found is None:
            continue
        letter = name[0]
        if letter in "uy":
            two = len(found) == 2 and _two(pattern, letter)
            fields["year"] = 2000 + int(found) if two else int(found)
            fields["year_of_era"] = letter == "y"
        elif letter in "ML":
            fields["month"] = (
                [m.lower()[: len(found)] for m in MONTHS].index(found.lower()) + 1
                if name[1:]
                else int(found)
            )
        elif letter == "d":
            fields["day"] = int(found)
        elif letter == "D":
            fields["yday"] = int(found)
        elif letter in "Hk":
            fields["hour"] = int(found) % 24 if letter == "k" else int(found)
        elif letter in "hK":
            fields["hour12"] = int(found) % 12
        elif letter == "a":
            pm = found.upper() == "PM"
        elif letter == "m":
            fields["minute"] = int(found)
        elif letter == "s":
            fields["second"] = int(found)
        elif letter == "S":
            fields["nano"] = int(found.ljust(9, "0")[:9])
        elif letter == "n":
            fields["nano"] = int(found)
        elif letter in "VzOXxZ":
            fields["zone"] = _zone_of(found)
    if "hour12" in fields:
        fields["hour"] = fields.pop("hour12") + (12 if pm else 0)
    return fields


def _two(pattern: str, letter: str) -> bool:
    """Whether the pattern's year field is the two-digit `yy` (base 2000)."""
    return any(
        t == (letter, 2) for t in compile_pattern(pattern) if isinstance(t, tuple)
    )


def _smart_day(year: int, month: int, day: int) -> date:
    """Java's SMART resolution: a day 29-31 past the month's end is its last day."""
    if 28 < day <= 31 and 1 <= month <= 12:
        following = date(year + month // 12, month % 12 + 1, 1)
        day = min(day, (following - timedelta(days=1)).day)
    return date(year, month, day)


def _lenient_day(year: int, month: int, day: int) -> date:
    """Java's LENIENT resolution: months and days past their range roll over."""
    first = date(year + (month - 1) // 12, (month - 1) % 12 + 1, 1)
    return first + timedelta(days=day - 1)


_DAYS = {"SMART": _smart_day, "LENIENT": _lenient_day, "STRICT": date}


def build(
    fields: dict[str, Any], target: str, text: str, mode: str = "SMART"
) -> tuple[Any, int, Any]:
    """(moment, nano, zone) for target from parsed fields; fails on missing or invalid ones.
    mode is Java's resolver style: SMART (a day past the month's end is its last day),
    LENIENT (rolls over) or STRICT (fails; the year must be `u`, as `y` needs an era).
    """
    if mode not in _DAYS:
        raise DataWeaveRuntimeError(f"mode {mode!r}: write SMART, LENIENT or STRICT")
    if mode == "STRICT" and fields.get("year_of_era"):
        raise DataWeaveRuntimeError(
            f"cannot coerce {text!r} to {target}: STRICT mode needs the year as `uuuu` "
            "(`yyyy` is a year of an era)"
        )
    try:
        day: date | None = None
        if "year" in fields and "month" in fields and "day" in fields:
            day = _DAYS[mode](fields["year"], fields["month"], fields["day"])
        elif "year" in fields and "yday" in fields:
            day = date(fields["year"], 1, 1) + timedelta(days=fields["yday"] - 1)
        clock = None
        if "hour" in fields:
            hour = fields["hour"] % 24 if mode == "LENIENT" else fields["hour"]
            clock = time(hour, fields.get("minute", 0), fields.get("second", 0))
    except ValueError as exc:
        raise DataWeaveRuntimeError(
            f"cannot coerce {text!r} to {target}: {exc}"
        ) from None
    zone = fields.get("zone")
    nano = fields.get("nano", 0)
    needs_day = target in ("Date", "DateTime", "LocalDateTime")
    needs_clock = target != "Date"
    needs_zone = target in ("DateTime", "Time")
    missing = (needs_day and day is None) or (needs_clock and clock is None)
    if missing or (needs_zone and zone is None):
        raise DataWeaveRuntimeError(
            f"cannot coerce {text!r} to {target}: the format does not give every field"
        )
    if target == "Date":
        return day, 0, None
    if target in ("LocalTime", "Time"):
        return clock, nano, zone
    assert day is not None and clock is not None
    return datetime.combine(day, clock), nano, zone
