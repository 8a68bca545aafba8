"""Names decided for hostile spec names."""

from __future__ import annotations

import keyword

import pytest

from generator import naming


@pytest.mark.parametrize(
    ("wire", "expected"),
    [
        ("journeyId", "journey_id"),
        ("class", "class_"),
        ("self", "self_"),
        ("model_config", "model_config_"),
        ("json", "json_"),
        ("_id", "id_"),
        ("1abc", "field_1abc"),
        ("", "field"),
        ("\ufb01eld", "field"),
        ("HTTPServer", "http_server"),
        ("VLAN", "vlan"),
        ("a-b c", "a_b_c"),
        ("match", "match_"),
    ],
)
def test_field_names(wire: str, expected: str) -> None:
    name = naming.field_name(wire)
    assert name == expected
    assert name.isidentifier() and name.isascii() and not keyword.iskeyword(name)


def test_collisions_after_snake_case_keep_the_exact_name() -> None:
    names = naming.assign([("journeyId", "journey_id"), ("journey_id", "journey_id")])
    assert names == {"journey_id": "journey_id", "journeyId": "journey_id_2"}


def test_case_fold_collisions_between_classes() -> None:
    scope = naming.Scope()
    assert [scope.claim(naming.class_name(n)) for n in ("VLAN", "Vlan", "vlan")] == [
        "VLAN",
        "Vlan2",
        "Vlan3",
    ]


def test_class_names_do_not_shadow_imports() -> None:
    assert naming.class_name("BaseModel") == "BaseModelModel"
    assert naming.class_name("field") == "FieldModel"
    assert naming.class_name("404 error") == "Model404Error"


def test_enum_members() -> None:
    assert naming.enum_member("in-progress", index=0) == "IN_PROGRESS"
    assert naming.enum_member("", index=3) == "VALUE_3"
    assert naming.enum_member(1, index=0) == "V_1"
