"""Token-bucket rate limiting and scripted faults."""

import threading
import time

import pytest
import requests

RATE_BODY = {"errorCode": "E130429", "errorDescription": "https://docs.descope.com/rate-limit", "errorMessage": "API rate limit exceeded."}


def test_token_bucket_429_with_retry_after(emulator):
    emulator.config(rateLimit={"capacity": 2, "refillPerSecond": 0.25})
    assert emulator.api("GET", "/v1/mgmt/tenant/all").status_code == 200
    assert emulator.api("GET", "/v1/mgmt/tenant/all").status_code == 200
    resp = emulator.api("GET", "/v1/mgmt/tenant/all")
    assert resp.status_code == 429
    assert resp.json() == RATE_BODY
    assert resp.headers["Content-Type"] == "application/json"
    assert resp.headers["Retry-After"] in ("3", "4")  # ceil of the time until one token at 0.25/s
    assert emulator.requests()[-1]["status"] == 429


def test_token_bucket_refills(emulator):
    emulator.config(rateLimit={"capacity": 1, "refillPerSecond": 20})
    assert emulator.api("GET", "/v1/mgmt/tenant/all").status_code == 200
    assert emulator.api("GET", "/v1/mgmt/tenant/all").status_code == 429
    time.sleep(0.1)
    assert emulator.api("GET", "/v1/mgmt/tenant/all").status_code == 200
    emulator.config(rateLimit=None)
    assert all(emulator.api("GET", "/v1/mgmt/tenant/all").status_code == 200 for _i in range(5))


def test_bad_rate_limit_config_rejected(emulator):
    resp = emulator.session.post(emulator.base_url + "/_emulator/config", json={"rateLimit": {"capacity": 0}}, timeout=5)
    assert resp.status_code == 400


@pytest.mark.parametrize("status", [503, 520, 500])
def test_status_fault_counted(emulator, status):
    emulator.faults({"path": "/v1/mgmt/tenant/all", "kind": "status", "status": status, "count": 2})
    codes = [emulator.api("GET", "/v1/mgmt/tenant/all").status_code for _i in range(3)]
    assert codes == [status, status, 200]
    log = emulator.requests()
    assert [r["fault"] for r in log] == ["status", "status", None]
    assert emulator.api("GET", "/v1/mgmt/tenant/all").status_code == 200


def test_status_fault_body_is_descope_shaped_or_custom(emulator):
    emulator.faults(
        {"path": "*", "kind": "status", "status": 503, "count": 1}, {"path": "*", "kind": "status", "status": 522, "body": "<html>timeout</html>", "count": 1}
    )
    first = emulator.api("GET", "/v1/mgmt/tenant/all")
    assert first.json()["errorCode"] == "E000503"
    second = emulator.api("GET", "/v1/mgmt/tenant/all")
    assert second.status_code == 522 and second.text == "<html>timeout</html>"


def test_fault_matches_method_and_path(emulator):
    emulator.faults({"path": "/v1/mgmt/tenant/create", "method": "POST", "kind": "status", "status": 503})
    assert emulator.api("GET", "/v1/mgmt/tenant/all").status_code == 200
    assert emulator.api("POST", "/v1/mgmt/tenant/create", json={"name": "x"}).status_code == 503
    assert emulator.api("POST", "/v1/mgmt/tenant/create", json={"name": "x"}).status_code == 503  # count null: until cleared
    assert emulator.state()["tenants"] == []  # a faulted write is not applied
    emulator.clear_faults()
    assert emulator.api("POST", "/v1/mgmt/tenant/create", json={"name": "x"}).status_code == 200


def test_rate_limit_fault(emulator):
    emulator.faults({"path": "*", "kind": "rate_limit", "retryAfter": 7, "count": 1})
    resp = emulator.api("POST", "/v1/mgmt/flow/list")
    assert resp.status_code == 429 and resp.headers["Retry-After"] == "7" and resp.json() == RATE_BODY


def test_delay_fault(emulator):
    emulator.faults({"path": "*", "kind": "delay", "seconds": 0.3, "count": 1})
    started = time.monotonic()
    resp = emulator.api("GET", "/v1/mgmt/tenant/all")
    assert resp.status_code == 200 and time.monotonic() - started >= 0.3
    with pytest.raises(requests.exceptions.ReadTimeout):
        emulator.faults({"path": "*", "kind": "delay", "seconds": 0.5, "count": 1})
        emulator.api("GET", "/v1/mgmt/tenant/all", timeout=0.1)


def test_drop_fault(emulator):
    emulator.faults({"path": "/v1/mgmt/tenant/create", "kind": "drop", "count": 1})
    with pytest.raises(requests.exceptions.ConnectionError):
        emulator.api("POST", "/v1/mgmt/tenant/create", json={"name": "lost"})
    assert emulator.state()["tenants"] == []
    assert emulator.requests()[-1]["status"] is None and emulator.requests()[-1]["fault"] == "drop"
    emulator.faults({"path": "/v1/mgmt/tenant/create", "kind": "drop", "apply": True, "count": 1})
    with pytest.raises(requests.exceptions.ConnectionError):
        emulator.api("POST", "/v1/mgmt/tenant/create", json={"name": "applied"})
    assert [t["name"] for t in emulator.state()["tenants"]] == ["applied"]


def test_malformed_and_empty_faults(emulator):
    emulator.faults({"path": "*", "kind": "malformed", "count": 1}, {"path": "*", "kind": "empty", "count": 1})
    bad = emulator.api("GET", "/v1/mgmt/tenant/all")
    assert bad.status_code == 200
    with pytest.raises(ValueError):
        bad.json()
    empty = emulator.api("GET", "/v1/mgmt/tenant/all")
    assert empty.status_code == 200 and empty.content == b""
    assert emulator.api("GET", "/v1/mgmt/tenant/all").json() == {"tenants": []}


def test_bad_fault_spec_rejected(emulator):
    resp = emulator.session.post(emulator.base_url + "/_emulator/faults", json={"faults": [{"kind": "explode"}]}, timeout=5)
    assert resp.status_code == 400
    assert emulator.session.get(emulator.base_url + "/_emulator/faults", timeout=5).json() == {"faults": []}


def test_reset_clears_faults_and_limits(emulator):
    emulator.faults({"path": "*", "kind": "status", "status": 503})
    emulator.config(rateLimit={"capacity": 1, "refillPerSecond": 0.01})
    emulator.reset()
    assert all(emulator.api("GET", "/v1/mgmt/tenant/all").status_code == 200 for _i in range(3))


def test_a_request_in_flight_across_a_reset_stays_out_of_the_new_log(emulator):
    # a client that gave up on a delayed read must not leave a stray entry in the next test's log
    emulator.faults({"path": "/v1/mgmt/tenant/all", "kind": "delay", "seconds": 0.6, "count": 1})
    done = threading.Event()

    def slow_call():
        emulator.api("GET", "/v1/mgmt/tenant/all")
        done.set()

    threading.Thread(target=slow_call, daemon=True).start()
    time.sleep(0.2)
    emulator.reset()
    assert done.wait(5)
    assert emulator.requests() == []
    emulator.api("GET", "/v1/mgmt/tenant/all")
    assert [r["path"] for r in emulator.requests()] == ["/v1/mgmt/tenant/all"]
