"""The Mermaid state diagram of a journey (generator/mermaid.py) and its place in the README."""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml

from generator.mermaid import journey_diagram, label, state_diagram
from generator.pipeline import generate
from tests.support.paths import CORPUS, PAYMENT_CALLBACK, SPECS, corpus_cases

# Every line the builder may emit: the header, a state with its id, a description, an edge,
# the end of a composite state, a region separator. Labels hold only inert characters and
# entity codes (`#34;`), so nothing else can ever appear.
_LABEL = r"(?:[A-Za-z0-9 _.,()'!?=+*/-]|#[0-9]+;)*"
_LINE = re.compile(
    r"stateDiagram-v2"
    rf'|state "{_LABEL}" as s[0-9]+(?: \{{)?'
    rf"|s[0-9]+ : {_LABEL}"
    rf"|(?:s[0-9]+|\[\*\]) --> (?:s[0-9]+|\[\*\])(?: : {_LABEL})?"
    r"|\}|--"
)


def _lines(diagram: str) -> list[str]:
    assert diagram.endswith("\n")
    lines = [line.strip() for line in diagram.splitlines()]
    bad = [line for line in lines if not _LINE.fullmatch(line)]
    assert not bad, bad
    return lines


def _spec(states: dict[str, Any], start: str = "a") -> dict[str, Any]:
    return {"start": start, "states": states}


def test_task_choice_and_terminal_states() -> None:
    diagram = state_diagram(
        _spec(
            {
                "a": {
                    "type": "task",
                    "task": {"kind": "httpCall:v1", "operationRef": "items.get"},
                    "next": "route",
                },
                "route": {
                    "type": "choice",
                    "choices": [
                        {
                            "when": {"predicate": {"expr": "context.a.ok == true\n"}},
                            "next": "ok",
                        },
                        {
                            "when": {"predicate": {"expr": "context.a.status >= 500"}},
                            "next": "bad",
                        },
                    ],
                    "default": "bad",
                },
                "ok": {"type": "succeed", "outputVar": "a"},
                "bad": {"type": "fail", "errorCode": "DOWNSTREAM", "reason": "no"},
            }
        )
    )
    assert diagram == (
        "stateDiagram-v2\n"
        '    state "a" as s0\n'
        "    s0 : task httpCall#58;v1 items.get\n"
        '    state "route" as s1\n'
        "    s1 : choice\n"
        '    state "ok" as s2\n'
        "    s2 : succeed with a\n"
        '    state "bad" as s3\n'
        "    s3 : fail DOWNSTREAM\n"
        "    [*] --> s0\n"
        "    s0 --> s1\n"
        "    s1 --> s2 : context.a.ok == true\n"
        "    s1 --> s3 : context.a.status #62;= 500\n"
        "    s1 --> s3 : otherwise\n"
        "    s2 --> [*]\n"
        "    s3 --> [*]\n"
    )
    _lines(diagram)


def test_wait_webhook_timer_transform_and_subjourney_edges() -> None:
    diagram = state_diagram(
        _spec(
            {
                "a": {"type": "transform", "transform": {}, "next": "w"},
                "w": {
                    "type": "wait",
                    "wait": {"default": "hook", "timeoutSec": 300, "onTimeout": "late"},
                },
                "hook": {"type": "webhook", "webhook": {}, "next": "pause"},
                "pause": {
                    "type": "timer",
                    "timer": {"duration": "PT5M"},
                    "next": "sub",
                },
                "sub": {
                    "type": "subjourney",
                    "subjourney": {"ref": "shipping"},
                    "next": "done",
                },
                "late": {
                    "type": "timer",
                    "timer": {"until": {"expr": "x"}},
                    "next": "done",
                },
                "done": {"type": "succeed"},
            }
        )
    )
    lines = _lines(diagram)
    for line in (
        "s1 : wait for input",
        "s1 --> s2 : input received",
        "s1 --> s5 : timeout after 300 s",
        "s2 : webhook callback",
        "s2 --> s3 : callback received",
        "s3 : timer duration PT5M",
        "s3 --> s4 : timer fires",
        "s4 : subjourney shipping",
        "s5 : timer until (computed)",
        "s0 : transform",
        "s0 --> s1",
        "s6 : succeed",
        "s6 --> [*]",
    ):
        assert line in lines, line


def test_parallel_branches_are_regions_and_leaving_a_branch_ends_it() -> None:
    diagram = state_diagram(
        _spec(
            {
                "a": {
                    "type": "parallel",
                    "parallel": {
                        "branches": [
                            {
                                "name": "x",
                                "start": "call",
                                "states": {
                                    "call": {"type": "task", "task": {}, "next": "end"},
                                    "end": {"type": "succeed"},
                                },
                            },
                            {
                                "name": "y",
                                "start": "t",
                                "states": {
                                    "t": {"type": "timer", "timer": {}, "next": "after"}
                                },
                            },
                        ],
                        "join": {"strategy": "anyOf"},
                    },
                    "next": "after",
                },
                "after": {"type": "parallel", "parallel": {"branches": []}},
            }
        )
    )
    lines = _lines(diagram)
    assert lines[:3] == [
        "stateDiagram-v2",
        'state "a - parallel join anyOf" as s0 {',
        'state "call" as s2',
    ]
    assert "--" in lines and "}" in lines
    assert (
        "s4 --> [*] : leaves to after" in lines
    )  # the timer branch goes to an outer state
    # A composite state takes no description line in Mermaid ("Group nodes can only have
    # label"): the join is in its label.
    assert not any(line.startswith("s0 :") for line in lines)
    assert "s0 --> s1 : joined" in lines
    assert (
        "s1 --> [*] : first branch outcome" in lines
    )  # no next: a branch's outcome ends it
    assert lines.count("[*] --> s2") == 1 and lines.count("[*] --> s4") == 1


def test_unknown_targets_and_malformed_bodies_never_crash() -> None:
    diagram = state_diagram(
        _spec(
            {
                "a": {"type": "task", "next": "nowhere"},
                "b": {
                    "type": "choice",
                    "choices": ["junk", {"next": 3}],
                    "default": None,
                },
                "c": "not a state",
                "d": {"type": "wait", "wait": "junk"},
            },
            start="missing",
        )
    )
    lines = _lines(diagram)
    assert "[*] --> [*] : missing state missing" in lines
    assert "s0 --> [*] : missing state nowhere" in lines
    assert state_diagram({}) == "stateDiagram-v2\n"


HOSTILE = (
    'x" as s9\n```\n</script><script>alert(1)</script> %% #34; `end` --> [*] {\u2028}'
)


def test_hostile_names_and_predicates_stay_inside_their_labels() -> None:
    diagram = state_diagram(
        _spec(
            {
                HOSTILE: {
                    "type": "choice",
                    "choices": [
                        {"when": {"predicate": {"expr": HOSTILE}}, "next": HOSTILE}
                    ],
                    "default": "```",
                },
                "```": {"type": "fail", "errorCode": HOSTILE},
            },
            start=HOSTILE,
        )
    )
    lines = _lines(diagram)  # every line still has the builder's own shape
    assert len(lines) == 9
    for forbidden in ("`", "<", "%", "{", "}", "\u2028"):
        assert forbidden not in diagram, forbidden
    assert ";" not in re.sub(r"#[0-9]+;", "", diagram)  # `;` only ends entity codes
    assert diagram.count(">") == diagram.count(" --> ")  # only the builder's arrows
    assert diagram.count('"') == 4  # only the two state labels' own quotes
    assert "#35;34#59;" in diagram  # the spec's own `#34;` is not an entity code
    assert f'state "{label(HOSTILE)}" as s0' in lines
    assert "s0 --> s0 : x#34; as s9" in " ".join(lines)


def test_label_encoding() -> None:
    assert label("a.b == 'c' (d)") == "a.b == 'c' (d)"
    assert label('say "hi"\n  twice') == "say #34;hi#34; twice"
    assert label("é`;") == "#233;#96;#59;"
    assert label("x" * 70, 10) == "xxxxxxxxx#8230;"


def test_deterministic_for_the_corpus() -> None:
    for case in corpus_cases()[:5] or [PAYMENT_CALLBACK]:
        doc = yaml.safe_load(
            next(case.glob("*.journey.yaml")).read_text(encoding="utf-8")
        )
        assert journey_diagram(doc) == journey_diagram(doc)
        _lines(journey_diagram(doc))


def test_every_corpus_diagram_is_well_formed() -> None:
    for case in corpus_cases():
        doc = yaml.safe_load(
            next(case.glob("*.journey.yaml")).read_text(encoding="utf-8")
        )
        lines = _lines(journey_diagram(doc))
        declared = sum(1 for line in lines if line.startswith("state "))
        assert declared >= len(doc["spec"]["states"]), case.name


def test_generated_readme_holds_the_diagram_in_a_mermaid_fence() -> None:
    result = generate(PAYMENT_CALLBACK, root=SPECS)
    readme = next(
        text for path, text in result.files.items() if path.endswith("README.md")
    )
    fenced = re.findall(r"```mermaid\n(.*?)```\n", readme, flags=re.DOTALL)
    assert len(fenced) == 1
    lines = _lines(fenced[0])
    assert 'state "waitForCallback" as s1' in lines
    assert "s1 --> s2 : callback received" in lines
    assert readme.count("```") % 2 == 0


@pytest.mark.parametrize("name", ["payment-callback"])
def test_readme_of_a_corpus_journey_names_every_state(name: str) -> None:
    case = CORPUS / "examples" / "technical" / name
    readme = next(
        text
        for path, text in generate(case, root=CORPUS).files.items()
        if path.endswith("README.md")
    )
    doc = yaml.safe_load(next(case.glob("*.journey.yaml")).read_text(encoding="utf-8"))
    for state in doc["spec"]["states"]:
        assert f'state "{label(state)}" as s' in readme
