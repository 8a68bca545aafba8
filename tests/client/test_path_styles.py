"""Path parameters are serialized by their OpenAPI style and explode (simple by default, label,
matrix): an object or array an Arazzo step passes in the path arrives as OpenAPI says, never
as Python's repr; a nested value, which OpenAPI cannot serialize, is a clear error."""

from __future__ import annotations

from collections.abc import Iterator
from types import ModuleType

import pytest

from tests.client.support import load_case
from tests.support.recording import Reply, Request, Server


def _api(request: Request) -> Reply:
    if request.path == "/point":
        return 200, {}, {"x": 1, "y": 2}
    return 200, {}, {"path": request.path}


@pytest.fixture(scope="module")
def styles(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    return load_case("path-styles", tmp_path_factory.mktemp("path-styles"))


@pytest.fixture
def server() -> Iterator[Server]:
    with Server(_api) as live:
        yield live


def test_an_object_from_a_step_is_sent_in_simple_style(
    styles: ModuleType, server: Server
) -> None:
    with styles.StylesClient(server.url) as client:
        out = client.run_object_in_path({})
    # ids: label + explode; point: simple (the default); tags: matrix, items encoded
    assert out.seen == "/items/.3.4/x,1,y,2/;tags=a%20b,c"
    assert server.seen[-1].path == "/items/.3.4/x,1,y,2/;tags=a%20b,c"


def test_a_nested_value_in_the_path_is_refused_by_name(
    styles: ModuleType, server: Server
) -> None:
    refused = pytest.raises(ValueError, match="path parameter 'point': OpenAPI defines")
    with styles.StylesClient(server.url) as client, refused:
        client.get_items(ids=[1], point={"x": {"deep": 1}}, tags=["a"])
    assert not [r for r in server.seen if r.path.startswith("/items")]
