# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The shared client against the emulator over real loopback HTTP."""

from __future__ import annotations

import threading
import time
import typing as t

import pytest

from ansible_collections.descope.mgmt.plugins.module_utils import _client
from ansible_collections.descope.mgmt.plugins.module_utils._client import DescopeClient, get_client
from ansible_collections.descope.mgmt.plugins.module_utils._errors import DescopeAPIError
from ansible_collections.descope.mgmt.plugins.module_utils._options import ConnectionSettings


@pytest.fixture(autouse=True)
def fast_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    # keep the 5xx backoff short; the schedule itself is urllib3's
    monkeypatch.setattr(_client, "BACKOFF_FACTOR", 0.01)
    monkeypatch.setattr(_client, "BACKOFF_JITTER", 0.01)


def make(emulator: t.Any, **overrides: t.Any) -> tuple[DescopeClient, list[str]]:
    warnings: list[str] = []
    values = {"project_id": emulator.project_id, "management_key": emulator.management_key, "base_url": emulator.base_url, "retries": 3, "retry_max_wait": 5.0}
    values.update(overrides)
    return DescopeClient(ConnectionSettings(**values), warn=warnings.append), warnings


def test_auth_header_and_keep_alive(emulator: t.Any) -> None:
    client, _warnings = make(emulator)
    assert client.session.headers["Authorization"] == f"Bearer {emulator.project_id}:{emulator.management_key}"
    for _attempt in range(3):
        assert "tenants" in client.get("/v1/mgmt/tenant/all")
    log = emulator.requests()
    assert [(r["method"], r["path"], r["status"]) for r in log] == [("GET", "/v1/mgmt/tenant/all", 200)] * 3
    pool = next(iter(client.session.adapters["http://"].poolmanager.pools._container.values()))
    assert pool.num_connections == 1  # one keep-alive connection served all three calls
    assert client.stats["reads"] == 3 and client.stats["writes"] == 0


def test_wrong_key_is_401_without_the_key_in_the_error(emulator: t.Any) -> None:
    canary = "K2CanaryKeyThatMustNeverBePrinted0001"
    client, _warnings = make(emulator, management_key=canary)
    with pytest.raises(DescopeAPIError) as info:
        client.get("/v1/mgmt/tenant/all")
    exc = info.value
    assert exc.status == 401 and exc.error_code
    dumped = repr(exc.to_result()) + str(exc) + repr(exc.__dict__)
    assert canary not in dumped


def test_bad_request_maps_descope_error_fields(emulator: t.Any) -> None:
    client, _warnings = make(emulator)
    with pytest.raises(DescopeAPIError) as info:
        client.post("/v1/mgmt/tenant/create", {"selfProvisioningDomains": []})
    exc = info.value
    assert exc.status == 400 and exc.error_code and exc.error_code.startswith("E")
    assert exc.method == "POST" and exc.path == "/v1/mgmt/tenant/create"
    assert emulator.writes() == [] or all(r["status"] == 400 for r in emulator.writes())


@pytest.mark.parametrize("status", [400, 404])
def test_unknown_id_is_not_found_either_way(emulator: t.Any, status: int) -> None:
    emulator.config(notFoundStatus=status)
    client, _warnings = make(emulator)
    with pytest.raises(DescopeAPIError) as info:
        client.get("/v1/mgmt/tenant", {"id": "no-such-tenant"})
    assert info.value.status == status and info.value.is_not_found


def test_429_waits_for_retry_after_and_warns(emulator: t.Any) -> None:
    emulator.faults({"path": "/v1/mgmt/tenant/all", "kind": "rate_limit", "retryAfter": 1, "count": 1})
    client, warnings = make(emulator)
    start = time.monotonic()
    client.get("/v1/mgmt/tenant/all")
    elapsed = time.monotonic() - start
    assert elapsed >= 0.95
    assert [r["status"] for r in emulator.requests()] == [429, 200]
    assert len(warnings) == 1 and "429" in warnings[0] and "1 s" in warnings[0]
    assert client.stats["rate_limited"] == 1


def test_retry_after_is_capped_by_retry_max_wait(emulator: t.Any) -> None:
    emulator.faults({"path": "*", "kind": "rate_limit", "retryAfter": 30, "count": 1})
    client, warnings = make(emulator, retry_max_wait=0.2)
    start = time.monotonic()
    client.get("/v1/mgmt/tenant/all")
    assert time.monotonic() - start < 5
    assert "0.2 s" in warnings[0]


def test_429_exhausted_raises_with_retry_after(emulator: t.Any) -> None:
    emulator.faults({"path": "*", "kind": "rate_limit", "retryAfter": 1, "count": None})
    client, _warnings = make(emulator, retries=1, retry_max_wait=0.05)
    with pytest.raises(DescopeAPIError) as info:
        client.get("/v1/mgmt/tenant/all")
    assert info.value.status == 429 and info.value.is_rate_limited and info.value.retry_after == 1.0
    assert len(emulator.requests()) == 2


def test_one_429_pauses_every_worker(emulator: t.Any) -> None:
    emulator.faults({"path": "*", "kind": "rate_limit", "retryAfter": 1, "count": 1})
    client, warnings = make(emulator)
    done: list[float] = []
    start = time.monotonic()

    def worker() -> None:
        client.get("/v1/mgmt/tenant/all")
        done.append(time.monotonic() - start)

    first = threading.Thread(target=worker)
    first.start()
    time.sleep(0.3)  # the first call has hit the 429 by now; a later caller must also wait
    second = threading.Thread(target=worker)
    second.start()
    first.join(10)
    second.join(10)
    assert len(done) == 2 and min(done) >= 0.9
    assert len(warnings) == 1


@pytest.mark.parametrize("status", [500, 503, 520, 522, 530])
def test_5xx_family_is_retried_with_backoff(emulator: t.Any, status: int) -> None:
    emulator.faults({"path": "/v1/mgmt/tenant/all", "kind": "status", "status": status, "count": 2})
    client, warnings = make(emulator)
    assert "tenants" in client.get("/v1/mgmt/tenant/all")
    assert [r["status"] for r in emulator.requests()] == [status, status, 200]
    assert any(f"retried 2 time(s) after {status}, {status}" in w for w in warnings)


def test_5xx_exhausted_raises(emulator: t.Any) -> None:
    emulator.faults({"path": "*", "kind": "status", "status": 503, "count": None})
    client, _warnings = make(emulator, retries=2)
    with pytest.raises(DescopeAPIError) as info:
        client.get("/v1/mgmt/tenant/all")
    assert info.value.status == 503
    assert len(emulator.requests()) == 3


def test_dropped_connection_is_retried_for_reads_only(emulator: t.Any) -> None:
    emulator.faults({"path": "/v1/mgmt/flow/list", "kind": "drop", "count": 1})
    client, warnings = make(emulator)
    assert "flows" in client.post("/v1/mgmt/flow/list", {}, read=True)
    assert warnings and "retrying" in warnings[0]

    emulator.clear_log()
    emulator.faults({"path": "/v1/mgmt/tenant/create", "kind": "drop", "count": 1})
    with pytest.raises(DescopeAPIError) as info:
        client.post("/v1/mgmt/tenant/create", {"id": "t-drop", "name": "Dropped"})
    assert info.value.kind == "network" and info.value.status is None
    assert len([r for r in emulator.requests() if r["path"] == "/v1/mgmt/tenant/create"]) == 1


def test_timeout_is_retried_for_reads(emulator: t.Any) -> None:
    emulator.faults({"path": "/v1/mgmt/tenant/all", "kind": "delay", "seconds": 1.5, "count": 1})
    client, _warnings = make(emulator, timeout=0.5)
    assert "tenants" in client.get("/v1/mgmt/tenant/all")


def test_malformed_and_empty_bodies(emulator: t.Any) -> None:
    client, _warnings = make(emulator, retries=1)
    emulator.faults({"path": "/v1/mgmt/tenant/all", "kind": "malformed", "count": 1})
    assert "tenants" in client.get("/v1/mgmt/tenant/all")  # a read is asked again
    emulator.faults({"path": "/v1/mgmt/tenant/all", "kind": "malformed", "count": 2})
    with pytest.raises(DescopeAPIError) as info:
        client.get("/v1/mgmt/tenant/all")
    assert "not valid JSON" in str(info.value) and not info.value.outcome_unknown
    emulator.faults({"path": "/v1/mgmt/tenant/create", "kind": "malformed", "count": 1})
    with pytest.raises(DescopeAPIError) as info:  # a write is never repeated: it may have landed
        client.post("/v1/mgmt/tenant/create", {"id": "t-bad-body", "name": "Bad body"})
    assert info.value.outcome_unknown and info.value.error_dict()["outcome_unknown"] is True
    emulator.faults({"path": "/v1/mgmt/tenant/all", "kind": "empty", "count": 1})
    assert "tenants" in client.get("/v1/mgmt/tenant/all")  # an empty 2xx body is read again, never taken as {}
    emulator.faults({"path": "/v1/mgmt/tenant/all", "kind": "empty", "count": None})
    with pytest.raises(DescopeAPIError) as info:
        client.get("/v1/mgmt/tenant/all")
    assert "no body" in str(info.value)
    emulator.clear_faults()


def test_empty_answer_to_a_write_is_success(emulator: t.Any) -> None:
    # Whether Descope's void calls answer {} or nothing is undocumented: both must work.
    client, _warnings = make(emulator)
    emulator.faults({"path": "/v1/mgmt/tenant/create", "kind": "empty", "apply": True, "count": 1})
    assert client.post("/v1/mgmt/tenant/create", {"id": "t-empty", "name": "Empty"}) == {}
    assert [t["id"] for t in emulator.state()["tenants"]] == ["t-empty"]
    assert [r["path"] for r in emulator.requests()] == ["/v1/mgmt/tenant/create"]  # not repeated


def test_connection_refused_is_a_network_error() -> None:
    settings = ConnectionSettings(project_id="P2x", management_key="K2x", base_url="http://127.0.0.1:9", retries=1, timeout=2)
    with pytest.raises(DescopeAPIError) as info:
        DescopeClient(settings).get("/v1/mgmt/tenant/all")
    assert info.value.kind == "network" and "K2x" not in str(info.value)


def test_get_client_reuses_one_client_per_settings(emulator: t.Any) -> None:
    settings = ConnectionSettings(project_id=emulator.project_id, management_key=emulator.management_key, base_url=emulator.base_url)
    first = get_client(settings)
    first.get("/v1/mgmt/tenant/all")
    second = get_client(settings)
    assert second is first and second.stats["reads"] == 0  # stats restart per task, the connection stays
    other = get_client(ConnectionSettings(project_id=emulator.project_id, management_key="K2other", base_url=emulator.base_url))
    assert other is not first
