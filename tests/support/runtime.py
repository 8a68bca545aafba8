"""The one loader of templates/runtime for tests: the folder imported as the package
`jg_runtime`, its modules related to each other as in a generated package's `_runtime`.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

RUNTIME_DIR = Path(__file__).resolve().parents[2] / "templates" / "runtime"
NAME = "jg_runtime"


def load_runtime() -> ModuleType:
    """Import templates/runtime as `jg_runtime` (once per process); return the package."""
    loaded = sys.modules.get(NAME)
    if loaded is not None:
        return loaded
    spec = importlib.util.spec_from_file_location(
        NAME,
        RUNTIME_DIR / "__init__.py",
        submodule_search_locations=[str(RUNTIME_DIR)],
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[NAME] = module
    spec.loader.exec_module(module)
    return module


def runtime_module(name: str) -> ModuleType:
    """One runtime module by its dotted name below the runtime folder (`"arazzo"`)."""
    load_runtime()
    return importlib.import_module(f"{NAME}.{name}")
