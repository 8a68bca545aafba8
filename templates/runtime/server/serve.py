"""The command line behind ``python -m <pkg>.server``: pick handlers, then serve with uvicorn."""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable, Sequence
from typing import Any

from .limits import server_buffer_bytes

__all__ = ["load_object", "serve", "uvicorn_options"]


def load_object(spec: str) -> Any:
    """Import ``module:attribute`` (e.g. ``myteam.handlers:Handlers``) and return the attribute."""
    module_name, _, attribute = spec.partition(":")
    if not module_name or not attribute:
        raise SystemExit(f"--handlers must look like module:attribute, got {spec!r}")
    target: Any = importlib.import_module(module_name)
    for part in attribute.split("."):
        target = getattr(target, part)
    return target


def _parser(prog: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog, description="Serve the journey over HTTP."
    )
    parser.add_argument(
        "--fake", action="store_true", help="use the generated fake handlers"
    )
    parser.add_argument(
        "--handlers",
        help="module:attribute of a zero-argument handlers factory (default: every "
        "httpCall is made over HTTP)",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument(
        "--no-access-log",
        dest="access_log",
        action="store_false",
        help="do not log a line per request (uvicorn's access log; on by default)",
    )
    return parser


def serve(
    prog: str,
    create_app: Callable[[Any], Any],
    fake_handlers: Callable[[], Any],
    argv: Sequence[str] | None = None,
) -> None:
    """Parse the command line, build the app with the chosen handlers and run uvicorn."""
    args = _parser(prog).parse_args(argv)
    if args.fake and args.handlers:
        raise SystemExit(
            "choose one of --fake or --handlers module:attribute, not both"
        )
    handlers = (
        fake_handlers()
        if args.fake
        else load_object(args.handlers)() if args.handlers else None
    )  # none: every httpCall over HTTP
    import uvicorn  # only the server needs it, and only when serving

    app = create_app(handlers)
    options = uvicorn_options(app)
    uvicorn.run(
        app, host=args.host, port=args.port, access_log=args.access_log, **options
    )


def uvicorn_options(app: Any) -> dict[str, Any]:
    """Return uvicorn's transport settings for the app's limits (README "Limits").

    The h11 protocol is chosen so the request-head buffer limit applies (a head beyond it is
    refused by uvicorn with 400 before the app sees it); the app's own middleware answers
    431/414 below that, and the body read timeout is the app's (408).
    """
    engine = getattr(app.state, "engine", None)
    settings = getattr(engine, "settings", None)
    options: dict[str, Any] = {"http": "h11", "timeout_keep_alive": 5}
    if settings is not None:
        options["h11_max_incomplete_event_size"] = server_buffer_bytes(settings)
    return options
