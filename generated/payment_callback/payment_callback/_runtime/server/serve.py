"""The command line behind ``python -m <pkg>.server``: pick handlers, then serve with uvicorn."""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["load_object", "serve"]


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
        "--handlers", help="module:attribute of a zero-argument handlers factory"
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    return parser


def serve(
    prog: str,
    create_app: Callable[[Any], Any],
    fake_handlers: Callable[[], Any],
    argv: Sequence[str] | None = None,
) -> None:
    """Parse the command line, build the app with the chosen handlers and run uvicorn."""
    args = _parser(prog).parse_args(argv)
    if args.fake == bool(args.handlers):
        raise SystemExit("choose exactly one of --fake or --handlers module:attribute")
    handlers = fake_handlers() if args.fake else load_object(args.handlers)()
    import uvicorn  # only the server needs it, and only when serving

    uvicorn.run(create_app(handlers), host=args.host, port=args.port)
