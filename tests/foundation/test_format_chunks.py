"""The format stage's piecewise black (`generator.format_chunks`) gives black's exact bytes."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import black
import pytest

from generator import format as fmt
from generator import pipeline
from generator.format import Formatter, _mode
from generator.format_chunks import ShapeCache, format_source, split

REPO = Path(__file__).resolve().parents[2]


def _black(text: str) -> str:
    return str(black.format_str(text, mode=_mode()))  # type: ignore[arg-type]


def _counting(calls: list[str]) -> Callable[[str], str]:
    def counted(source: str) -> str:
        calls.append(source)
        return _black(source)

    return counted


class _Recorder(Formatter):
    """Keeps the rendered (unformatted) Python texts instead of formatting them."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: dict[str, str] = {}

    def format(self, path: str, text: str) -> str:
        self.texts[path] = text
        return text


def test_generated_modules_of_a_many_operation_case(tmp_path: Path) -> None:
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        import synth  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    case = synth.write_case(tmp_path, 12)
    recorder = _Recorder()
    pipeline.generate(case, formatter=recorder)
    large = {
        p: t
        for p, t in recorder.texts.items()
        if len(t) >= fmt.CHUNKED_FROM and "_runtime" not in p
    }
    assert any(p.endswith("client.py") for p in large)
    for path, text in large.items():
        calls: list[str] = []
        counted = _counting(calls)
        pieces = split(text)
        assert pieces is not None and len(pieces) > 20, path
        assert format_source(text, ShapeCache(counted)) == _black(text), path
        # operations of one shape are formatted once, not once each
        assert len(calls) < len(pieces) / 2, path


EDGES = {
    "docstring-only class, stub defs, comments, decorators": '''
"""Module."""
import os
class A:
    """Only a docstring."""

class B:
    x = 1
    def f(self): ...
    def g(self): ...

    # a comment before a method
    def h(self) -> None:
        pass

    @property
    def p(self) -> int:
        return 1

    @p.setter
    def p(self, v: int) -> None:
        pass
def after_class():
    def nested():
        return 1

    def nested_too():
        return 2
    return nested

@decorator

def decorated_after_blank(): pass



def many_blank_lines(): pass
''',
    "a big literal with short entries and a long one": """
TABLE: dict[str, tuple[int, ...]] = {
    'a': (1, 2),
    'b': (3,),
    'c': (4, 5, 6),
    'dd': (7,),
    'eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee': (1111111111, 2222222222, 3333333333, 4444444444, 55555555555),
}
other = [
    1,
    2,
    3,
    4,
]


def f(): pass
""",
    "a literal whose entry is cut where it does not end": """
X = {
    'a': f(
    1,
    ),
    'b': 2,
    'c': 3,
    'd': 4,
}


def f(): pass
""",
    "a docstring that looks like code": '''
def f():
    """Example.

def g():
    pass
"""


def h(): pass
''',
    "strings, f-strings, escapes and type comments": """
x = 'single'  # type: ignore
y = f'{x!r} and {x}'


def f(a='it''s', b="tab\\t", c=b'bytes', d=rb'raw'):  # noqa: E501
    return {'k': a, "l": [b, c, d], 'm': u'unicode'}


def g(aaaaaaaaaaaaaaaaaaaaaaaaaaaaa, bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb, ccccccccccccccccccccccccccc):
    return aaaaaaaaaaaaaaaaaaaaaaaaaaaaa(bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb, ccccccccccccccccccccccccccc,)


class K:
    def m(self): return 'ƛ'
""",
}


@pytest.mark.parametrize("source", list(EDGES.values()), ids=list(EDGES))
def test_edge_cases_match_black(source: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fmt, "CHUNKED_FROM", 0)
    assert Formatter().format("m.py", source) == _black(source)


def test_pragmas_are_formatted_whole() -> None:
    text = "x = 1\n\n\n# fmt: off\ndef f(): pass\n"
    assert split(text) is None


def test_a_formatter_for_several_cases_chunks_every_module() -> None:
    # A small module is formatted whole by a one-case Formatter and one definition at a time
    # by a shared one (a corpus worker), with the same bytes.
    source = "def f(a,b):\n    return a+b\n\n\nclass K:\n    def m(self): return 1\n"
    alone, shared = Formatter(), Formatter(shared=True)
    calls_alone: list[str] = []
    calls_shared: list[str] = []
    original = Formatter._black_text

    def counting(calls: list[str]) -> Any:
        def black_text(self: Formatter, text: str) -> str:
            calls.append(text)
            return original(self, text)

        return black_text

    alone._black_text = counting(calls_alone).__get__(alone)  # type: ignore[method-assign]
    shared._black_text = counting(calls_shared).__get__(shared)  # type: ignore[method-assign]
    assert (
        alone.format("m.py", source) == shared.format("m.py", source) == _black(source)
    )
    assert len(calls_alone) == 1
    assert len(calls_shared) > 1
