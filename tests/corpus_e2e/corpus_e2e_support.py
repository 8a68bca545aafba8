"""The corpus acceptance harness: the steering table, a live generated server per journey, and
one Arazzo workflow run with the generated client against it.

A workflow runs with its generated `run_<workflow>()` method; whatever the workflow leaves to
someone else (a provider posting a webhook the workflow only waits for) is posted by a
`Provider` thread once the journey is waiting at that state. The journey the workflow started
is found from the start response, and its outcome is read with the generated client.
"""

from __future__ import annotations

import dataclasses
import importlib
import re
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import yaml

from tests.support.live import free_port

TABLE = Path(__file__).resolve().parent / "workflows.yaml"
SECRET = "corpus-e2e-secret"
PHASES = ("SUCCEEDED", "FAILED")


@dataclass(frozen=True)
class Post:
    """An external input somebody other than the workflow posts (a provider, a timer-less
    callback), once the journey is waiting at `state`."""

    state: str
    body: Any
    path: str | None = None  # default: the step endpoint of `state`
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class WorkflowCase:
    """One row of the steering table."""

    journey: str
    workflow_id: str
    reason: str
    inputs: Mapping[str, Any]
    answers: Mapping[str, tuple[Mapping[str, Any], ...]]
    provider: tuple[Post, ...]
    expect: str
    error: str | None = None
    output: Mapping[str, Any] | None = None
    # the journey's settings updated with the row's own
    settings: Mapping[str, Any] = field(default_factory=dict)
    # default headers of the client (e.g. Authorization)
    headers: Mapping[str, str] = field(default_factory=dict)
    # why the journey's output breaks its own output schema (the typed read must refuse it)
    untyped_output: str | None = None


@dataclass(frozen=True)
class JourneyCase:
    """The settings a journey's server runs with and its workflows."""

    name: str
    settings: Mapping[str, Any]
    workflows: tuple[WorkflowCase, ...]


def _substitute(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("${SECRET}", SECRET)
    if isinstance(value, list):
        return [_substitute(v) for v in value]
    if isinstance(value, dict):
        return {k: _substitute(v) for k, v in value.items()}
    return value


def _answers(raw: Any, where: str) -> dict[str, tuple[Mapping[str, Any], ...]]:
    found: dict[str, tuple[Mapping[str, Any], ...]] = {}
    for method, answer in (raw or {}).items():
        items = answer if isinstance(answer, list) else [answer]
        if not items or not all(isinstance(i, dict) and "status" in i for i in items):
            raise ValueError(f"{where}: answers.{method} must be TaskResult objects")
        found[method] = tuple(items)
    return found


def load_table(path: Path = TABLE) -> dict[str, JourneyCase]:
    """Read the steering table; every row must say what it expects and why."""
    data = _substitute(yaml.safe_load(path.read_text(encoding="utf-8")))
    journeys: dict[str, JourneyCase] = {}
    for name, body in data.items():
        rows = []
        for workflow_id, row in body["workflows"].items():
            where = f"{path.name}: {name}/{workflow_id}"
            if row.get("expect") not in PHASES:
                raise ValueError(f"{where}: expect must be one of {PHASES}")
            if not str(row.get("reason") or "").strip():
                raise ValueError(f"{where}: a reason quoting the workflow is required")
            provider = tuple(Post(**p) for p in row.get("provider") or ())
            rows.append(
                WorkflowCase(
                    journey=name,
                    workflow_id=workflow_id,
                    reason=row["reason"],
                    inputs=row.get("inputs") or {},
                    answers=_answers(row.get("answers"), where),
                    provider=provider,
                    expect=row["expect"],
                    error=row.get("error"),
                    output=row.get("output"),
                    settings={
                        **(body.get("settings") or {}),
                        **(row.get("settings") or {}),
                    },
                    headers=row.get("headers") or {},
                    untyped_output=row.get("untyped_output"),
                )
            )
        journeys[name] = JourneyCase(name, body.get("settings") or {}, tuple(rows))
    return journeys


def corpus_workflows(corpus_examples: Path) -> dict[str, list[str]]:
    """Journey folder name -> the workflowIds of its Arazzo document, in document order."""
    found: dict[str, list[str]] = {}
    for doc in sorted(corpus_examples.glob("*/*/*.arazzo.yaml")):
        data = yaml.safe_load(doc.read_text(encoding="utf-8"))
        found[doc.parent.name] = [w["workflowId"] for w in data.get("workflows") or ()]
    return found


@dataclass
class LiveJourney:
    """A journey's generated server on uvicorn with its FakeHandlers and generated clients."""

    module: str
    url: str
    fake: Any
    package: ModuleType
    testing: ModuleType

    @property
    def client_class(self) -> Any:
        """The generated sync client class."""
        return _client_classes(self.package)[0]

    @property
    def async_client_class(self) -> Any:
        """The generated async client class."""
        return _client_classes(self.package)[1]

    def poll(self, **schedule: float) -> Any:
        """A PollSchedule of this package's runtime."""
        polling = importlib.import_module(f"{self.module}._runtime.client.polling")
        return polling.PollSchedule(**schedule)

    def steer(self, answers: Mapping[str, tuple[Mapping[str, Any], ...]]) -> None:
        """Reset every answer to its default, then steer the table's methods."""
        self.fake.answers = self.testing.FakeAnswers()
        task_result = self.testing.TaskResult
        self.fake.steer(
            **{
                method: [task_result.model_validate(dict(a)) for a in items]
                for method, items in answers.items()
            }
        )


def _client_classes(package: ModuleType) -> tuple[Any, Any]:
    clients = [
        getattr(package, n) for n in sorted(package.__all__) if n.endswith("Client")
    ]
    sync = [c for c in clients if not hasattr(c, "__aenter__")]
    async_ = [c for c in clients if hasattr(c, "__aenter__")]
    assert len(sync) == len(async_) == 1, f"{package.__name__} exports {clients}"
    return sync[0], async_[0]


@contextmanager
def live_journey(
    module: str, settings: Mapping[str, Any], store: Path
) -> Iterator[LiveJourney]:
    """Serve a generated package's create_app with FakeHandlers on uvicorn (lifespan on)."""
    import uvicorn

    server_mod = importlib.import_module(f"{module}.server")
    engine = importlib.import_module(f"{module}.engine")
    testing = importlib.import_module(f"{module}.testing")
    fake = testing.FakeHandlers()
    options = dict(settings)
    options.setdefault("api_keys", {p: SECRET for p in engine.PROFILES})
    config_settings = server_mod.Settings(store_path=str(store), **options)
    app = server_mod.create_app(fake, settings=config_settings)
    config = uvicorn.Config(
        app, host="127.0.0.1", port=free_port(), log_level="warning", lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError(f"uvicorn did not start for {module}")
        time.sleep(0.01)
    try:
        yield LiveJourney(
            module,
            f"http://127.0.0.1:{config.port}",
            fake,
            importlib.import_module(module),
            testing,
        )
    finally:
        server.should_exit = True
        thread.join(timeout=10)


class Provider(threading.Thread):
    """Posts the table's external inputs for the journey a workflow started, each once the
    journey is waiting at its state; stops early when the journey ends."""

    def __init__(self, url: str, posts: tuple[Post, ...], deadline: float) -> None:
        super().__init__(daemon=True)
        self.url = url
        self.posts = posts
        self.deadline = deadline
        self.journey_ids: list[str] = []
        self.errors: list[str] = []
        self.posted: list[str] = []

    def started(self, journey_id: str) -> None:
        """Called from the client's response hook with the started journey's id."""
        self.journey_ids.append(journey_id)

    def run(self) -> None:
        if not self.posts:
            return
        try:
            with httpx.Client(base_url=self.url + "/api/v1", timeout=10) as http:
                self._post_all(http)
        except Exception as exc:  # reported by the test, never swallowed
            self.errors.append(f"{type(exc).__name__}: {exc}")

    def _post_all(self, http: httpx.Client) -> None:
        while not self.journey_ids:
            self._tick()
        journey_id = self.journey_ids[0]
        for post in self.posts:
            while True:
                status = http.get(f"/journeys/{journey_id}").json()
                if status.get("phase") != "Running":
                    self.errors.append(
                        f"journey ended ({status.get('phase')}) before {post.state!r} was posted"
                    )
                    return
                if status.get("currentState") == post.state:
                    break
                self._tick()
            path = post.path or f"/journeys/{journey_id}/steps/{post.state}"
            response = http.post(path, json=post.body, headers=dict(post.headers))
            if response.status_code >= 300:
                self.errors.append(
                    f"POST {path}: {response.status_code} {response.text}"
                )
                return
            self.posted.append(post.state)

    def _tick(self) -> None:
        if time.monotonic() > self.deadline:
            raise TimeoutError("the journey never reached the provider's state")
        time.sleep(0.02)


def method_for(client_class: Any, workflow_id: str) -> str:
    """The generated `run_<workflow>` method name of a workflowId."""
    name = "run_" + re.sub(r"[^0-9a-zA-Z]+", "_", workflow_id).strip("_").lower()
    assert hasattr(client_class, name), f"{client_class.__name__} has no {name}()"
    return name


@dataclass
class Ran:
    """What one workflow run produced."""

    outputs: Any
    journey_id: str
    result: Any  # the JSON of the workflow's own last getResult response
    client: Any  # the generated client (closed: pass it a new http client to reuse)
    provider: Provider


def run_workflow(
    live: LiveJourney, case: WorkflowCase, poll: Any, budget: float = 15.0
) -> Ran:
    """Steer the fakes, run the workflow with the generated sync client, read the outcome."""
    live.steer(case.answers)
    provider = Provider(live.url, case.provider, time.monotonic() + budget)

    results: list[Any] = []

    def on_response(response: httpx.Response) -> None:
        request = response.request
        if request.method == "POST" and request.url.path.endswith("/start"):
            response.read()
            if response.status_code < 300:
                provider.started(response.json()["journeyId"])
        elif request.method == "GET" and request.url.path.endswith("/result"):
            response.read()
            if response.status_code < 300:
                results.append(response.json())

    provider.start()
    with httpx.Client(event_hooks={"response": [on_response]}) as http:
        client = live.client_class(
            live.url,
            http_client=http,
            webhook_secret=SECRET,
            deadline=budget,
            headers=dict(case.headers),
        )
        run = getattr(client, method_for(live.client_class, case.workflow_id))
        try:
            outputs = run(dict(case.inputs), poll=poll)
        finally:
            provider.deadline = min(provider.deadline, time.monotonic() + 5)
            provider.join(timeout=budget)
    assert len(provider.journey_ids) == 1, provider.journey_ids
    assert results, "the workflow never read a result"
    return Ran(outputs, provider.journey_ids[0], results[-1], client, provider)


def plain(value: Any) -> Any:
    """A pydantic model or enum as plain JSON data."""
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json", by_alias=True, exclude_none=True)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    return getattr(value, "value", value)


def contains(actual: Any, expected: Any) -> bool:
    """True when `expected` is a subset of `actual` (objects by key, other values by ==)."""
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(
            k in actual and contains(actual[k], v) for k, v in expected.items()
        )
    return bool(actual == expected)
