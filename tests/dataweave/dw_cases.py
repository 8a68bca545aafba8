"""The per-function table: DataWeave cases, each run by journeygen and by MuleSoft's engine.

A case names the function it checks, the expression (the body after `---`), the module its
header imports (none for dw::Core) and an optional payload. `differs` marks a deliberate
difference: journeygen's answer is then `ours`, and the test checks that the engine's differs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Case:
    """One expression checked against the oracle."""

    function: str
    expr: str
    module: str = ""
    payload: Any = None
    differs: str = ""
    ours: Any = field(default=None, compare=False)

    @property
    def header(self) -> str:
        """The script header importing the case's module."""
        return f"import * from {self.module}" if self.module else ""

    @property
    def source(self) -> str:
        """The expression as journeygen compiles it (header, `---`, body)."""
        return f"{self.header}\n---\n{self.expr}" if self.module else self.expr


def _cases(
    function: str, *exprs: str, module: str = "", payload: Any = None
) -> list[Case]:
    return [Case(function, e, module, payload) for e in exprs]


PAYLOAD = {
    "items": [{"id": 1, "price": 2.5, "tag": "a"}, {"id": 2, "price": 0.1, "tag": "b"}],
    "n": 7,
    "text": "Hello World",
    "none": None,
}

CORE: list[Case] = [
    *_cases(
        "++",
        "[1] ++ [2, 3]",
        '"a" ++ 1',
        "{a: 1} ++ {b: 2}",
        "({a: 1} ++ {a: 2}).a",
        "sizeOf({a: 1} ++ {a: 2})",
        "|2020-10-05| ++ |10:00:00|",
        "|2020-10-05T10:00:00| ++ |-05:00|",
        '|2020-10-05T10:00:00Z| ++ "x"',
        'null ++ "x"',
        "1 ++ 2",
        "write({a: 1} ++ {a: 2}, 'application/json')",
    ),
    Case("--", "[1, 2, 3, 1] -- [1]"),
    Case("--", "{a: 1, b: 2} -- {a: 1}"),
    Case("--", "{a: 1, b: 2} -- {a: 3}"),
    Case("--", '{a: 1, b: 2} -- ["a"]'),
    Case("--", "null -- [1]"),
    *_cases("abs", "abs(-2)", "abs(-0.5)", "abs(3)", "abs(null)"),
    *_cases("avg", "avg([1, 2])", "avg([1, 1000])", "avg([1.5, 2])", "avg([])"),
    *_cases("ceil", "ceil(1.2)", "ceil(-1.5)", "ceil(3)"),
    *_cases(
        "contains",
        '"abc" contains "b"',
        "[1, 2] contains 2",
        '"abc" contains ("b+" as Regex)',
        'null contains "x"',
        "[{a: 1}] contains {a: 1}",
        '"abc" contains "z"',
    ),
    *_cases(
        "daysBetween",
        "daysBetween(|2020-10-01|, |2020-10-05|)",
        "daysBetween('2020-10-01', '2020-10-05')",
        "daysBetween(|2020-10-01T23:00:00Z|, |2020-10-05T01:00:00Z|)",
    ),
    *_cases(
        "distinctBy",
        "[1, 1, 2] distinctBy $",
        "{a: 1, b: 1, c: 2} distinctBy $",
        "payload.items distinctBy $.tag",
        "null distinctBy $",
        payload=PAYLOAD,
    ),
    *_cases(
        "endsWith", '"abc" endsWith "bc"', '"abc" endsWith "x"', 'null endsWith "x"'
    ),
    *_cases(
        "entriesOf", "entriesOf({a: 1, b: [2]})", "entriesOf(null)", "entriesOf({})"
    ),
    *_cases(
        "filter",
        "[1, 2, 3] filter ($ > 1)",
        "[1, 2, 3] filter ((x, i) -> i == 0)",
        '"hello" filter ($ != "l")',
        "null filter ($ > 1)",
        'false filter ($ == "f")',
        "false filter ($ == payload.none)",
        '123 filter ($ != "2")',
        "payload.items filter ($.price > 1)",
        payload=PAYLOAD,
    ),
    *_cases(
        "filterObject",
        "{a: 1, b: 2} filterObject ($ > 1)",
        '{a: 1, b: 2} filterObject ((v, k) -> k == "a")',
        '{a: 1, b: 2} filterObject ((v, k) -> k ~= "a")',
        "{a: 1, b: 2} filterObject ((v, k, i) -> i == 1)",
        "null filterObject ((v) -> true)",
    ),
    *_cases(
        "find",
        '"abcabc" find "bc"',
        '"aaa" find "aa"',
        "[1, 2, 1] find 1",
        '"a1b22" find ("[0-9]+" as Regex)',
        "null find 1",
    ),
    *_cases(
        "flatMap",
        "[1, 2] flatMap [$, $ * 10]",
        "[[1], [2]] flatMap $",
        "null flatMap [$]",
    ),
    *_cases(
        "flatten",
        "flatten([[1, 2], [3, [4]], 5, null])",
        "flatten([])",
        "flatten(null)",
    ),
    *_cases("floor", "floor(1.8)", "floor(-1.2)", "floor(2)"),
    *_cases(
        "groupBy",
        '"hello" groupBy $',
        "{a: 1, b: 2, c: 1} groupBy $",
        "payload.items groupBy $.tag",
        '[1, 2, 3] groupBy (if (isEven($)) "e" else "o")',
        "null groupBy $",
        payload=PAYLOAD,
    ),
    *_cases(
        "indexOf",
        "indexOf([1, 2, 3], 2)",
        'indexOf("abc", "c")',
        "indexOf([1], 5)",
        "indexOf(null, 1)",
    ),
    *_cases(
        "isBlank", "isBlank(null)", 'isBlank("  ")', 'isBlank(" a ")', 'isBlank("")'
    ),
    *_cases(
        "isDecimal",
        "isDecimal(1.5)",
        "isDecimal(2.5 * 2)",
        "isDecimal(1.0)",
        "isDecimal(3)",
    ),
    *_cases(
        "isEmpty",
        "isEmpty([])",
        "isEmpty({})",
        'isEmpty("")',
        "isEmpty(null)",
        "isEmpty([1])",
        'isEmpty("a")',
    ),
    *_cases("isEven", "isEven(2)", "isEven(3)", "isEven(2.0)", "isEven(-4)"),
    *_cases(
        "isInteger",
        "isInteger(1.0)",
        "isInteger(1.5)",
        "isInteger(2.5 * 2)",
        "isInteger(-3)",
    ),
    *_cases(
        "isLeapYear",
        "isLeapYear(|2020-01-01|)",
        "isLeapYear(|2021-06-01|)",
        "isLeapYear(|1900-01-01T00:00:00Z|)",
        "isLeapYear(|2000-03-01T10:00:00|)",
    ),
    *_cases("isOdd", "isOdd(3)", "isOdd(2)", "isOdd(1.5)", "isOdd(-3)"),
    *_cases(
        "joinBy",
        '["a", "b"] joinBy "-"',
        '[1, true, "x"] joinBy ","',
        '[] joinBy ","',
        'null joinBy ","',
    ),
    *_cases(
        "keysOf",
        "keysOf({a: 1, b: 2})",
        "keysOf({a: 1, a: 2})",
        "keysOf({})",
        "keysOf(null)",
        'keysOf({a: 1}) contains "a"',
        'keysOf({a: 1})[0] ++ "x"',
    ),
    *_cases(
        "lastIndexOf",
        "lastIndexOf([1, 2, 1], 1)",
        'lastIndexOf("abcb", "b")',
        "lastIndexOf([], 1)",
        "lastIndexOf(null, 1)",
    ),
    *_cases("log", 'log("x", 1)', "log([1, 2])"),
    *_cases("logDebug", 'logDebug("p", {a: 1})', "logDebug(2)"),
    *_cases("logError", 'logError("p", 1)', "logError(2)"),
    *_cases("logInfo", 'logInfo("p", 1)', "logInfo(2)"),
    *_cases("logWarn", 'logWarn("p", 1)', "logWarn(2)"),
    *_cases("logWith", 'logWith("Info", "p", [1])'),
    *_cases("lower", 'lower("AbC")', "lower(null)", "lower(1)"),
    *_cases(
        "map",
        "[1, 2] map $ * 2",
        "[1, 2] map ((x, i) -> i)",
        "null map $",
        "payload.items map $.id",
        "[] map $",
        payload=PAYLOAD,
    ),
    *_cases(
        "mapObject",
        '{a: 1, b: 2} mapObject ((v, k, i) -> {(k ++ "x"): v + i})',
        "{a: 1} mapObject ((v, k) -> {(k): v * 10})",
        "null mapObject ((v) -> {})",
        "{a: 1} mapObject {(typeOf($$)): $}",
        "{a: 1, b: 2} mapObject {k: $}",
    ),
    Case("match", '"me@x.com" match /(.*)@(.*)/'),
    Case("match", '"nomatch" match /(.*)@(.*)/'),
    Case("match", '"xx me@x.com" match /(\\w+)@(\\w+)/'),
    Case("match", "null match /a/"),
    *_cases(
        "matches",
        '"abc" matches ("a.c" as Regex)',
        '"abcd" matches ("a.c" as Regex)',
        'null matches ("a" as Regex)',
    ),
    *_cases(
        "max",
        "max([1, 3, 2])",
        'max(["a", "b"])',
        "max([])",
        "max([|2020-01-01|, |2021-01-01|])",
        'max([1, "a"])',
    ),
    *_cases(
        "maxBy",
        "maxBy([{a: 2}, {a: 5}], (x) -> x.a)",
        "maxBy([], (x) -> x)",
        "[1, 3, 2] maxBy $",
    ),
    *_cases("min", "min([3, 1, 2])", "min([])", 'min(["b", "a"])'),
    *_cases("minBy", "minBy([{a: 2}, {a: 1}], (x) -> x.a)", "[3, 1] minBy -$"),
    *_cases("mod", "7 mod 3", "-7 mod 3", "7.5 mod 2", "mod(-7.5, 2)", "1 mod 0"),
    *_cases(
        "namesOf", "namesOf({a: 1, b: 2})", "namesOf(null)", 'namesOf({a: 1})[0] == "a"'
    ),
    *_cases(
        "now", "typeOf(now())", "now() > |2020-01-01T00:00:00Z|", "now().year > 2000"
    ),
    *_cases("onNull", 'null onNull "x"', '1 onNull "x"', "onNull(null, () -> 5)"),
    *_cases(
        "orderBy",
        "[3, 1, 2] orderBy $",
        "[{a: 2}, {a: 1}] orderBy $.a",
        "{b: 2, a: 1} orderBy $$",
        "{b: 2, a: 1} orderBy $",
        '["b", "A", "a"] orderBy $',
        "null orderBy $",
        "[3, 1, 2] orderBy -$",
        '[1, "a"] orderBy $',
    ),
    *_cases(
        "pluck",
        "{a: 1, b: 2} pluck ((v, k, i) -> [k, v, i])",
        "{a: 1} pluck typeOf($$)",
        "{a: 1} pluck $",
        "null pluck $",
        "{} pluck $",
    ),
    *_cases(
        "pow",
        "pow(2, 10)",
        "pow(2.5, 2)",
        "pow(2, 100)",
        "pow(1.1, 2)",
        "pow(2, 0.5)",
        "pow(2, -1)",
    ),
    *_cases("random", "random() < 1", "random() >= 0", "typeOf(random())"),
    *_cases(
        "randomInt",
        "randomInt(10) < 10",
        "randomInt(10) >= 0",
        "isInteger(randomInt(5))",
    ),
    *_cases(
        "read",
        "read('{\"a\": 1.50}', 'application/json')",
        'read("x", "text/plain")',
        "read('[1, 2', 'application/json')",
        'read(\'{"a": 1, "a": 2}\').a',
    ),
    *_cases(
        "reduce",
        "[1, 2, 3] reduce ($ + $$)",
        "[] reduce ($ + $$)",
        '"abc" reduce ($$ ++ $)',
        "null reduce ($ + $$)",
        "[5] reduce ($ + $$)",
        "payload.items reduce ((item, acc) -> acc ++ item)",
        payload=PAYLOAD,
    ),
    *_cases(
        "replace",
        '"abc" replace "b" with "X"',
        '"a1b2" replace ("[0-9]" as Regex) with "#"',
        '"a1b2" replace ("([a-z])([0-9])" as Regex) with ($[2] ++ $[1])',
        'null replace "a" with "b"',
    ),
    *_cases("round", "round(2.5)", "round(-2.5)", "round(1.23456)", "round(3.5)"),
    *_cases(
        "scan",
        '"a1b22" scan ("[0-9]+" as Regex)',
        '"a1b22" scan ("([a-z])([0-9]+)" as Regex)',
        '"abc" scan ("x" as Regex)',
        'null scan ("a" as Regex)',
    ),
    *_cases(
        "sizeOf",
        "sizeOf([1, 2])",
        'sizeOf("abc")',
        "sizeOf({a: 1, b: 2})",
        "sizeOf(null)",
        "sizeOf(12345)",
        "sizeOf(1.5)",
        "sizeOf([])",
        "sizeOf(false)",
        "sizeOf(true)",
        "sizeOf(1.50)",
    ),
    *_cases(
        "splitBy",
        '"a,b" splitBy ","',
        '"abc" splitBy ""',
        '"a,b,," splitBy ","',
        '",a" splitBy ","',
        '"a1b2" splitBy ("[0-9]" as Regex)',
        '"" splitBy ","',
        '"abc" splitBy "abc"',
        'null splitBy ","',
    ),
    *_cases("sqrt", "sqrt(4)", "sqrt(2)", "sqrt(0)", "sqrt(-1)"),
    *_cases(
        "startsWith",
        '"abc" startsWith "ab"',
        '"abc" startsWith "b"',
        'null startsWith "a"',
    ),
    *_cases("sum", "sum([1, 2, 3])", "sum([])", "sum([0.1, 0.2])", "sum([1, 2.5])"),
    Case("then", "5 then $ + 1"),
    Case("then", "null then $ + 1"),
    Case("then", "[1, 2] then sizeOf($)"),
    *_cases("to", "to(1, 3)", "to(3, 1)", "to(0, 2)", "typeOf(to(1, 3))"),
    *_cases("trim", 'trim(" a ")', "trim(null)", 'trim("\\t x \\n")', 'trim("")'),
    *_cases(
        "typeOf",
        "typeOf(null)",
        "typeOf([])",
        "typeOf({})",
        'typeOf("a")',
        "typeOf(1)",
        "typeOf(true)",
        "typeOf(|2020-10-05|)",
        "typeOf(|10:00:00Z|)",
        "typeOf(|10:00:00|)",
        "typeOf(|2020-10-05T10:00:00|)",
        "typeOf(|PT1H|)",
        "typeOf(|-05:00|)",
        'typeOf("a" as Regex)',
        "typeOf(typeOf(1))",
        "typeOf(keysOf({a: 1})[0])",
    ),
    *_cases(
        "unzip",
        'unzip([[1, "a"], [2, "b"], [3]])',
        "unzip([])",
        "unzip([[1, 2], [3, 4]])",
    ),
    *_cases("upper", 'upper("abc")', "upper(null)", "upper(1)"),
    *_cases(
        "uuid",
        "sizeOf(uuid())",
        'uuid() matches ("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}" as Regex)',
        "typeOf(uuid())",
        "uuid() != uuid()",
    ),
    *_cases(
        "valuesOf",
        "valuesOf({a: 1, b: [2]})",
        "valuesOf(null)",
        "valuesOf({a: 1, a: 2})",
    ),
    *_cases(
        "with", '("abc" replace "b") with "X"', '"aa" replace "a" with ($[0] ++ "!")'
    ),
    *_cases(
        "write",
        "write({a: 1, b: [1, 2], c: {}}, 'application/json')",
        "write({a: 1}, 'application/json', {indent: false})",
        'write("x", "text/plain")',
        "write([], 'application/json')",
        "write(0.1 + 0.2, 'application/json')",
    ),
    *_cases("zip", 'zip([1, 2, 3], ["a", "b"])', "zip([], [1])", "[1, 2] zip [3, 4]"),
]

_EXTENSION = "a JourneyForge function, not DataWeave (the engine does not know it)"
JOURNEYFORGE: list[Case] = [
    Case("any", "[1, 2] any ($ > 1)", differs=_EXTENSION, ours=True),
    Case("any", "null any ($ > 1)", differs=_EXTENSION, ours=False),
    Case("all", "[1, 2] all ($ > 1)", differs=_EXTENSION, ours=False),
    Case("all", "null all ($ > 1)", differs=_EXTENSION, ours=True),
    Case(
        "filterObject",
        "null filterObject true",
        differs="a callback must be a lambda, a `$` expression or a function name, even "
        "where DataWeave never calls it",
        ours="<fails>",
    ),
    Case(
        "isEmpty",
        "if (isEmpty(payload.none) and payload.none) 1 else 2",
        payload={"none": None},
        differs="null in a boolean position counts as false (DataWeave: a type error)",
        ours=2,
    ),
    Case(
        "durationBetween",
        "durationBetween('2025-01-02T08:00:00Z', '2025-01-02T09:05:30Z')",
        differs=_EXTENSION,
        ours="PT1H5M30S",
    ),
]

_P = "dw::core::Periods"
_D = "dw::core::Dates"
PERIODS: list[Case] = [
    *_cases(
        "duration",
        "duration({days: 4, hours: 11})",
        "duration({days: 4, hours: 11}).hours",
        "duration({days: 4, hours: 11}).days",
        "duration({seconds: 90})",
        "duration({minutes: 1.5})",
        "duration({})",
        "duration({days: -1, hours: 1})",
        "duration({days: 4, hours: 11}).seconds",
        module=_P,
    ),
    *_cases(
        "days",
        "days(2)",
        "days(1.5)",
        "days(2).days",
        "days(2).hours",
        "|2020-10-05| + days(2)",
        module=_P,
    ),
    *_cases(
        "hours",
        "hours(1.5)",
        "hours(25)",
        "hours(1) + minutes(2)",
        "hours(1) - minutes(2)",
        module=_P,
    ),
    *_cases(
        "minutes",
        "minutes(4)",
        "minutes(-1)",
        "minutes(-1) + minutes(2)",
        "typeOf(minutes(-1) + minutes(2))",
        "minutes(1.5)",
        "-minutes(1)",
        "|2020-10-05T10:00:00Z| + minutes(30)",
        module=_P,
    ),
    *_cases(
        "seconds",
        "seconds(0.5)",
        "seconds(-0.5)",
        "seconds(61.25)",
        "seconds(90)",
        module=_P,
    ),
    *_cases(
        "years",
        "years(2)",
        "years(1).years",
        "|2020-10-05| + years(1)",
        "years(1) + months(2)",
        module=_P,
    ),
    *_cases(
        "months",
        "months(14)",
        "months(2).months",
        "|2020-01-31| + months(1)",
        module=_P,
    ),
    *_cases(
        "period",
        "period({years: 1, months: 2, days: 3})",
        "period({})",
        "period({days: 10}).days",
        module=_P,
    ),
    *_cases(
        "between",
        "between(|2020-10-05|, |2021-12-01|)",
        "between(|2021-12-01|, |2020-10-05|)",
        "between(|2020-10-05T10:00:00Z|, |2020-10-01T08:30:00Z|)",
        "between(|2020-03-31|, |2020-02-29|)",
        module=_P,
    ),
]
DATES: list[Case] = [
    *_cases(
        "atBeginningOfDay",
        "atBeginningOfDay(|2020-10-06T18:23:20.351-03:00|)",
        "atBeginningOfDay(|2020-10-06T18:23:20|)",
        module=_D,
    ),
    *_cases(
        "atBeginningOfHour",
        "atBeginningOfHour(|2020-10-06T18:23:20.351-03:00|)",
        "atBeginningOfHour(|18:23:20|)",
        module=_D,
    ),
    *_cases(
        "atBeginningOfMonth",
        "atBeginningOfMonth(|2020-10-06T18:23:20.351-03:00|)",
        "atBeginningOfMonth(|2020-10-06|)",
        module=_D,
    ),
    *_cases(
        "atBeginningOfWeek",
        "atBeginningOfWeek(|2020-10-06T18:23:20.351-03:00|)",
        "atBeginningOfWeek(|2020-10-04|)",
        "atBeginningOfWeek(|2020-10-10T01:00:00|)",
        module=_D,
    ),
    *_cases(
        "atBeginningOfYear",
        "atBeginningOfYear(|2020-10-06T18:23:20.351-03:00|)",
        "atBeginningOfYear(|2020-10-06|)",
        module=_D,
    ),
    *_cases(
        "date",
        "date({year: 2010, month: 10, day: 1})",
        "date({year: 2010, month: 13, day: 1})",
        module=_D,
    ),
    *_cases(
        "dateTime",
        "dateTime({year: 2020, month: 10, day: 1, hour: 23, minutes: 57, seconds: 59, timeZone: |-03:00|})",
        "dateTime({year: 2020, month: 10, day: 1, hour: 1, minutes: 2, seconds: 3.5, timeZone: |Z|})",
        module=_D,
    ),
    *_cases(
        "localDateTime",
        "localDateTime({year: 2020, month: 10, day: 1, hour: 23, minutes: 57, seconds: 59})",
        module=_D,
    ),
    *_cases(
        "localTime",
        "localTime({hour: 23, minutes: 57, seconds: 59})",
        "localTime({hour: 1, minutes: 2, seconds: 0.25})",
        module=_D,
    ),
    *_cases(
        "time",
        "time({hour: 23, minutes: 57, seconds: 59, timeZone: |-03:00|})",
        module=_D,
    ),
    *_cases("today", "typeOf(today())", "today() < tomorrow()", module=_D),
    *_cases(
        "tomorrow", "typeOf(tomorrow())", "daysBetween(today(), tomorrow())", module=_D
    ),
    *_cases(
        "yesterday",
        "typeOf(yesterday())",
        "daysBetween(yesterday(), today())",
        module=_D,
    ),
]
# The value model under the operators: numbers, objects with repeated keys, dates and periods.
VALUES: list[Case] = [
    *_cases(
        "+",
        "0.1 + 0.2",
        "1.5 + 1.5",
        '"12" + 1',
        "100000000000000000000 * 10",
        "(0.1 + 0.2) == 0.3",
        "|2020-10-05T10:00:00Z| + |PT1H|",
        "|2020-10-05T10:00:00+02:00| + |P1D|",
        "|2020-10-05| + |P1D|",
        "|2020-10-05| + |PT25H|",
        "|10:00:00| + |PT15H|",
        "|PT1H| + |PT30M|",
        "|2020-10-05T10:00:00.123456789Z| + |PT0.000000001S|",
        "null + 1",
        '"abc" + 1',
        "|2020-01-31| + |P1M|",
        "|P1Y2M| + |P1D|",
    ),
    *_cases(
        "-",
        "|2020-10-05T10:00:00Z| - |2020-10-01T08:30:00Z|",
        "(|2020-10-05T10:00:00Z| - |2020-10-01T08:30:00Z|).hours",
        "|2020-10-05| - |2020-10-01|",
        "|2020-10-05T10:00:00| - |2020-10-01T08:00:00|",
        "|10:00:00| - |08:30:00|",
        "|10:00:00| - |PT11H|",
        "|2020-03-31T10:00:00| - |P1M|",
        "|PT1H| - |PT30M|",
        '{a: 1, b: 2} - "a"',
        "[1, 2, 1] - 1",
        "0.3 - 0.1",
    ),
    *_cases("*", "2 * 1.5", "0.1 * 3", "|PT1M| * 2", '"1.5" * 2'),
    *_cases("/", "10 / 4", "10 / 2", "10 / 3", "1 / 3 * 3", "2 / 3", "1 / 0"),
    *_cases(
        "==",
        "{a: 1, b: 2} == {b: 2, a: 1}",
        "{a: 1, a: 2} == {a: 1}",
        "1 == 1.00",
        "|2020-10-05T10:00:00Z| == |2020-10-05T12:00:00+02:00|",
        '|2020-10-05| == "2020-10-05"',
        "|PT1H| == |PT60M|",
        "|P1D| == |PT24H|",
        "null == false",
        "[1, 2] == [1, 2]",
    ),
    *_cases(
        "<",
        '"a" < "B"',
        "true > false",
        "|2020-10-05T10:00:00Z| < |2020-10-05T12:00:01+02:00|",
        "|PT1H| > |PT30M|",
        "null < 1",
        "|2020-10-05| < |2020-10-06|",
    ),
    *_cases(
        "as",
        "(1.5 + 1.5) as String",
        "3.0 as String",
        "3.10 as String",
        "0.1 as String",
        '"2020-10-05T10:20:30Z" as DateTime',
        '"2020-10-05" as Date',
        '"2020-10-05T10:20:30Z" as Date',
        '"2020-10-05T10:20:30" as DateTime',
        '"PT1H" as Period',
        "|2020-10-05T10:20:30Z| as Number",
        "1601893230 as DateTime",
        "|PT1H| as Number",
        "|2020-10-05T10:00:00+02:00| as String",
        '"abc" as Number',
        '"x" as DateTime',
    ),
    *_cases(
        "|temporal|",
        "|2020-10-05T10:00Z|",
        "|10:00|",
        "|10:00:00.5|",
        "|2020-10-05T10:00:00.500Z|",
        "|PT0.5S|",
        "|PT-1M|",
        "|P1Y2M|",
        "|P14M|",
        "|P10D|",
        "|PT90M|",
        "|PT3600S|",
        "|PT0S|",
        "|P0D|",
        "|P1DT2H|",
        "|PT36H|",
        "|2020-10-05T10:00:00.123456789Z|",
        "|Z|",
        "|-05:00|",
    ),
    *_cases(
        ".selector",
        "|PT36H|.hours",
        "|PT36H|.days",
        "|PT36H|.seconds",
        "|PT1M30.5S|.seconds",
        "|PT1H30M|.minutes",
        "|P1Y2M|.months",
        "|P1Y2M|.years",
        "|P1Y2M|.days",
        "|P1Y|.hours",
        "|PT36H|.milliseconds",
        "|2020-10-05T10:20:30.123Z|.milliseconds",
        "|2020-10-05T10:20:30.123Z|.nanoseconds",
        "|2020-10-05T10:20:30Z|.timezone",
        "|2020-10-05T10:20:30+01:00|.timezone",
        "|2020-10-05T10:20:30+01:00|.offsetSeconds",
        "|2020-10-05|.dayOfWeek",
        "|2020-10-05|.dayOfYear",
        "|2020-10-05|.quarter",
        "|2020-10-05T10:20:30Z|.minutes",
        "|2020-10-05T10:20:30Z|.hour",
        "|2020-10-05T10:20:30Z|.hours",
        "|2020-10-05T10:20:30Z|.nosuch",
        "{a: 1, a: 2}.a",
        "({a: 1} ++ {a: 2}).a",
        '"abc"[0]',
        '"abc"[-1]',
        '"abc"[5]',
    ),
]

_A = "dw::core::Arrays"
_USERS = '[{id: "1", name: "Mariano"}, {id: "2", name: "Leandro"}, {id: "3", name: "Julian"}]'
_PRODUCTS = '[{ownerId: "1", name: "DW"}, {ownerId: "1", name: "BAT"}, {ownerId: "4", name: "SC"}]'
ARRAYS: list[Case] = [
    *_cases(
        "some", "[1, 2] some ($ > 1)", "[] some ($ > 1)", "null some ($ > 1)", module=_A
    ),
    *_cases(
        "every",
        "[1, 2] every ($ > 0)",
        "[1, 2] every ($ > 1)",
        "[] every ($ > 1)",
        "null every ($ > 1)",
        module=_A,
    ),
    *_cases(
        "countBy",
        "[1, 2, 3, 4] countBy (($ mod 2) == 0)",
        "[] countBy ($ > 1)",
        "null countBy ($ > 1)",
        module=_A,
    ),
    *_cases(
        "sumBy", "[{a: 1}, {a: 2.5}] sumBy $.a", "[] sumBy $", "null sumBy $", module=_A
    ),
    *_cases(
        "divideBy",
        "[1, 2, 3, 4, 5] divideBy 2",
        "[] divideBy 2",
        "null divideBy 2",
        "[1, 2] divideBy 5",
        module=_A,
    ),
    *_cases(
        "join",
        f"join({_USERS}, {_PRODUCTS}, (u) -> u.id, (p) -> p.ownerId)",
        "join([], [{a: 1}], (u) -> u.id, (p) -> p.a)",
        module=_A,
    ),
    *_cases(
        "leftJoin",
        f"leftJoin({_USERS}, {_PRODUCTS}, (u) -> u.id, (p) -> p.ownerId)",
        module=_A,
    ),
    *_cases(
        "outerJoin",
        f"outerJoin({_USERS}, {_PRODUCTS}, (u) -> u.id, (p) -> p.ownerId)",
        module=_A,
    ),
    *_cases(
        "take",
        "[1, 2, 3] take 2",
        "[1, 2, 3] take 0",
        "[1] take 5",
        "null take 1",
        "[1, 2] take -1",
        module=_A,
    ),
    *_cases(
        "drop",
        "[1, 2, 3] drop 2",
        "[1] drop 5",
        "null drop 1",
        "[1, 2] drop -1",
        module=_A,
    ),
    *_cases(
        "slice",
        "slice([0, 1, 2, 3, 4], 1, 3)",
        "slice([0, 1], 1, 5)",
        "slice([0, 1, 2], 2, 1)",
        "slice(null, 0, 1)",
        module=_A,
    ),
    *_cases("indexOf", "indexOf([1, 2, 3], 3)", "indexOf([], 1)", module=_A),
    *_cases(
        "indexWhere",
        "[1, 2, 3] indexWhere ($ > 1)",
        "[1] indexWhere ($ > 5)",
        "null indexWhere ($ > 1)",
        module=_A,
    ),
    *_cases(
        "splitAt", "[1, 2, 3] splitAt 1", "[1] splitAt 5", "null splitAt 1", module=_A
    ),
    *_cases(
        "takeWhile",
        "[1, 2, 3, 1] takeWhile ($ < 3)",
        "[] takeWhile ($ < 3)",
        "null takeWhile ($ < 3)",
        module=_A,
    ),
    *_cases(
        "dropWhile",
        "[1, 2, 3, 1] dropWhile ($ < 3)",
        "[1] dropWhile ($ < 3)",
        "null dropWhile ($ < 3)",
        module=_A,
    ),
    *_cases(
        "splitWhere",
        "[1, 2, 3, 1] splitWhere ($ > 2)",
        "[1] splitWhere ($ > 2)",
        "null splitWhere ($ > 2)",
        module=_A,
    ),
    *_cases(
        "partition",
        "[1, 2, 3, 4] partition (($ mod 2) == 0)",
        "[] partition ($ > 1)",
        "null partition ($ > 1)",
        module=_A,
    ),
    *_cases(
        "firstWith",
        "[1, 2, 3] firstWith ($ > 1)",
        "[1] firstWith ($ > 5)",
        "[5, 6] firstWith ((x, i) -> i == 1)",
        "null firstWith ($ > 1)",
        module=_A,
    ),
]

_S = "dw::core::Strings"


def _strings(function: str, *exprs: str) -> list[Case]:
    return _cases(function, *exprs, module=_S)


STRINGS: list[Case] = [
    *_strings(
        "camelize",
        'camelize("-1")',
        'camelize("_x_y")',
        'camelize("a--b")',
        'camelize(" a b")',
        'camelize("ABCDef")',
        'camelize("Ab Cd")',
        'camelize("x-")',
        'camelize("customer_first_name")',
        'camelize("_customer_first_name")',
        'camelize("customer-first-name")',
        'camelize("Customer first name")',
        'camelize("CUSTOMER_NAME")',
        "camelize(null)",
        'camelize("")',
    ),
    *_strings(
        "capitalize",
        'capitalize("customer_first_name")',
        'capitalize("customerFirstName")',
        'capitalize("customer-first name")',
        'capitalize("HELLO world")',
        'capitalize("-1")',
        'capitalize("_x_y")',
        'capitalize("a--b")',
        'capitalize("x-")',
        "capitalize(-1)",
        "capitalize(null)",
        'capitalize("customerID")',
    ),
    *_strings(
        "dasherize",
        'dasherize("-1")',
        'dasherize("_x_y")',
        'dasherize("a--b")',
        'dasherize(" a b")',
        'dasherize("ABCDef")',
        'dasherize("Ab Cd")',
        'dasherize("x-")',
        'dasherize("customerFirstName")',
        'dasherize("customer_first_name")',
        'dasherize("Customer First Name")',
        'dasherize("customerID")',
        "dasherize(null)",
    ),
    *_strings(
        "underscore",
        'underscore("-1")',
        'underscore("_x_y")',
        'underscore("a--b")',
        'underscore(" a b")',
        'underscore("ABCDef")',
        'underscore("Ab Cd")',
        'underscore("x-")',
        'underscore("customerFirstName")',
        'underscore("customer-first-name")',
        'underscore("Customer First Name")',
        'underscore("customerID")',
        "underscore(null)",
    ),
    *_strings(
        "ordinalize",
        "ordinalize(1)",
        "ordinalize(2)",
        "ordinalize(3)",
        "ordinalize(11)",
        "ordinalize(12)",
        "ordinalize(21)",
        "ordinalize(112)",
        "ordinalize(0)",
        "ordinalize(null)",
        "ordinalize(23)",
    ),
    *_strings(
        "pluralize",
        'pluralize("box")',
        'pluralize("cat")',
        'pluralize("child")',
        'pluralize("person")',
        'pluralize("city")',
        'pluralize("bus")',
        'pluralize("knife")',
        'pluralize("sheep")',
        'pluralize("mouse")',
        'pluralize("Box")',
        "pluralize(null)",
        'pluralize("day")',
        'pluralize("quiz")',
    ),
    *_strings(
        "singularize",
        'singularize("boxes")',
        'singularize("cats")',
        'singularize("children")',
        'singularize("cities")',
        'singularize("people")',
        'singularize("buses")',
        "singularize(null)",
        'singularize("days")',
    ),
    *_strings(
        "isNumeric",
        'isNumeric("123")',
        'isNumeric("12.3")',
        'isNumeric("-1")',
        'isNumeric("")',
        "isNumeric(null)",
    ),
    *_strings(
        "isAlpha", 'isAlpha("abc")', 'isAlpha("ab1")', 'isAlpha("")', "isAlpha(null)"
    ),
    *_strings(
        "isAlphanumeric",
        'isAlphanumeric("ab1")',
        'isAlphanumeric("ab 1")',
        "isAlphanumeric(null)",
    ),
    *_strings(
        "isUpperCase",
        'isUpperCase("ABC")',
        'isUpperCase("AB1")',
        'isUpperCase("")',
        "isUpperCase(null)",
    ),
    *_strings(
        "isLowerCase", 'isLowerCase("abc")', 'isLowerCase("aB")', "isLowerCase(null)"
    ),
    *_strings(
        "isWhitespace",
        'isWhitespace("  ")',
        'isWhitespace("")',
        'isWhitespace(" a")',
        "isWhitespace(null)",
    ),
    *_strings("charCode", 'charCode("A")', 'charCode("")', "charCode(null)"),
    *_strings(
        "charCodeAt",
        'charCodeAt("abc", 1)',
        'charCodeAt("abc", 5)',
        "charCodeAt(null, 1)",
    ),
    *_strings("fromCharCode", "fromCharCode(65)", "fromCharCode(null)"),
    *_strings(
        "hammingDistance",
        'hammingDistance("abc", "abd")',
        'hammingDistance("abc", "ab")',
    ),
    *_strings(
        "levenshteinDistance",
        'levenshteinDistance("kitten", "sitting")',
        'levenshteinDistance("", "abc")',
    ),
    *_strings("collapse", 'collapse("aabccc")', 'collapse("")', "collapse(null)"),
    *_strings("words", 'words("hello  world \\t x")', 'words("")', "words(null)"),
    *_strings("lines", 'lines("a\\nb\\r\\nc")', 'lines("")', "lines(null)"),
    *_strings(
        "substringEvery",
        'substringEvery("abcde", 2)',
        'substringEvery("", 2)',
        "substringEvery(null, 2)",
    ),
    *_strings(
        "substringBy",
        'substringBy("a-b_c", (c, i) -> c == "-" or c == "_")',
        'substringBy("abc", (c, i) -> c == "x")',
        "substringBy(null, (c, i) -> true)",
    ),
    *_strings(
        "countMatches",
        'countMatches("hello", "l")',
        'countMatches("hello", "[lo]" as Regex)',
        'countMatches(null, "a")',
    ),
    *_strings(
        "countCharactersBy",
        'countCharactersBy("a1b2", (c) -> isNumeric(c))',
        "countCharactersBy(null, (c) -> true)",
    ),
    *_strings(
        "everyCharacter",
        'everyCharacter("abc", (c) -> c > "0")',
        "everyCharacter(null, (c) -> false)",
    ),
    *_strings(
        "someCharacter",
        'someCharacter("abc", (c) -> c == "b")',
        "someCharacter(null, (c) -> true)",
    ),
    *_strings(
        "mapString",
        'mapString("abc", (c, i) -> upper(c))',
        'mapString("ab", (c, i) -> c ++ i)',
        "mapString(null, (c, i) -> c)",
    ),
    *_strings("remove", 'remove("hello", "l")', 'remove(null, "a")'),
    *_strings("repeat", 'repeat("ab", 3)', 'repeat("ab", 0)', "repeat(null, 2)"),
    *_strings("reverse", 'reverse("abc")', 'reverse("")', "reverse(null)"),
    *_strings("first", 'first("abc", 2)', 'first("abc", 5)', "first(null, 1)"),
    *_strings("last", 'last("abc", 2)', 'last("abc", 0)', "last(null, 1)"),
    *_strings(
        "leftPad",
        'leftPad("7", 3, "0")',
        'leftPad("7", 3)',
        'leftPad("7", 4, "ab")',
        'leftPad("1234", 2)',
        "leftPad(null, 2)",
    ),
    *_strings(
        "rightPad", 'rightPad("7", 3)', 'rightPad("7", 3, "x")', "rightPad(null, 2)"
    ),
    *_strings("wrapWith", 'wrapWith("a", "\'")', 'wrapWith(null, "\'")'),
    *_strings(
        "wrapIfMissing",
        'wrapIfMissing("\'a", "\'")',
        'wrapIfMissing("\'a\'", "\'")',
        'wrapIfMissing(null, "\'")',
    ),
    *_strings(
        "unwrap",
        'unwrap("\'a\'", "\'")',
        'unwrap("\'", "\'")',
        'unwrap("a", "\'")',
        'unwrap(null, "\'")',
    ),
    *_strings(
        "prependIfMissing",
        'prependIfMissing("abc", "a")',
        'prependIfMissing("bc", "a")',
        'prependIfMissing(null, "a")',
    ),
    *_strings(
        "appendIfMissing",
        'appendIfMissing("abc", "x")',
        'appendIfMissing("abc", "c")',
        'appendIfMissing(null, "a")',
    ),
    *_strings(
        "substring",
        'substring("hello", 1, 3)',
        'substring("hello", -1, 3)',
        'substring("hello", 3, 10)',
        'substring("hello", 3, 1)',
        "substring(null, 0, 1)",
    ),
    *_strings(
        "substringBefore",
        'substringBefore("a.b.c", ".")',
        'substringBefore("abc", "x")',
        'substringBefore(null, ".")',
    ),
    *_strings(
        "substringBeforeLast",
        'substringBeforeLast("a.b.c", ".")',
        'substringBeforeLast("abc", "x")',
        'substringBeforeLast(null, ".")',
    ),
    *_strings(
        "substringAfter",
        'substringAfter("a.b.c", ".")',
        'substringAfter("abc", "x")',
        'substringAfter("abc", "")',
        'substringAfter(null, ".")',
        "substringAfter(null, null)",
        "substringBeforeLast(null, null)",
    ),
    *_strings(
        "substringAfterLast",
        'substringAfterLast("a.b.c", ".")',
        'substringAfterLast("abc", "")',
        'substringAfterLast(null, ".")',
    ),
    *_strings(
        "withMaxSize",
        'withMaxSize("hello", 2)',
        'withMaxSize("hello", 10)',
        "withMaxSize(null, 2)",
    ),
    *_strings(
        "replaceAll", 'replaceAll("a.b.c", ".", "-")', 'replaceAll(null, ".", "-")'
    ),
]
_O = "dw::core::Objects"
OBJECTS: list[Case] = [
    *_cases(
        "mergeWith",
        "{a: 1, b: 2} mergeWith {a: 3, c: 4}",
        "null mergeWith {a: 1}",
        "{a: 1} mergeWith null",
        module=_O,
    ),
    *_cases("divideBy", "{a: 1, b: 2, c: 3} divideBy 2", "{} divideBy 2", module=_O),
    *_cases(
        "everyEntry",
        "{a: 1, b: 2} everyEntry ((v, k) -> v > 0)",
        "null everyEntry ((v, k) -> false)",
        module=_O,
    ),
    *_cases(
        "someEntry",
        '{a: 1, b: 2} someEntry ((v, k) -> k == "b")',
        '{a: 1, b: 2} someEntry ((v, k) -> (k as String) == "b")',
        "null someEntry ((v, k) -> true)",
        module=_O,
    ),
    *_cases("takeWhile", "{a: 1, b: 2, c: 1} takeWhile ((v, k) -> v < 2)", module=_O),
    *_cases("keySet", "keySet({a: 1, a: 2})", "typeOf(keySet({a: 1})[0])", module=_O),
    *_cases("nameSet", "nameSet({a: 1, a: 2})", 'nameSet({a: 1})[0] == "a"', module=_O),
    *_cases("valueSet", "valueSet({a: 1, b: 2})", module=_O),
    *_cases("entrySet", "entrySet({a: 1})", module=_O),
]
_N = "dw::core::Numbers"
NUMBERS: list[Case] = [
    *_cases("toHex", "toHex(255)", "toHex(-1)", "toHex(1.5)", "toHex(null)", module=_N),
    *_cases("toBinary", "toBinary(10)", "toBinary(-2)", "toBinary(0)", module=_N),
    *_cases(
        "fromHex",
        'fromHex("ff")',
        'fromHex("-ff")',
        'fromHex("FF")',
        'fromHex("xyz")',
        "fromHex(null)",
        module=_N,
    ),
    *_cases("fromBinary", 'fromBinary("1010")', 'fromBinary("-101")', module=_N),
    *_cases(
        "fromRadixNumber",
        'fromRadixNumber("zz", 36)',
        'fromRadixNumber("10", 2)',
        module=_N,
    ),
    *_cases(
        "toRadixNumber", "toRadixNumber(255, 16)", "toRadixNumber(255, 36)", module=_N
    ),
]

_T = "dw::core::Types"
TYPES: list[Case] = [
    *_cases("nameOf", "nameOf(typeOf(1))", "nameOf(typeOf([]))", module=_T),
    *_cases("baseTypeOf", "baseTypeOf(typeOf(1))", module=_T),
    *_cases("isAnyType", "isAnyType(typeOf(1))", module=_T),
    *_cases(
        "isArrayType", "isArrayType(typeOf([1]))", "isArrayType(typeOf(1))", module=_T
    ),
    *_cases("isBinaryType", "isBinaryType(typeOf(1))", module=_T),
    *_cases("isBooleanType", "isBooleanType(typeOf(true))", module=_T),
    *_cases(
        "isDateTimeType", "isDateTimeType(typeOf(|2020-01-01T00:00:00Z|))", module=_T
    ),
    *_cases("isDateType", "isDateType(typeOf(|2020-01-01|))", module=_T),
    *_cases("isFunctionType", "isFunctionType(typeOf((x) -> x))", module=_T),
    *_cases("isKeyType", "isKeyType(typeOf(keysOf({a: 1})[0]))", module=_T),
    *_cases(
        "isLocalDateTimeType",
        "isLocalDateTimeType(typeOf(|2020-01-01T00:00:00|))",
        module=_T,
    ),
    *_cases("isLocalTimeType", "isLocalTimeType(typeOf(|10:00:00|))", module=_T),
    *_cases("isNothingType", "isNothingType(typeOf(1))", module=_T),
    *_cases(
        "isNullType", "isNullType(typeOf(null))", "isNullType(typeOf(1))", module=_T
    ),
    *_cases("isNumberType", "isNumberType(typeOf(1))", module=_T),
    *_cases("isObjectType", "isObjectType(typeOf({}))", module=_T),
    *_cases("isPeriodType", "isPeriodType(typeOf(|PT1H|))", module=_T),
    *_cases("isRangeType", "isRangeType(typeOf(1 to 2))", module=_T),
    *_cases("isRegexType", "isRegexType(typeOf(/a/))", module=_T),
    *_cases(
        "isStringType", 'isStringType(typeOf("a"))', 'isStringType("a")', module=_T
    ),
    *_cases("isTimeType", "isTimeType(typeOf(|10:00:00Z|))", module=_T),
    *_cases("isTimeZoneType", "isTimeZoneType(typeOf(|Z|))", module=_T),
    *_cases("isTypeType", "isTypeType(typeOf(typeOf(1)))", module=_T),
    *_cases("isUriType", "isUriType(typeOf(1))", module=_T),
    *_cases("isUnionType", "isUnionType(typeOf(1))", module=_T),
    *_cases("isIntersectionType", "isIntersectionType(typeOf(1))", module=_T),
    *_cases("isLiteralType", "isLiteralType(typeOf(1))", module=_T),
    *_cases("isReferenceType", "isReferenceType(typeOf(1))", module=_T),
    *_cases("isNamespaceType", "isNamespaceType(typeOf(1))", module=_T),
    # -- on declared types -------------------------------------------------------------------
    *_cases(
        "arrayItem",
        "do { type A = Array<String> --- [nameOf(arrayItem(A)), arrayItem(A)] }",
        "do { type A = Array<{a: String}> --- arrayItem(A) }",
        "do { type T = Array<Array<String>> --- nameOf(arrayItem(arrayItem(T))) }",
        'do { type T = Number {format: "#"} type A = Array<T> --- [arrayItem(A), '
        "metadataOf(arrayItem(A))] }",
        "arrayItem(typeOf([1]))",
        "arrayItem(String)",
        "do { type O = {a: String} --- arrayItem(O) }",
        module=_T,
    ),
    *_cases(
        "unionItems",
        "do { type U = String | Number --- [unionItems(U), isUnionType(U)] }",
        'do { type U = "a" | 1 --- [baseTypeOf(U), unionItems(U), '
        "literalValueOf(unionItems(U)[1])] }",
        "do { type A = Array<String> type U = A | String --- [nameOf(U), "
        "unionItems(U) map nameOf($), baseTypeOf(U)] }",
        "do { type O = {a: String} --- unionItems(O) }",
        module=_T,
    ),
    *_cases(
        "intersectionItems",
        "do { type I = {a: String} & {b: Number} --- [intersectionItems(I), "
        "baseTypeOf(I), isIntersectionType(I)] }",
        module=_T,
    ),
    *_cases(
        "objectFields",
        "do { type O = {name: String, age?: Number} --- objectFields(O) }",
        'do { type O = {a*: String, "b c"?: Number} --- objectFields(O) map '
        "[$.key.name.localName, $.required, $.repeated] }",
        "do { type O = {| a: String |} --- [objectFields(O) map $.key.name.localName, "
        "isObjectType(O)] }",
        "do { type T = {a: {b: Number}} --- objectFields(objectFields(T)[0].value)[0].value }",
        "objectFields(typeOf({}))",
        module=_T,
    ),
    *_cases(
        "literalValueOf",
        'do { type L = "abc" --- [literalValueOf(L), isLiteralType(L)] }',
        "do { type L = 1.5 --- literalValueOf(L) }",
        "do { type L = true --- [literalValueOf(L), nameOf(L), isBooleanType(L)] }",
        'isLiteralType(typeOf("a"))',
        module=_T,
    ),
    *_cases(
        "metadataOf",
        'do { type T = String {format: "yyyy"} --- [metadataOf(T), '
        "metadataOf(baseTypeOf(T)), nameOf(baseTypeOf(T)), isStringType(T)] }",
        "metadataOf(typeOf(1))",
        module=_T,
    ),
    *_cases(
        "functionParamTypes",
        "do { type F = (String, Number) -> Boolean --- functionParamTypes(F) }",
        "do { type F = (a: String, b?: Number) -> Boolean --- functionParamTypes(F) map "
        "{n: $.paramType, o: $.optional} }",
        "do { type F = () -> String --- functionParamTypes(F) }",
        module=_T,
    ),
    *_cases(
        "functionReturnType",
        "do { type F = (String, Number) -> Boolean --- [functionReturnType(F), nameOf(F), "
        "isFunctionType(F), functionReturnType(F) == Boolean] }",
        module=_T,
    ),
    *_cases(
        "nameOf",
        "do { type A = Array<String> --- [nameOf(A), isArrayType(A), baseTypeOf(A), A] }",
        "do { type Named = String type B = Named --- [nameOf(B), nameOf(baseTypeOf(B))] }",
        "[nameOf(Number), isNumberType(Number), Number == typeOf(1), typeOf(Number)]",
        module=_T,
    ),
]
