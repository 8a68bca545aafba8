"""The runtime's JSONPath parser, loaded from `templates/runtime/client/jsonpath.py`.

The generated client ships that file verbatim; loading the very same file here means a query
accepted at generation time is exactly one the runtime can evaluate.
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

_MODULE_NAME = "generator.arazzo._runtime_jsonpath"


def _load() -> ModuleType:
    if _MODULE_NAME in sys.modules:
        return sys.modules[_MODULE_NAME]
    from generator.render import (
        RUNTIME_DIR,
        templates_dir,
    )  # late: render imports the IR

    path = templates_dir() / RUNTIME_DIR / "client" / "jsonpath.py"
    spec = importlib.util.spec_from_file_location(_MODULE_NAME, path)
    if spec is None or spec.loader is None:  # pragma: no cover - a broken installation
        raise ImportError(f"cannot load the runtime JSONPath module from {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[_MODULE_NAME] = (
        module  # dataclasses resolve annotations through sys.modules
    )
    spec.loader.exec_module(module)
    return module


runtime_jsonpath = _load()
