"""Generated package READMEs' client examples run as written, for the golden payment-callback
package and every one of the 42 corpus journeys: the server is started with the README's own
demo command (`python -m <pkg>.server --fake`, with the variables that command sets), with every
secret and required setting its server section lists; the example reads what it names from the
environment (a webhook secret, a JWT, a client certificate file), which the test provides as a
user would: the secrets the server got, a JWT it signs, a certificate openssl makes. Each example
must exit 0 and print a terminal phase. Every README's examples pass `mypy --strict`.

Where the published journey decides what its example does, the README says so at the example
and the test checks that it happens: a journey whose output breaks its own output schema has a
note naming which runs raise the typed client's DecodeError and the field it names (the five
listed in DECODES do; a journey whose every successful run would must print FAILED); a journey
whose timers the clock decides, or whose runs wait for nothing but timers, has its timers
scaled in the README's own server command, which the test runs as written.

Measured on all 42 corpus journeys (2026-12-03): 37 run as written, 5 end in the DecodeError
their README documents; none is an xfail.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.live import free_port
from tests.support.paths import GENERATED, CorpusPackage, corpus_cases
from tests.support.readme import serving

pytestmark = pytest.mark.slow

# Corpus journeys whose output breaks their own output schema: their README says so at the
# example (which run raises DecodeError, naming which field), and their example's run on the
# fake handlers does end in that DecodeError (measured; the README's note is what is checked).
DECODES = {
    "b2b-purchase-order": "/output/purchaseOrderId",
    "customer-onboarding-kyc": "/output/finalStatus",
    "high-value-transfer": "/output/decision",
    "loan-application": "/output/decision",
    "notification-throttle": "/output/nextNotificationAvailableAt",
}
DECODE_NOTE = "**The journey's output breaks its own output schema**"

# What the README must say about a corpus journey whose example's run the journey decides:
# a timer the clock decides (after hours business-hours-payment-authorization waits until
# 09:00, before the opening market-open-order-submission waits for it). The README's own server
# command scales timers for these. (healthcare-appointment-referral's states written one level
# too deep are read as states, a warning, so its example waits for the patient's decision.)
TOLD: dict[str, str] = {
    "business-hours-payment-authorization": r"timer `waitUntilBusinessOpen`: its duration reads `context\.businessDelayDuration`, which transform classifySubmissionTime computes from `now\(\)`",
    "market-open-order-submission": r"timer `marketOpenTimer`: its duration reads `context\.preOpenDelayDuration`, which transform classifyOrderTiming computes from `now\(\)`",
}
SCALED = {
    "daily-orders-batch-close",  # waits for nothing but two timers
    # wait for nothing but a poll timer (60 s, 30 s): scaled, the first poll comes at once
    # and the run ends FAILED (the fake start answers no job id to poll)
    "async-report-generation",
    "async-fire-and-observe",
    "business-hours-payment-authorization",
    "market-open-order-submission",
}


def _blocks(readme: str) -> list[str]:
    return re.findall(r"```python\n(.+?)```", readme, re.S)


def _environment(readme: str) -> dict[str, str]:
    """Every variable the server section's table lists, set (secrets and required config)."""
    section = readme[readme.index("## Server") :] if "## Server" in readme else ""
    listed = re.findall(r"^\| `([A-Z0-9_]+)` \| none", section, re.M)
    return {name: "readme-example-value" for name in listed}


def _demo_command(readme: str, module: str) -> str:
    """The server command the README's example introduction gives (with its variables)."""
    found = re.search(r"against the server on its fake handlers \(`([^`]+)`", readme)
    command = (
        found.group(1) if found else f"python -m {module}.server --fake --port 8080"
    )
    assert f"python -m {module}.server --fake" in command, command
    return command.replace("python -m", f"{sys.executable} -m", 1)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _jwt() -> str:
    """A compact HS256 JWS with the claims the corpus journeys' policies look for."""
    header = {"alg": "HS256", "typ": "JWT"}
    claims = {
        "sub": "readme-user",
        "scope": "openid admin read:users",
        "iat": int(time.time()),
        "exp": int(time.time()) + 3600,
    }
    signing = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
    key = os.urandom(32)
    signature = hmac.new(key, signing.encode(), hashlib.sha256).digest()
    return f"{signing}.{_b64(signature)}"


@pytest.fixture(scope="module")
def client_cert(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A self-signed client certificate (PEM) made by openssl, as a consumer holds one."""
    folder = tmp_path_factory.mktemp("client-cert")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem"),
         "-subj", "/CN=readme-client/OU=AdminClients/OU=Journeys/O=Example"],
        check=True, capture_output=True,
    )  # fmt: skip
    return folder / "cert.pem"


def _client_environment(
    code: str, server: dict[str, str], cert: Path
) -> dict[str, str]:
    """What the example reads from the environment: the server's secrets, a JWT, a cert."""
    found: dict[str, str] = {}
    for name in re.findall(r'os\.environ\["([A-Z0-9_]+)"\]', code):
        if name.endswith("_TOKEN"):
            found[name] = _jwt()
        elif name.endswith("_CLIENT_CERT"):
            found[name] = str(cert)
        else:
            assert name in server, f"the example reads {name}, which the server lacks"
            found[name] = server[name]
    return found


def _run_examples(
    package: Path,
    tmp_path: Path,
    cert: Path,
    decodes: str | None = None,
) -> None:
    """Run the README's examples against the README's demo server command as written; with
    `decodes`, each must end in the DecodeError naming that field, as the README says.
    """
    readme = (package / "README.md").read_text(encoding="utf-8")
    blocks = _blocks(readme)
    assert len(blocks) == 2, f"{package.name}: expected a sync and an async example"
    env = {**os.environ, **_environment(readme), "PYTHONPATH": str(package)}
    module = package.name
    note = next(
        (line for line in readme.splitlines() if line.startswith(DECODE_NOTE)), None
    )
    documented = re.findall(r"`(/output/\w+)`", note or "")
    if decodes is not None:
        assert decodes in documented, f"{module}: the README does not say:\n{note}"
    with serving(
        _demo_command(readme, module), tmp_path, port=free_port(), env=env
    ) as url:
        for index, code in enumerate(blocks):
            script = tmp_path / f"example_{index}.py"
            run = code.replace("http://localhost:8080", url)
            script.write_text(run, encoding="utf-8")
            done = subprocess.run(
                [sys.executable, str(script)],
                env={**env, **_client_environment(code, env, cert)},
                cwd=tmp_path,
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
            if decodes is not None:
                raised = re.search(
                    rf"^{module}\._runtime\.client\.errors\.DecodeError: response does "
                    rf"not match the declared schema.*{decodes}",
                    done.stderr,
                    re.M,
                )
                assert (
                    done.returncode == 1 and raised
                ), f"{module} example {index}: not the README's DecodeError:\n{done.stderr[-3000:]}{done.stdout[-500:]}"  # fmt: skip
                continue
            assert (
                done.returncode == 0
            ), f"{module} example {index}:\n{code}\n{done.stderr[-3000:]}"
            phase = done.stdout.split(" ", 1)[0]
            assert phase in ("SUCCEEDED", "FAILED"), f"{module}: {done.stdout[-500:]}"
            if note is not None and "every run of this journey that succeeds" in note:
                assert phase == "FAILED", f"{module}: {done.stdout[-500:]}"


def _cases() -> list[str]:
    return [case.name for case in corpus_cases()]


def test_known_defects_name_corpus_journeys() -> None:
    named = set(DECODES) | set(TOLD) | SCALED
    assert named <= {case.name for case in corpus_cases()}


def test_golden_readme_examples_run(tmp_path: Path, client_cert: Path) -> None:
    _run_examples(GENERATED / "payment_callback", tmp_path, client_cert)


@pytest.mark.parametrize("case", _cases())
def test_corpus_readme_examples_run(
    case: str,
    corpus_packages: dict[str, CorpusPackage],
    tmp_path: Path,
    client_cert: Path,
) -> None:
    folder = corpus_packages[case].folder
    readme = (folder / "README.md").read_text(encoding="utf-8")
    if case in TOLD:
        assert re.search(TOLD[case], readme), f"{case}: the README does not say it"
    scales = re.search(r"\(`[^`]*_TIMER_SCALE=1e-6 python -m [^`]*`", readme)
    assert bool(scales) == (case in SCALED), f"{case}: the demo command's timer scale"
    _run_examples(folder, tmp_path, client_cert, decodes=DECODES.get(case))


def test_every_readme_example_passes_mypy_strict(
    corpus_packages: dict[str, CorpusPackage], tmp_path: Path
) -> None:
    packages = [
        GENERATED / "payment_callback",
        *(corpus_packages[name].folder for name in sorted(corpus_packages)),
    ]
    files, paths = [], []
    for number, package in enumerate(packages):
        paths.append(str(package))
        for index, code in enumerate(
            _blocks((package / "README.md").read_text(encoding="utf-8"))
        ):
            files.append(tmp_path / f"p{number}_{package.name}_example_{index}.py")
            files[-1].write_text(code, encoding="utf-8")
    assert len(files) == 2 * 43, "a sync and an async example in every README"
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", *map(str, files)],
        cwd=tmp_path,
        env={**os.environ, "MYPYPATH": os.pathsep.join(paths)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-5000:]
