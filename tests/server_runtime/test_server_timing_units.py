"""Runtime units: durations, the TTL cache, auth checks, settings and the timer claim."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from jg_runtime.server.auth import (
    AuthFailure,
    JwtSource,
    MtlsPolicy,
    RequestMeta,
    check_jwt_claims,
    check_mtls_identity,
    decode_jwt,
    parse_certificates,
    read_token,
)
from jg_runtime.server.cache import MemoryCache
from jg_runtime.server.durations import (
    DurationError,
    due_after,
    due_until,
    format_instant,
    parse_duration,
)
from jg_runtime.server.settings import Settings, config_env_name
from jg_runtime.server.sqlite import SQLiteStore
from jg_runtime.server.store import JourneyRecord, TimerRecord

NOW = datetime(2025, 1, 31, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("PT24H", timedelta(hours=24)),
        ("P14D", timedelta(days=14)),
        ("P1W", timedelta(weeks=1)),
        ("PT1.5S", timedelta(seconds=1.5)),
        ("P1DT2H3M4S", timedelta(days=1, hours=2, minutes=3, seconds=4)),
        ("P1M", timedelta(days=28)),  # 31 Jan + 1 month = 28 Feb (clamped)
        ("P1Y", timedelta(days=365)),  # 2025-01-31 -> 2026-01-31
    ],
)
def test_iso_durations(text: str, expected: timedelta) -> None:
    assert parse_duration(text, NOW) == expected


@pytest.mark.parametrize("text", ["", "P", "PT", "24h", "P1H", 5, None, "-P1D"])
def test_bad_durations_are_refused(text: object) -> None:
    with pytest.raises(DurationError):
        parse_duration(text, NOW)


def test_timer_scale_multiplies_durations_and_brings_future_instants_closer() -> None:
    week = due_after(NOW, "P7D", 1e-6)
    assert week - NOW == timedelta(days=7) * 1e-6
    later = due_until(NOW, "2025-02-01T12:00:00Z", 0.5)
    assert later - NOW == timedelta(hours=12)
    past = due_until(NOW, "2020-01-01T00:00:00+01:00", 0.5)
    assert past == datetime(2019, 12, 31, 23, 0, tzinfo=UTC)
    with pytest.raises(DurationError):
        due_until(NOW, "2025-02-01T12:00:00", 1.0)  # no offset


def test_instants_sort_as_text() -> None:
    early, late = NOW, NOW + timedelta(milliseconds=1)
    assert format_instant(early) < format_instant(late)
    assert format_instant(early) == "2025-01-31T12:00:00.000Z"


def test_memory_cache_ttl_and_lru_on_an_injected_clock() -> None:
    now = [100.0]
    cache = MemoryCache(max_entries=2, clock=lambda: now[0])
    cache.put("a", {"v": 1}, 10)
    assert cache.get("a") == {"v": 1}
    now[0] = 109.9
    assert cache.get("a") == {"v": 1}
    now[0] = 110.0
    assert cache.get("a") is None  # expired exactly at the TTL
    cache.put("a", 1, 60)
    cache.put("b", 2, 60)
    assert cache.get("a") == 1  # a is now the most recently used
    cache.put("c", 3, 60)
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (1, None, 3)


def test_memory_cache_returns_copies() -> None:
    cache = MemoryCache()
    value = {"list": [1]}
    cache.put("k", value, 60)
    value["list"].append(2)
    found = cache.get("k")
    found["list"].append(3)
    assert cache.get("k") == {"list": [1]}


def _jwt(claims: dict[str, object]) -> str:
    part = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    head = base64.urlsafe_b64encode(b'{"alg":"none"}').rstrip(b"=").decode()
    return f"{head}.{part}.sig"


def test_jwt_sources_and_decoding() -> None:
    meta = RequestMeta(query={"access_token": "q"}, cookies={"jwt": "c"})
    headers = {"authorization": "bearer abc"}
    assert read_token(JwtSource(), headers, meta) == "abc"
    assert read_token(JwtSource("query", "access_token", None), {}, meta) == "q"
    assert read_token(JwtSource("cookie", "jwt", None), {}, meta) == "c"
    assert read_token(JwtSource(), {"authorization": "Bearer "}, meta) is None
    header, claims = decode_jwt(_jwt({"sub": "s"}))
    assert header == {"alg": "none"} and claims == {"sub": "s"}
    for bad in ("a.b", "x.y.z", _jwt({"sub": "s"}).replace(".", "!", 1)):
        with pytest.raises(AuthFailure) as info:
            decode_jwt(bad)
        assert info.value.code == "JWT_TOKEN_MALFORMED"


@pytest.mark.parametrize(
    ("claims", "scopes", "code"),
    [
        ({"exp": NOW.timestamp() - 61}, (), "JWT_EXPIRED"),
        ({"exp": NOW.timestamp() - 59}, (), None),  # within the leeway
        ({"nbf": NOW.timestamp() + 61}, (), "JWT_NOT_YET_VALID"),
        ({"exp": "tomorrow"}, (), "JWT_CLAIMS_INVALID"),
        ({"scope": "read write"}, ("read",), None),
        ({"scp": ["read"]}, ("read", "write"), "JWT_CLAIMS_INVALID"),
    ],
)
def test_jwt_claim_checks(
    claims: dict[str, object], scopes: tuple[str, ...], code: str | None
) -> None:
    if code is None:
        check_jwt_claims(claims, NOW, 60, scopes)
        return
    with pytest.raises(AuthFailure) as info:
        check_jwt_claims(claims, NOW, 60, scopes)
    assert info.value.code == code


def test_mtls_filters() -> None:
    identity = {
        "subjectDn": "CN=client, OU=Journeys,O=Example",
        "serialNumber": "0A:1B",
        "sans": [{"dns": "API.example.com"}],
    }
    subjects = ("cn=client,OU=Journeys,O=Example",)
    check_mtls_identity(identity, MtlsPolicy(allow_subjects=subjects))
    check_mtls_identity(identity, MtlsPolicy(allow_serials=("0x0a1b",)))
    check_mtls_identity(identity, MtlsPolicy(allow_sans=(("dns", "api.example.com"),)))
    refused = [
        (MtlsPolicy(allow_subjects=("CN=other",)), "MTLS_SUBJECT_DENIED"),
        (MtlsPolicy(allow_sans=(("uri", "api.example.com"),)), "MTLS_SAN_DENIED"),
        (MtlsPolicy(allow_serials=("ff",)), "MTLS_SERIAL_DENIED"),
        (MtlsPolicy(allow_any_from_trusted=False), "MTLS_SUBJECT_DENIED"),
    ]
    for policy, code in refused:
        with pytest.raises(AuthFailure) as info:
            check_mtls_identity(identity, policy)
        assert info.value.code == code
    with pytest.raises(AuthFailure):
        parse_certificates("-----BEGIN CERTIFICATE-----\n!!\n-----END CERTIFICATE-----")


def test_settings_read_timer_scale_and_platform_config_from_the_env() -> None:
    env = {
        "JOURNEY_TIMER_SCALE": "1e-6",
        "JOURNEY_CONFIG_ITEMS_API_BASE_URL": "https://x",
        "JOURNEY_CONFIG_RISK": '{"max": 3}',
        "JOURNEY_CONFIG_RETRIES": "4",
    }
    config = {"itemsApiBaseUrl": "string", "risk": "object", "retries": "integer"}
    settings = Settings.from_env("JOURNEY", (), env, config=config)
    assert settings.timer_scale == 1e-6
    assert settings.platform_config == {
        "itemsApiBaseUrl": "https://x",
        "risk": {"max": 3},
        "retries": 4,
    }
    assert config_env_name("JOURNEY", "itemsApiBaseUrl") == (
        "JOURNEY_CONFIG_ITEMS_API_BASE_URL"
    )
    assert Settings.from_env("JOURNEY", (), {}).timer_scale == 1.0
    for bad in ("-1", "fast", "nan", "inf"):
        with pytest.raises(ValueError, match="JOURNEY_TIMER_SCALE"):
            Settings.from_env("JOURNEY", (), {"JOURNEY_TIMER_SCALE": bad})
    with pytest.raises(ValueError, match="timer_scale"):
        Settings(timer_scale=-0.5)


def test_a_due_timer_is_claimed_once_across_two_connections(tmp_path: Path) -> None:
    path = str(tmp_path / "t.sqlite3")
    first, second = SQLiteStore(path), SQLiteStore(path)
    with first.transaction() as tx:
        tx.insert_journey(
            JourneyRecord(
                "j", "n", "Running", "s", {}, "t", "t", runtime={"token": "x"}
            )
        )
        tx.add_timer(
            TimerRecord("n", "j", ("b",), "s", "x", "timer", "2025-01-01T00:00:00.000Z")
        )
        tx.add_timer(
            TimerRecord("other", "j", (), "s", "x", "timer", "2025-01-01T00:00:00.000Z")
        )
    late = "2024-12-31T23:59:59.999Z"
    with first.transaction() as tx:
        assert tx.claim_due_timer("n", late) is None  # not due yet
    due = "2025-01-01T00:00:00.000Z"
    with first.transaction() as tx:
        claimed = tx.claim_due_timer("n", due)
    with second.transaction() as tx:
        again = tx.claim_due_timer("n", due)
    assert claimed is not None and claimed.path == ("b",) and again is None
    assert first.next_due("n") is None and first.next_due("other") == due
    assert [t.status for t in second.timers("j")] == ["fired", "pending"]
    first.close()
    second.close()
