# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The shared client against the emulator over real loopback HTTP."""

from __future__ import annotations

import dataclasses
import threading
import typing as t

import pytest
import requests

from ansible_collections.descope.mgmt.plugins.module_utils import _client, _client_retry
from ansible_collections.descope.mgmt.plugins.module_utils._client import DescopeClient, get_client
from ansible_collections.descope.mgmt.plugins.module_utils._errors import DescopeAPIError, DescopeConfigError
from ansible_collections.descope.mgmt.plugins.module_utils._options import ConnectionSettings


@pytest.fixture(autouse=True)
def fast_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    # keep the 5xx backoff short (the schedule is exercised, not its length)
    monkeypatch.setattr(_client_retry, "BACKOFF_FACTOR", 0.01)
    monkeypatch.setattr(_client_retry, "BACKOFF_JITTER", 0.01)


def make(emulator: t.Any, **overrides: t.Any) -> tuple[DescopeClient, list[str]]:
    warnings: list[str] = []
    values = {
        "project_id": emulator.project_id,
        "management_key": emulator.management_key,
        "base_url": emulator.base_url,
        "retries": 3,
        "retry_max_wait": 5.0,
        "license_handshake": False,
    }
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
def test_only_a_404_is_not_found_by_itself(emulator: t.Any, status: int) -> None:
    # The contract: a 404 means absent; a 400 is never taken as "absent" from its wording (the emulator's
    # 400 style carries none of the old magic words); callers read whether the object exists instead.
    emulator.config(notFoundStatus=status)
    client, _warnings = make(emulator)
    with pytest.raises(DescopeAPIError) as info:
        client.get("/v1/mgmt/tenant", {"id": "no-such-tenant"})
    assert info.value.status == status and info.value.is_not_found is (status == 404)
    # the lookup the collection uses instead answers the same for both styles: an empty list
    assert client.post("/v1/mgmt/tenant/search", {"tenantIds": ["no-such-tenant"]}, read=True)["tenants"] == []


def test_429_with_a_one_second_retry_after_is_paced_not_slept(emulator: t.Any) -> None:
    # Descope's Retry-After is whole seconds: 1 means "under a second", the learned pace decides the retry
    emulator.faults({"path": "/v1/mgmt/tenant/all", "kind": "rate_limit", "retryAfter": 1, "count": 1})
    client, warnings = make(emulator)
    assert "tenants" in client.get("/v1/mgmt/tenant/all")
    assert [r["status"] for r in emulator.requests()] == [429, 200]
    assert len(warnings) == 1 and "429" in warnings[0] and "pacing" in warnings[0]
    assert client.stats["rate_limited"] == 1 and client.stats["waited"] == 0
    assert client.pacer.throttles == 1 and client.pacer.rate is None  # one 429 with nothing measured before it sets no rate


def test_long_retry_after_is_honoured_for_every_worker_and_capped(emulator: t.Any) -> None:
    emulator.faults({"path": "*", "kind": "rate_limit", "retryAfter": 30, "count": 1})
    client, warnings = make(emulator, retry_max_wait=0.2)
    client.get("/v1/mgmt/tenant/all")
    assert len(warnings) == 1 and "0.2 s" in warnings[0] and client.stats["waited"] == 0.2


def test_429_exhausted_raises_with_retry_after(emulator: t.Any) -> None:
    emulator.faults({"path": "*", "kind": "rate_limit", "retryAfter": 1, "count": None})
    client, _warnings = make(emulator, retries=1, retry_max_wait=0.05)
    with pytest.raises(DescopeAPIError) as info:
        client.get("/v1/mgmt/tenant/all")
    assert info.value.status == 429 and info.value.is_rate_limited and info.value.retry_after == 1.0
    assert len(emulator.requests()) == 1 + 1 * _client_retry.RATE_LIMIT_RETRY_FACTOR


def test_429s_while_other_requests_are_served_never_exhaust_the_budget(emulator: t.Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # a token bucket shared by many workers: this request is refused more often than its budget allows, but the API
    # serves other requests in between, so it is waiting its turn (the failure on a loaded machine: one item lost)
    emulator.faults({"path": "/v1/mgmt/tenant/create", "kind": "rate_limit", "retryAfter": 1, "count": 12})
    client, _warnings = make(emulator, retries=1)
    pause = client._pause_for_rate_limit

    def another_worker_is_served(*args: t.Any) -> None:
        pause(*args)
        client.get("/v1/mgmt/tenant/all")

    monkeypatch.setattr(client, "_pause_for_rate_limit", another_worker_is_served)
    client.post("/v1/mgmt/tenant/create", {"id": "queued", "name": "Queued"})
    creates = [r["status"] for r in emulator.requests() if r["path"] == "/v1/mgmt/tenant/create"]
    assert creates == [429] * 12 + [200]  # 12 > 1 x RATE_LIMIT_RETRY_FACTOR, and one create landed
    assert client.stats["rate_limited"] == 12


def test_a_safe_retry_spends_its_budget_only_while_nobody_is_served(emulator: t.Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # a faulty network (503s on one request while others get through): the API is up, the idempotent update is
    # repeated past its budget, but never more than RATE_LIMIT_RETRY_FACTOR x retries times
    emulator.faults({"path": "/v1/mgmt/tenant/update", "kind": "status", "status": 503, "count": 3})
    client, _warnings = make(emulator, retries=1)
    note = client._retry_note

    def another_worker_is_served(*args: t.Any) -> None:
        note(*args)
        client.get("/v1/mgmt/tenant/all")

    monkeypatch.setattr(client, "_retry_note", another_worker_is_served)
    with pytest.raises(DescopeAPIError):  # the update itself may 404 (no such tenant): what counts is how often it was sent
        client.post("/v1/mgmt/tenant/update", {"id": "nobody", "name": "New"}, idempotent=True)
    updates = [r["status"] for r in emulator.requests() if r["path"] == "/v1/mgmt/tenant/update"]
    assert updates[:3] == [503, 503, 503] and len(updates) == 4  # 3 > retries=1, then the real answer
    emulator.clear_faults()
    emulator.faults({"path": "/v1/mgmt/tenant/update", "kind": "status", "status": 503, "count": None})
    before = len([r for r in emulator.requests() if r["path"] == "/v1/mgmt/tenant/update"])
    with pytest.raises(DescopeAPIError) as info:
        client.post("/v1/mgmt/tenant/update", {"id": "nobody", "name": "New"}, idempotent=True)
    assert info.value.status == 503
    after = len([r for r in emulator.requests() if r["path"] == "/v1/mgmt/tenant/update"])
    assert after - before == 1 + 1 * _client_retry.RATE_LIMIT_RETRY_FACTOR  # the hard cap, even while others are served
    emulator.clear_faults()


def test_retries_zero_means_no_retry_even_for_429(emulator: t.Any) -> None:
    emulator.faults({"path": "*", "kind": "rate_limit", "retryAfter": 1, "count": 1})
    client, _warnings = make(emulator, retries=0)
    with pytest.raises(DescopeAPIError) as info:
        client.get("/v1/mgmt/tenant/all")
    assert info.value.status == 429 and len(emulator.requests()) == 1


@pytest.mark.parametrize("status", [500, 502, 503, 504, 520, 521, 522, 524, 530])
def test_reads_retry_the_whole_5xx_family(emulator: t.Any, status: int) -> None:
    emulator.faults({"path": "/v1/mgmt/tenant/all", "kind": "status", "status": status, "count": 2})
    client, warnings = make(emulator)
    assert "tenants" in client.get("/v1/mgmt/tenant/all")
    assert [r["status"] for r in emulator.requests()] == [status, status, 200]
    assert sum(f"HTTP {status}; retrying" in w for w in warnings) == 2


@pytest.mark.parametrize("status", [503, 520, 521, 522, 524, 530])
@pytest.mark.parametrize("how", [{}, {"idempotent": True}])
def test_writes_retry_only_the_sdk_statuses(emulator: t.Any, status: int, how: dict[str, t.Any]) -> None:
    emulator.faults({"path": "/v1/mgmt/tenant/create", "kind": "status", "status": status, "count": 1})
    client, _warnings = make(emulator)
    client.post("/v1/mgmt/tenant/create", {"id": f"t-{status}", "name": f"T {status}"}, **how)
    assert [r["status"] for r in emulator.requests()] == [status, 200]
    assert [x["id"] for x in emulator.state()["tenants"]] == [f"t-{status}"]


@pytest.mark.parametrize("status", [500, 502, 504])
@pytest.mark.parametrize("how", [{}, {"idempotent": True}])
def test_writes_never_repeat_500_502_504(emulator: t.Any, status: int, how: dict[str, t.Any]) -> None:
    # a 502/504 can come back after the origin applied the write: repeating a create would then fail "already exists"
    emulator.faults({"path": "/v1/mgmt/tenant/create", "kind": "status", "status": status, "count": 1})
    client, _warnings = make(emulator)
    with pytest.raises(DescopeAPIError) as info:
        client.post("/v1/mgmt/tenant/create", {"id": "t-once", "name": "Once"}, **how)
    assert info.value.status == status and len(emulator.requests()) == 1


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
    assert info.value.kind == "network" and info.value.status is None and info.value.outcome_unknown
    assert len([r for r in emulator.requests() if r["path"] == "/v1/mgmt/tenant/create"]) == 1


def test_idempotent_write_is_repeated_after_a_reset_that_applied_it(emulator: t.Any) -> None:
    emulator.seed(tenants=[{"id": "t1", "name": "Old"}])
    emulator.faults({"path": "/v1/mgmt/tenant/update", "kind": "drop", "apply": True, "count": 1})
    client, warnings = make(emulator)
    client.post("/v1/mgmt/tenant/update", {"id": "t1", "name": "New"}, idempotent=True)
    assert [r["path"] for r in emulator.requests()] == ["/v1/mgmt/tenant/update"] * 2
    assert [x["name"] for x in emulator.state()["tenants"]] == ["New"] and any("retrying" in w for w in warnings)


def test_create_whose_answer_was_lost_is_resolved_not_duplicated(emulator: t.Any) -> None:
    client, warnings = make(emulator)
    checks: list[str] = []

    def resolve() -> dict[str, t.Any] | None:
        checks.append("x")
        found = client.post("/v1/mgmt/tenant/search", {"tenantIds": ["t-lost"]}, read=True).get("tenants") or []
        return {"id": found[0]["id"]} if found else None

    # the create landed, then the connection died: resolve finds it, nothing is sent again
    emulator.faults({"path": "/v1/mgmt/tenant/create", "kind": "drop", "apply": True, "count": 1})
    assert client.post("/v1/mgmt/tenant/create", {"id": "t-lost", "name": "Lost"}, resolve=resolve) == {"id": "t-lost"}
    assert len([r for r in emulator.requests() if r["path"] == "/v1/mgmt/tenant/create"]) == 1 and checks == ["x"]
    assert any("had been applied" in w for w in warnings)

    # the create did not land: resolve says so, the create is sent again, exactly one tenant exists
    emulator.clear_log()
    emulator.faults({"path": "/v1/mgmt/tenant/create", "kind": "drop", "count": 1})
    client.post("/v1/mgmt/tenant/create", {"id": "t-second", "name": "Second"}, resolve=lambda: None)
    assert len([r for r in emulator.requests() if r["path"] == "/v1/mgmt/tenant/create"]) == 2
    assert sorted(x["id"] for x in emulator.state()["tenants"]) == ["t-lost", "t-second"]


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
    settings = ConnectionSettings(project_id=emulator.project_id, management_key=emulator.management_key, base_url=emulator.base_url, license_handshake=False)
    first = get_client(settings)
    first.get("/v1/mgmt/tenant/all")
    second = get_client(settings)
    assert second is first and second.stats["reads"] == 0  # stats restart per task, the connection stays
    other = get_client(ConnectionSettings(project_id=emulator.project_id, management_key="K2other", base_url=emulator.base_url))
    assert other is not first


def test_a_429_paces_every_worker_of_the_client(emulator: t.Any) -> None:
    emulator.faults({"path": "*", "kind": "rate_limit", "retryAfter": 1, "count": 3})
    client, warnings = make(emulator)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            for _n in range(3):
                client.get("/v1/mgmt/tenant/all")
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _n in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(30)
    assert not errors and [r["status"] for r in emulator.requests()].count(200) == 12
    assert client.stats["rate_limited"] == 3 and len(warnings) == 1  # one warning per client, not one per worker
    assert client.pacer.throttles == 3  # one pacer for every worker


# -- licence handshake (python-sdk descope_client.py / management/license.py, go-sdk FetchLicense) --------------


def test_licence_handshake_once_then_header_on_every_request(emulator: t.Any) -> None:
    client, _warnings = make(emulator, license_handshake=True)
    threads = [threading.Thread(target=client.get, args=("/v1/mgmt/tenant/all",)) for _n in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(30)
    client.post("/v1/mgmt/tenant/create", {"id": "t-lic", "name": "Licensed"})
    paths = [r["path"] for r in emulator.requests()]
    assert paths[0] == "/v1/mgmt/license" and paths.count("/v1/mgmt/license") == 1 and len(paths) == 6
    assert client.license_tier and client.session.headers["x-descope-license"] == client.license_tier
    assert client.stats["reads"] == 4 and client.stats["writes"] == 1  # the handshake is not a task request


@pytest.mark.parametrize("fault", [{"kind": "status", "status": 500}, {"kind": "drop"}, {"kind": "malformed"}, {"kind": "status", "status": 403}])
def test_a_failed_licence_handshake_is_ignored_and_not_retried(emulator: t.Any, fault: dict[str, t.Any]) -> None:
    emulator.faults({"path": "/v1/mgmt/license", "count": 1, **fault})
    client, warnings = make(emulator, license_handshake=True)
    assert "tenants" in client.get("/v1/mgmt/tenant/all")
    assert "tenants" in client.get("/v1/mgmt/tenant/all")
    assert [r["path"] for r in emulator.requests()] == ["/v1/mgmt/license", "/v1/mgmt/tenant/all", "/v1/mgmt/tenant/all"]
    assert client.license_tier is None and "x-descope-license" not in client.session.headers and warnings == []


def test_get_client_does_the_handshake_once_across_tasks(emulator: t.Any) -> None:
    settings = ConnectionSettings(project_id=emulator.project_id, management_key="K2HandshakeCache0001", base_url=emulator.base_url)
    first = get_client(settings)
    assert first.settings.license_handshake is True
    second = get_client(settings)
    assert second is first and second._license_done is False  # lazy: nothing sent before the first request


# -- credentials never leave the client ----------------------------------------------------------------------


@pytest.mark.parametrize("key", ["K2Canary\nInjected: yes", "K2Canary\r\nX", "K2Canary\tTab", "K2Canary€uro", "K2Canary\u00a0nbsp", "K2 Space"])
def test_unsendable_key_is_refused_before_any_request(emulator: t.Any, key: str) -> None:
    with pytest.raises(DescopeConfigError) as info:
        make(emulator, management_key=key)
    text = str(info.value) + repr(info.value.to_result())
    assert "management_key" in text and "Fix:" in text
    for piece in ("K2Canary", "Injected", "uro", "nbsp", "Space"):
        assert piece not in text
    assert emulator.requests() == []


def test_http_library_errors_never_surface_raw(emulator: t.Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # whatever slips past validation: requests' InvalidHeader quotes the header value, it must not escape
    client, _warnings = make(emulator, management_key="K2CanaryHeader0001")
    client.session.headers["Authorization"] = "Bearer P2x:K2CanaryHeader0001\nX: y"
    with pytest.raises(DescopeConfigError) as info:
        client.get("/v1/mgmt/tenant/all")
    assert "K2CanaryHeader0001" not in str(info.value) and "InvalidHeader" in str(info.value)
    assert emulator.requests() == []


def test_a_key_echoed_by_the_server_or_a_proxy_is_redacted(emulator: t.Any) -> None:
    canary = "K2CanaryEchoedByAProxy0000001"
    emulator.seed(projects=[{"id": emulator.project_id, "managementKey": canary}])
    body = '{"errorCode": "E000001", "errorDescription": "bad key ' + canary + '", "errorMessage": "Bearer x:' + canary + '"}'
    emulator.faults({"path": "*", "kind": "status", "status": 400, "body": body, "count": 1})
    client, warnings = make(emulator, management_key=canary)
    with pytest.raises(DescopeAPIError) as info:
        client.get("/v1/mgmt/tenant/all")
    dumped = str(info.value) + repr(info.value.to_result()) + repr(info.value.__dict__) + repr(client) + " ".join(warnings)
    assert canary not in dumped and "[REDACTED]" in dumped


def test_client_repr_hides_credentials(emulator: t.Any) -> None:
    client, _warnings = make(emulator, management_key="K2CanaryRepr0000001")
    assert "K2CanaryRepr0000001" not in repr(client) + repr(client.settings)


# -- what requests takes from the session and the environment (the client prepares each request itself) ------------


class _Recorder:
    """A loopback HTTP server that records each request line and its headers; the first answer sets a cookie."""

    def __init__(self) -> None:
        import http.server

        self.seen: list[tuple[str, dict[str, str]]] = []
        recorder = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802  # http.server's naming
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                recorder.seen.append((self.requestline, {k.lower(): v for k, v in self.headers.items()}))
                body = b'{"tenants": []}'
                self.send_response(200)
                if len(recorder.seen) == 1:
                    self.send_header("Set-Cookie", "edge=abc; Path=/")
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_POST = do_GET  # noqa: N815

            def log_message(self, *_args: t.Any) -> None:
                return None

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def recorder() -> t.Iterator[_Recorder]:
    server = _Recorder()
    yield server
    server.close()


def _settings(url: str) -> ConnectionSettings:
    return ConnectionSettings(project_id="P2recorder", management_key="K2recorderKey000001", base_url=url, retries=0, license_handshake=False)


@pytest.fixture
def no_proxy_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY", "no_proxy", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(_client, "_CLIENTS", {})


def test_session_headers_cookies_and_query_reach_the_server(recorder: _Recorder, no_proxy_environment: None) -> None:
    client = DescopeClient(_settings(recorder.url))
    client.get("/v1/mgmt/tenant/all")
    client.get("/v1/mgmt/tenant", {"id": "a b", "unset": None})
    client.post("/v1/mgmt/tenant/search", {"tenantIds": ["x"]}, read=True)
    lines = [line for line, _headers in recorder.seen]
    # the query is encoded and a None value left out, as requests always did
    assert lines == ["GET /v1/mgmt/tenant/all HTTP/1.1", "GET /v1/mgmt/tenant?id=a+b HTTP/1.1", "POST /v1/mgmt/tenant/search HTTP/1.1"]
    first, second, third = (headers for _line, headers in recorder.seen)
    for headers in (first, second, third):
        assert headers["authorization"] == "Bearer P2recorder:K2recorderKey000001"
        assert headers["x-descope-project-id"] == "P2recorder" and headers["user-agent"] == _client.USER_AGENT
    assert "cookie" not in first and second["cookie"] == "edge=abc" and third["cookie"] == "edge=abc"  # the session keeps cookies
    assert third["content-length"] == str(len('{"tenantIds":["x"]}'))


def test_a_netrc_entry_for_the_api_host_never_replaces_the_key(
    recorder: _Recorder, no_proxy_environment: None, monkeypatch: pytest.MonkeyPatch, tmp_path: t.Any
) -> None:
    # requests' trust_env rule would send a netrc login as basic auth instead of the Bearer header (and leak it to Descope).
    netrc = tmp_path / ".netrc"
    netrc.write_text("machine 127.0.0.1 login someone password netrc-password-not-for-descope\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    monkeypatch.setenv("HOME", str(tmp_path))
    assert requests.utils.get_netrc_auth(recorder.url) == ("someone", "netrc-password-not-for-descope")  # the file is read
    DescopeClient(_settings(recorder.url)).get("/v1/mgmt/tenant/all")
    ((_line, headers),) = recorder.seen
    assert headers["authorization"] == "Bearer P2recorder:K2recorderKey000001"


def test_proxy_environment_is_honoured_and_read_again_by_each_task(recorder: _Recorder, no_proxy_environment: None, monkeypatch: pytest.MonkeyPatch) -> None:
    # The recorder is both the API and the proxy: a proxied request line carries the absolute URL.
    settings = _settings(recorder.url)
    get_client(settings).get("/v1/mgmt/tenant/all")
    monkeypatch.setenv("http_proxy", recorder.url)
    get_client(settings).get("/v1/mgmt/tenant/all")  # the next task (same cached client) goes through the proxy
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    get_client(settings).get("/v1/mgmt/tenant/all")  # and a task after that honours no_proxy
    lines = [line for line, _headers in recorder.seen]
    assert lines == [
        "GET /v1/mgmt/tenant/all HTTP/1.1",
        f"GET {recorder.url}/v1/mgmt/tenant/all HTTP/1.1",
        "GET /v1/mgmt/tenant/all HTTP/1.1",
    ]


class _Redirector(_Recorder):
    """An API address that answers every request with ``status`` and a Location on another listener."""

    def __init__(self, status: int, location: str) -> None:
        import http.server

        self.seen = []
        redirector = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802  # http.server's naming
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                redirector.seen.append((self.requestline, {k.lower(): v for k, v in self.headers.items()}))
                self.send_response(status)
                self.send_header("Location", location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_POST = do_GET  # noqa: N815

            def log_message(self, *_args: t.Any) -> None:
                return None

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_a_redirect_is_never_followed_and_never_reads_as_applied(recorder: _Recorder, no_proxy_environment: None, status: int, host: str) -> None:
    # A 307/308 re-sends the body (an SSO client secret...) to the other address; a 301/302/303 turns the create into a
    # GET whose 200 there would read as "created". Neither may happen: the write fails, naming where it pointed.
    port = recorder.url.rsplit(":", 1)[1]
    api = _Redirector(status, f"http://someone:pw@{host}:{port}/elsewhere?token=abc")
    try:
        client = DescopeClient(_settings(api.url))
        with pytest.raises(DescopeAPIError) as info:
            client.post("/v1/mgmt/tenant/create", {"name": "t", "clientSecret": "body-secret-0001"})
        with pytest.raises(DescopeAPIError):
            client.get("/v1/mgmt/tenant/all")
    finally:
        api.close()
    assert recorder.seen == []  # the other listener got nothing: no key, no body, no GET
    assert [line for line, _headers in api.seen] == ["POST /v1/mgmt/tenant/create HTTP/1.1", "GET /v1/mgmt/tenant/all HTTP/1.1"]
    exc = info.value
    assert exc.status == status and exc.outcome_unknown == (status in (301, 302, 303))  # 307/308: "send it there instead"
    text = str(exc)
    assert f"redirect to http://{host}:{port};" in text and "base_url" in text
    assert "pw" not in text.replace("api.descope.com", "") and "token=abc" not in text and "K2recorderKey000001" not in text


def _self_signed(tmp_path: t.Any) -> tuple[str, str]:
    """A certificate for 127.0.0.1 that no CA bundle trusts, and its key (PEM files)."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)  # noqa: UP017  # Python 3.10 has no datetime.UTC
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return str(cert_path), str(key_path)


@pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")
@pytest.mark.parametrize("variable", ["REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"])
def test_validate_certs_false_holds_when_a_ca_bundle_is_set(
    recorder: _Recorder, no_proxy_environment: None, monkeypatch: pytest.MonkeyPatch, tmp_path: t.Any, variable: str
) -> None:
    # CI images often export REQUESTS_CA_BUNDLE; requests lets it turn verification back on for verify=None.
    import ssl

    cert, key = _self_signed(tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    recorder.server.socket = context.wrap_socket(recorder.server.socket, server_side=True)
    url = recorder.url.replace("http://", "https://")
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(variable, requests.certs.where())  # a real bundle that does not hold the self-signed certificate
    with pytest.raises(DescopeAPIError, match="certificate verify failed"):
        DescopeClient(_settings(url)).get("/v1/mgmt/tenant/all")  # verification on: refused
    settings = dataclasses.replace(_settings(url), validate_certs=False)
    assert DescopeClient(settings).get("/v1/mgmt/tenant/all") == {"tenants": []}  # verification off, as asked
    monkeypatch.setenv(variable, cert)
    assert DescopeClient(_settings(url)).get("/v1/mgmt/tenant/all") == {"tenants": []}  # the bundle is honoured when verifying
