"""Authentication, error shape, routing and the request log."""

import concurrent.futures
import json
import socket


def _assert_descope_error(resp, status, code=None):
    assert resp.status_code == status, resp.text
    assert resp.headers["Content-Type"] == "application/json"
    body = resp.json()
    assert set(body) == {"errorCode", "errorDescription", "errorMessage"}
    assert body["errorCode"].startswith("E")
    if code:
        assert body["errorCode"] == code
    return body


def test_missing_key_is_401(emulator):
    resp = emulator.api("GET", "/v1/mgmt/tenant/all", headers={"X-Nothing": "1"})
    _assert_descope_error(resp, 401)


def test_wrong_key_is_401(emulator):
    resp = emulator.api("GET", "/v1/mgmt/tenant/all", key="K2wrong")
    body = _assert_descope_error(resp, 401)
    assert "K2wrong" not in json.dumps(body)


def test_other_projects_key_is_rejected(emulator):
    free = "P2EmulatorFreeProject0000001"
    resp = emulator.api("GET", "/v1/mgmt/tenant/all", project_id=free)  # default key, other project
    _assert_descope_error(resp, 401)
    ok = emulator.api("GET", "/v1/mgmt/tenant/all", project_id=free, key="K2EmulatorFreeManagementKey0001")
    assert ok.status_code == 200 and ok.json() == {"tenants": []}


def test_license_handshake(emulator):
    assert emulator.api("GET", "/v1/mgmt/license").json() == {"rateLimitTier": "tier2"}


def test_unknown_route_and_method(emulator):
    _assert_descope_error(emulator.api("POST", "/v1/mgmt/nothing/here", json={}), 404)
    _assert_descope_error(emulator.api("GET", "/v1/mgmt/tenant/create"), 405)


def test_bad_json_body_is_400(emulator):
    resp = emulator.api("POST", "/v1/mgmt/tenant/create", data=b"{not json", headers={**emulator.headers(), "Content-Type": "application/json"})
    _assert_descope_error(resp, 400, "E011001")
    resp = emulator.api("POST", "/v1/mgmt/tenant/create", json=[1, 2])
    _assert_descope_error(resp, 400, "E011001")


def test_request_log_records_everything_with_write_flag(emulator):
    emulator.clear_log()
    emulator.api("GET", "/v1/mgmt/tenant/all")
    emulator.api("POST", "/v1/mgmt/tenant/create", json={"name": "Logged"})
    emulator.api("GET", "/v1/mgmt/tenant/all", key="Kbad")
    emulator.state()  # controls are not logged
    log = emulator.requests()
    assert [(r["method"], r["path"], r["status"], r["write"]) for r in log] == [
        ("GET", "/v1/mgmt/tenant/all", 200, False),
        ("POST", "/v1/mgmt/tenant/create", 200, True),
        ("GET", "/v1/mgmt/tenant/all", 401, False),
    ]
    assert all(r["project_id"] == emulator.project_id for r in log)
    assert [r["path"] for r in emulator.writes()] == ["/v1/mgmt/tenant/create"]
    assert emulator.requests(since=log[1]["seq"]) == [log[2]]
    emulator.clear_log()
    assert emulator.requests() == []


def test_request_log_counts_the_requests_in_flight(emulator):
    # two requests held by a delay at once: the second to arrive sees the first still being handled
    emulator.faults({"path": "/v1/mgmt/tenant/all", "kind": "delay", "seconds": 0.3, "count": 2})
    emulator.clear_log()
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda _n: emulator.api("GET", "/v1/mgmt/tenant/all"), range(2)))
    emulator.api("GET", "/v1/mgmt/tenant/all")  # alone again
    log = emulator.requests()
    assert sorted(r["in_flight"] for r in log[:2]) == [1, 2] and log[2]["in_flight"] == 1
    first, second = sorted(log[:2], key=lambda r: r["started"])
    assert second["started"] < first["ended"] <= log[2]["started"]  # the emulator's own clock: overlapping, then not


def test_reset_restores_start_state(emulator):
    emulator.api("POST", "/v1/mgmt/tenant/create", json={"name": "Temp"})
    emulator.api("POST", "/v1/mgmt/flow/delete", json={"ids": ["sign-in"]})
    emulator.config(notFoundStatus=400)
    emulator.reset()
    state = emulator.state()
    assert state["tenants"] == []
    assert set(state["flows"]) == {"sign-up-or-in", "sign-in"}
    assert emulator.requests() == []
    assert emulator.api("GET", "/v1/mgmt/tenant", params={"id": "nope"}).status_code == 404


def test_keep_alive_reuses_connection(emulator):
    # A requests.Session keeps one TCP connection across calls: the local port must not change.
    emulator.api("GET", "/v1/mgmt/tenant/all")
    ports = set()
    for _attempt in range(3):
        resp = emulator.api("GET", "/v1/mgmt/tenant/all", stream=True)
        sock = resp.raw._connection.sock  # pylint: disable=protected-access
        ports.add(sock.getsockname()[1])
        assert resp.content
    assert len(ports) == 1


def test_connection_close_is_honoured(emulator):
    host, port = emulator.base_url.rsplit("//", 1)[1].split(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(b"GET /_emulator/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        data = b""
        while True:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
    head, _sep, body = data.partition(b"\r\n\r\n")
    assert b"200 OK" in head and b"Connection: close" in head
    assert json.loads(body) == {"ok": True}
