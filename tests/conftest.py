"""Suite-wide set-up: generated packages and the runtime importable, shared fixtures.

Helpers live in tests/support; nothing is imported from a conftest."""

from __future__ import annotations

import sys

import pytest

from tests.support.paths import CORPUS, GENERATED, CorpusPackage, corpus_cases
from tests.support.runtime import load_runtime

pytest_plugins = ["tests.support.fixtures"]

# The committed generated packages are importable in tests without installing them.
for package in sorted(GENERATED.glob("*/pyproject.toml")):
    if str(package.parent) not in sys.path:
        sys.path.insert(0, str(package.parent))

# templates/runtime is importable as `jg_runtime` in every test module.
load_runtime()


@pytest.fixture(scope="session")
def corpus_packages(
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, CorpusPackage]:
    """Every corpus journey generated once per test session into a temporary folder.

    Keyed by the case folder's name; each package folder is put on `sys.path` so tests can
    import the generated client, models and server. Tests must treat the packages as read-only.
    """
    from generator.format import Formatter
    from generator.pipeline import generate
    from generator.write import write_package

    out = tmp_path_factory.mktemp("corpus-packages")
    formatter = Formatter()
    packages: dict[str, CorpusPackage] = {}
    for case in corpus_cases():
        result = generate(case, root=CORPUS, formatter=formatter)
        write_package(out, result.package, result.files)
        folder = out / result.package
        if str(folder) not in sys.path:
            sys.path.insert(0, str(folder))
        packages[case.name] = CorpusPackage(case, result, folder)
    return packages
