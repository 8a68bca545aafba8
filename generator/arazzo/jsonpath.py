"""The runtime's JSONPath parser, loaded from `templates/runtime/client/jsonpath*.py` on first
use (`runtime_jsonpath()`), never at import time.

The generated client ships those files verbatim; loading the very same files here means a query
accepted at generation time is exactly one the runtime can evaluate. The runtime's client folder
is loaded as a package under a private name (its `__init__` only has a docstring), so the
JSONPath modules' relative imports resolve to their siblings and nothing else of the runtime
is imported.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import sys
from types import ModuleType

_PACKAGE_NAME = "generator.arazzo._runtime_client"


@functools.cache
def runtime_jsonpath() -> ModuleType:
    """The runtime's `client/jsonpath` module, loaded once per process."""
    name = f"{_PACKAGE_NAME}.jsonpath"
    if name in sys.modules:
        return sys.modules[name]
    from generator.render import (
        RUNTIME_DIR,
        templates_dir,
    )  # late: render imports the IR

    folder = templates_dir() / RUNTIME_DIR / "client"
    spec = importlib.util.spec_from_file_location(
        _PACKAGE_NAME, folder / "__init__.py", submodule_search_locations=[str(folder)]
    )
    if spec is None or spec.loader is None:  # pragma: no cover - a broken installation
        raise ImportError(f"cannot load the runtime JSONPath modules from {folder}")
    package = importlib.util.module_from_spec(spec)
    sys.modules[_PACKAGE_NAME] = (
        package  # dataclasses resolve annotations through sys.modules
    )
    spec.loader.exec_module(package)
    return importlib.import_module(name)
