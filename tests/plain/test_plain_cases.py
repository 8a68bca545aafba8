"""Plain OpenAPI + Arazzo cases (no journey file): what a user pointing journeygen at any Arazzo
1.0.1 document and its OpenAPI sources gets.

`cases/shop`: two OpenAPI sources in one Arazzo document (the same operationId in both), an
OAuth-style token used as a bearer header, `operationPath` and qualified `operationId`s, a
bounded pagination loop with `goto`, and a `retry` action with `retryAfter`/`retryLimit`.
`cases/petstore`: one OpenAPI 3.0 source under a free file name (`pets.yaml`), every step by
`operationPath`, and a failure `goto` back to an earlier step.

Each is generated through the CLI, type-checked with mypy --strict, and its workflows run with
the generated client against a real HTTP server on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import importlib
import io
import itertools
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from generator.cli import main
from generator.pipeline import discover
from tests.support.recording import Reply, Request, Server

CASES = Path(__file__).resolve().parent / "cases"
PACKAGES = ("petstore", "shop")
CLIENT_RUNTIME = {
    "__init__.py",
    "client/__init__.py",
    "client/arazzo.py",
    "client/bodies.py",
    "client/checks.py",
    "client/criteria.py",
    "client/errors.py",
    "client/expressions.py",
    "client/flow.py",
    "client/flow_effects.py",
    "client/flow_env.py",
    "client/flow_journey.py",
    "client/flow_plans.py",
    "client/flow_requests.py",
    "client/flow_workflow.py",
    "client/jsonpath.py",
    "client/jsonpath_evaluate.py",
    "client/jsonpath_filter.py",
    "client/jsonpath_functions.py",
    "client/jsonpath_iregexp.py",
    "client/jsonpath_lexer.py",
    "client/jsonpath_nodes.py",
    "client/jsonpath_query.py",
    "client/polling.py",
    "client/retry.py",
    "client/transport.py",
    "client/transport_async.py",
    "client/transport_call.py",
    "client/transport_request.py",
    "client/transport_response.py",
    "client/transport_sync.py",
}


@dataclass(frozen=True)
class Output:
    """The generated packages and what the CLI printed."""

    folder: Path
    stdout: str
    stderr: str


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Output:
    """Both plain cases generated once, as a user would: `journeygen generate <cases> --out`."""
    folder = tmp_path_factory.mktemp("plain")
    stdout, stderr = io.StringIO(), io.StringIO()
    cases = [str(CASES / name) for name in PACKAGES]
    code = main(
        ["generate", *cases, "--out", str(folder), "--no-cache"],
        stdout=stdout,
        stderr=stderr,
    )
    assert code == 0, stderr.getvalue()
    return Output(folder, stdout.getvalue(), stderr.getvalue())


def _client(out: Output, package: str) -> ModuleType:
    root = str(out.folder / package)
    sys.path.insert(0, root)
    try:
        return importlib.import_module(f"{package}.client")
    finally:
        sys.path.remove(root)


def test_a_folder_of_arazzo_and_openapi_files_is_a_case() -> None:
    assert discover(CASES) == [CASES / name for name in PACKAGES]


def test_generation_prints_no_warnings(out: Output) -> None:
    assert out.stderr == ""
    assert [line.split()[1] for line in out.stdout.splitlines()[:2]] == list(PACKAGES)


@pytest.mark.parametrize("package", PACKAGES)
def test_only_models_client_and_workflows_are_generated(
    out: Output, package: str
) -> None:
    root = out.folder / package / package
    modules = {p.name for p in root.glob("*.py")}
    assert modules == {"__init__.py", "client.py", "models.py"}
    runtime = root / "_runtime"
    files = {
        p.relative_to(runtime).as_posix() for p in runtime.rglob("*") if p.is_file()
    }
    assert files == CLIENT_RUNTIME  # the client runtime only: no server runtime at all
    pyproject = (out.folder / package / "pyproject.toml").read_text(encoding="utf-8")
    readme = (out.folder / package / "README.md").read_text(encoding="utf-8")
    assert "server" not in pyproject and "fastapi" not in pyproject
    assert not re.search(r"server|journey\b|FastAPI", readme, re.IGNORECASE), readme


def test_every_source_is_listed_and_every_operation_has_a_method(out: Output) -> None:
    readme = (out.folder / "shop" / "README.md").read_text(encoding="utf-8")
    for source in ("auth.openapi.yaml", "catalog.openapi.yaml", "shop.arazzo.yaml"):
        assert f"`{source}`" in readme
    shop = _client(out, "shop")
    methods = {
        "create_token",
        "health",  # auth's, the first source
        "catalog_health",  # the same operationId in the second source
        "list_items",
        "get_item",
        "place_order",
        "run_fetch_item",
        "run_list_all_items",
        "run_place_order",
        "run_health_of_both",
    }
    for name in methods:
        assert callable(getattr(shop.ShopClient, name)), name
        assert asyncio.iscoroutinefunction(getattr(shop.AsyncShopClient, name)), name
    pets = _client(out, "petstore")
    for name in ("find_pets", "adopt_pet", "run_adopt_first_available"):
        assert callable(getattr(pets.PetstoreClient, name)), name


@pytest.mark.slow
def test_the_packages_pass_mypy_strict(out: Output, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "MYPYPATH": os.pathsep.join(str(out.folder / p) for p in PACKAGES),
    }
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path)]
        + [arg for p in PACKAGES for arg in ("-p", p)],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


# -- the shop: an auth server and a catalog on one origin ------------------------------------

CLIENT_ID, CLIENT_SECRET = "shop-app", "s3cret"
ITEMS = [
    {"id": f"i{n}", "name": f"Item {n}", "price": n * 1.5, "tags": []}
    for n in range(1, 6)
]


@dataclass
class Shop:
    """The token endpoint and the catalog, keeping what it issued and what it was asked."""

    busy: int = 0  # how many times POST /v2/orders answers 503 before it succeeds
    tokens: list[str] = field(default_factory=list)
    counter: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def __call__(self, request: Request) -> Reply:
        if request.path == "/oauth/token" and request.method == "POST":
            body = request.body or {}
            if (body.get("client_id"), body.get("client_secret")) != (
                CLIENT_ID,
                CLIENT_SECRET,
            ) or body.get("grant_type") != "client_credentials":
                return (
                    401,
                    {"Content-Type": "application/problem+json"},
                    {"title": "no"},
                )
            self.tokens.append(f"tok-{next(self.counter)}")
            return (
                200,
                {},
                {
                    "access_token": self.tokens[-1],
                    "token_type": "Bearer",
                    "expires_in": 60,
                },
            )
        if request.path == "/oauth/health":
            return 200, {}, {"service": "auth"}
        if request.path == "/v2/health":
            return 200, {}, {"service": "catalog", "items": len(ITEMS)}
        if not self.tokens or request.headers.get("authorization") != (
            f"Bearer {self.tokens[-1]}"
        ):
            return 401, {"Content-Type": "application/problem+json"}, {"title": "token"}
        return self.catalog(request)

    def catalog(self, request: Request) -> Reply:
        if request.path == "/v2/items":
            query = dict(p.split("=", 1) for p in request.query.split("&") if p)
            start = int(query.get("cursor", "c0")[1:])
            size = int(query["limit"])
            page = ITEMS[start : start + size]
            following = start + size
            next_cursor = f"c{following}" if following < len(ITEMS) else None
            return 200, {}, {"items": page, "next": next_cursor}
        if request.path.startswith("/v2/items/"):
            wanted = request.path.rsplit("/", 1)[1]
            item = next((i for i in ITEMS if i["id"] == wanted), None)
            return (200, {}, item) if item else (404, {}, {"title": "no such item"})
        if request.path == "/v2/orders" and request.method == "POST":
            if self.busy > 0:
                self.busy -= 1
                return 503, {}, {"title": "busy"}
            return (
                201,
                {},
                {"orderId": f"o-{request.body['itemId']}", "status": "PLACED"},
            )
        return 404, {}, None


@pytest.fixture
def shop() -> Iterator[tuple[Server, Shop]]:
    """A live shop on 127.0.0.1."""
    state = Shop()
    with Server(state) as server:
        yield server, state


CREDENTIALS = {"clientId": CLIENT_ID, "clientSecret": CLIENT_SECRET}


def test_token_from_step_one_is_the_bearer_of_step_two(
    out: Output, shop: tuple[Server, Shop]
) -> None:
    server, state = shop
    client_module = _client(out, "shop")
    models = importlib.import_module("shop.models")
    inputs = models.FetchItemInputs(
        client_id=CLIENT_ID, client_secret=CLIENT_SECRET, item_id="i3"
    )
    with client_module.ShopClient(server.url) as client:
        result = client.run_fetch_item(inputs)
    assert (result.name, result.price, result.expires_in) == ("Item 3", 4.5, 60)
    login, item = server.seen
    assert (login.method, login.path) == ("POST", "/oauth/token")
    assert login.body == {
        "grant_type": "client_credentials",
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "scope": "catalog.read",
    }
    assert (item.method, item.path) == ("GET", "/v2/items/i3")
    assert item.headers["authorization"] == f"Bearer {state.tokens[0]}"


def test_a_refused_token_fails_the_workflow_at_step_one(
    out: Output, shop: tuple[Server, Shop]
) -> None:
    server, _ = shop
    client_module = _client(out, "shop")
    with (
        client_module.ShopClient(server.url) as client,
        pytest.raises(client_module._az.WorkflowError) as info,
    ):
        client.run_fetch_item(
            {"clientId": CLIENT_ID, "clientSecret": "wrong", "itemId": "i1"}
        )
    assert info.value.step_id == "login" and info.value.status == 401
    assert len(server.seen) == 1


def test_the_goto_loop_walks_every_page(out: Output, shop: tuple[Server, Shop]) -> None:
    server, state = shop
    client_module = _client(out, "shop")
    with client_module.ShopClient(server.url) as client:
        result = client.run_list_all_items(CREDENTIALS)
    assert result.first_on_last_page == "i5"
    pages = [r for r in server.seen if r.path == "/v2/items"]
    assert [r.query for r in pages] == [
        "limit=2",
        "cursor=c2&limit=2",
        "cursor=c4&limit=2",
    ]
    assert {r.headers["authorization"] for r in pages} == {f"Bearer {state.tokens[0]}"}
    assert result.steps["page"]["next"] is None


def test_retry_recovers_within_its_limit_and_gives_up_after_it(
    out: Output, shop: tuple[Server, Shop]
) -> None:
    server, state = shop
    client_module = _client(out, "shop")
    order = {**CREDENTIALS, "itemId": "i2", "quantity": 1}
    state.busy = 3  # retryLimit: 3 -> the fourth attempt succeeds
    with client_module.ShopClient(server.url) as client:
        result = client.run_place_order(order)
        assert (result.order_id, result.status) == ("o-i2", "PLACED")
        assert len([r for r in server.seen if r.path == "/v2/orders"]) == 4
        state.busy = 4  # one more than the limit
        with pytest.raises(client_module._az.WorkflowError) as info:
            client.run_place_order(order)
    assert info.value.step_id == "order" and info.value.status == 503
    assert len([r for r in server.seen if r.path == "/v2/orders"]) == 4 + 4


def test_the_same_operation_id_in_two_sources_calls_each_source(
    out: Output, shop: tuple[Server, Shop]
) -> None:
    server, _ = shop
    client_module = _client(out, "shop")

    async def run() -> Any:
        async with client_module.AsyncShopClient(server.url) as client:
            return await client.run_health_of_both()

    result = asyncio.run(run())
    assert (result.auth, result.catalog, result.items) == ("auth", "catalog", 5)
    assert [r.path for r in server.seen] == ["/oauth/health", "/v2/health"]


# -- the petstore: operationPath everywhere, a failure goto back to the search ---------------


@dataclass
class Pets:
    """Two available pets; the first adoption loses a race (409) and takes the pet away."""

    pets: dict[str, str] = field(
        default_factory=lambda: {"p1": "available", "p2": "available"}
    )
    raced: bool = False

    def __call__(self, request: Request) -> Reply:
        if request.method == "GET" and request.path == "/store/pets":
            assert request.query == "status=available&limit=1", request.query
            found = [
                {"id": pet, "name": pet.upper(), "status": status, "tag": None}
                for pet, status in self.pets.items()
                if status == "available"
            ]
            return 200, {}, found[:1]
        match = re.fullmatch(r"/store/pets/([^/]+)/adoptions", request.path)
        if request.method == "POST" and match:
            pet = match.group(1)
            if not self.raced:
                self.raced = True
                self.pets[pet] = "adopted"
                return 409, {}, {"title": "too late"}
            self.pets[pet] = "adopted"
            return 201, {}, {"adoptionId": f"a-{pet}", "petId": pet}
        return 404, {}, None


def test_operation_paths_and_a_failure_goto_back_to_an_earlier_step(
    out: Output,
) -> None:
    client_module = _client(out, "petstore")
    with Server(Pets()) as server, client_module.PetstoreClient(server.url) as client:
        result = client.run_adopt_first_available({"adopter": "ada"})
    assert (result.pet_id, result.name, result.adoption_id) == ("p2", "P2", "a-p2")
    assert [(r.method, r.path) for r in server.seen] == [
        ("GET", "/store/pets"),
        ("POST", "/store/pets/p1/adoptions"),
        ("GET", "/store/pets"),
        ("POST", "/store/pets/p2/adoptions"),
    ]
    assert server.seen[1].body == {"adopter": "ada"}
