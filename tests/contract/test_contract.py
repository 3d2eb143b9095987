"""The contract fixture is what the derivation script makes of the OpenAPI, and the check fails on planted faults."""

import json
import os

import pytest

from contract import allowances, check_traffic, derive_contract

AGENT = allowances.COLLECTION_AGENT + "/test"


def _line(method, path, request=None, answer=None, query=None, status=200):
    return {"method": method, "path": path, "query": query or {}, "request": request, "status": status,
            "answer": {} if answer is None else answer, "fault": None, "userAgent": AGENT}  # fmt: skip


@pytest.fixture(scope="module")
def contract():
    return check_traffic.Contract()


def test_committed_fixture_equals_the_derivation():
    path = derive_contract.find_openapi()
    if path is None:
        pytest.skip("no ../shared/reference/descope-openapi.yml next to this checkout (set DESCOPE_OPENAPI)")
    with open(derive_contract.FIXTURE, encoding="utf-8") as handle:
        committed = handle.read()
    assert committed == derive_contract.dumps(derive_contract.build(path)), "run tests/contract/derive_contract.py"


def test_fixture_records_its_source_and_keeps_no_prose():
    with open(derive_contract.FIXTURE, encoding="utf-8") as handle:
        text = handle.read()
    data = json.loads(text)
    assert data["source"]["commit"] == "261ee0a7" and data["source"]["date"] == "2026-08-22"
    assert len(data["source"]["sha256"]) == 64 and data["source"]["document"].startswith("https://docs.descope.com/")
    prose = []

    def walk(node):
        if isinstance(node, dict):
            prose.extend(
                k for k, v in node.items() if k in ("description", "example", "summary") and isinstance(v, str)
            )
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(data)
    assert prose == []
    assert "/work/" not in text and "/root/" not in text


def test_every_route_is_in_the_openapi_or_allowed_with_a_source():
    with open(derive_contract.FIXTURE, encoding="utf-8") as handle:
        missing = {(m["method"], m["path"]) for m in json.load(handle)["notInOpenAPI"]}
    assert missing == set(allowances.NON_OPENAPI)
    for entry in allowances.NON_OPENAPI.values():
        assert "python-sdk 2.16.1" in entry["source"] and ".py" in entry["source"]
    for row in allowances.NEWER_FIELDS + allowances.WIRE_TYPES + allowances.ENUMS:
        assert "sdk" in row[-1] and (".py" in row[-1] or ".go" in row[-1]), row


def test_a_clean_request_and_answer_pass(contract):
    line = _line("POST", "/v1/mgmt/sso/oidc", {"tenantId": "t", "settings": {"name": "n", "usePkce": True,
                 "userAttrMapping": {"loginId": "sub", "phoneNumber": "phone"}}})  # fmt: skip
    assert contract.check(line) == []


def test_an_unknown_nested_request_field_fails(contract):
    line = _line("POST", "/v1/mgmt/sso/oidc", {"tenantId": "t", "settings": {"userAttrMapping": {"phone": "x"}}})
    expected = "request at .settings.userAttrMapping: Additional properties are not allowed ('phone' was unexpected)"
    assert contract.check(line) == [("request", "POST /v1/mgmt/sso/oidc: " + expected)]


def test_an_unknown_field_deep_in_an_array_fails(contract):
    body = {"tenantId": "t", "settings": {"roleMappings": [{"groups": ["g"], "roleName": "r", "role": "x"}]}}
    problems = contract.check(_line("POST", "/v1/mgmt/sso/saml", body))
    assert [p[0] for p in problems] == ["request"] and ".settings.roleMappings[0]" in problems[0][1]


def test_an_answer_that_drops_a_required_key_fails(contract):
    problems = contract.check(_line("POST", "/v1/mgmt/tenant/create", {"name": "a"}, answer={}))
    assert problems == [("response", "POST /v1/mgmt/tenant/create: answer at (root): 'id' is a required property")]


def test_an_answer_with_an_unknown_nested_key_fails(contract):
    answer = {"tenants": [{"id": "t", "name": "n", "selfProvisioningDomains": [], "plan": "pro"}]}
    problems = contract.check(_line("GET", "/v1/mgmt/tenant/all", answer=answer))
    assert problems and "'plan' was unexpected" in problems[0][1]


def test_a_wrong_enum_value_fails_both_ways(contract):
    request = _line("POST", "/v1/mgmt/tenant/settings", {"tenantId": "t", "sessionTokenExpirationUnit": "seconds"})
    assert contract.check(request) == [("request", "POST /v1/mgmt/tenant/settings: request at "
                                                   ".sessionTokenExpirationUnit: 'seconds' is not one of "
                                                   "['minutes', 'hours', 'days', 'weeks']")]  # fmt: skip
    answer = _line("GET", "/v1/mgmt/license", answer={"rateLimitTier": "gold"})
    assert [p[0] for p in contract.check(answer)] == ["response"]


def test_a_wrong_type_fails(contract):
    problems = contract.check(_line("POST", "/v1/mgmt/role/create", {"name": "r", "permissionNames": "p"}))
    assert problems == [
        ("request", "POST /v1/mgmt/role/create: request at .permissionNames: 'p' is not of type 'array'")
    ]


def test_a_path_or_method_the_contract_does_not_know_fails(contract):
    probe = dict(_line("POST", "/v1/mgmt/nothing/here"), userAgent="python-requests/2")
    assert contract.check(probe) == []  # a test's deliberate probe, not the collection
    assert contract.check(_line("POST", "/v1/mgmt/tenant/rename", {"id": "t"})) == [
        ("route", "POST /v1/mgmt/tenant/rename: path not in the contract")
    ]
    assert contract.check(_line("DELETE", "/v1/mgmt/tenant/create")) == [
        ("route", "DELETE /v1/mgmt/tenant/create: method not in the contract")
    ]


def test_an_unknown_query_parameter_fails(contract):
    problems = contract.check(_line("GET", "/v1/mgmt/tenant/settings", query={"tenantId": "t"}))
    assert [p for p in problems if p[0] == "request"] == [
        ("request", "GET /v1/mgmt/tenant/settings: unknown query parameter 'tenantId'")
    ]


def test_other_clients_requests_are_not_judged_but_every_answer_is(contract):
    line = dict(_line("POST", "/v1/mgmt/role/create", {"bogus": 1}), userAgent="python-requests/2")
    assert contract.check(line) == []
    line = dict(_line("GET", "/v1/mgmt/license", answer={"rateLimitTier": "x"}), userAgent="python-requests/2")
    assert [p[0] for p in contract.check(line)] == ["response"]
    faulted = dict(_line("GET", "/v1/mgmt/license", answer={"oops": 1}), fault="malformed")
    assert contract.check(faulted) == []


def _stage(tmp_path, lines, capsys):
    tmp_path.mkdir(exist_ok=True)
    with open(tmp_path / "emulator-1.jsonl", "w", encoding="utf-8") as handle:
        handle.write("".join(json.dumps(line) + "\n" for line in lines) + '{"half-written')
    rc = check_traffic.main([str(tmp_path)])
    return rc, capsys.readouterr()


def test_the_stage_fails_on_a_planted_fault_and_passes_without_it(tmp_path, capsys):
    good = _line("POST", "/v1/mgmt/tenant/create", {"name": "a"}, answer={"id": "t1"})
    rc, out = _stage(tmp_path / "good", [good], capsys)
    assert rc == 0, out.out
    assert "operations used by the collection: 1; validated in both directions: 1; requests checked: 1; " \
           "answers checked: 1; failures: 0" in out.out  # fmt: skip
    bad = _line("POST", "/v1/mgmt/tenant/create", {"name": "a", "settings": {"x": 1}}, answer={"id": "t1"})
    rc, out = _stage(tmp_path / "bad", [good, bad], capsys)
    assert rc == 1 and "FAIL POST /v1/mgmt/tenant/create: request at (root)" in out.out


def test_the_stage_fails_when_nothing_was_recorded(tmp_path, capsys):
    rc, out = _stage(tmp_path / "empty", [], capsys)
    assert rc == 1 and "was the traffic recorded?" in out.err


def test_a_known_mismatch_is_reported_and_a_stale_one_noted(capsys):
    known = [{"operation": "GET /v1/mgmt/license", "contains": "'gold' is not one of", "area": "SSO", "why": "w"}]
    lines = [_line("GET", "/v1/mgmt/license", answer={"rateLimitTier": "gold"})]
    assert check_traffic.run(lines, known=known) == []
    assert "known mismatch (GET /v1/mgmt/license, fixed by the SSO issue)" in capsys.readouterr().out
    other = dict(_line("GET", "/v1/mgmt/license", answer={"rateLimitTier": "gold", "x": 1}))
    assert len(check_traffic.run([other], known=known)) == 1  # a different failure of that operation still fails
    lines = [_line("GET", "/v1/mgmt/license", answer={"rateLimitTier": "tier1"})]
    assert check_traffic.run(lines, known=known) == []
    assert "known mismatch not seen (fixed? then drop it" in capsys.readouterr().out


def test_traffic_written_by_the_emulator_is_read_back(tmp_path, monkeypatch):
    from emulator import traffic  # pylint: disable=import-outside-toplevel

    monkeypatch.setenv(traffic.ENV, str(tmp_path))
    entry = {"method": "POST", "path": "/v1/mgmt/tenant/create", "fault": None}
    traffic.write(entry, {}, b'{"name":"a"}', 200, b'{"id":"t"}', AGENT)
    traffic.write(entry, {}, b"not json", None, None, AGENT)
    lines = check_traffic.read_traffic(str(tmp_path))
    assert [(x["request"], x["answer"], x["status"]) for x in lines] == [
        ({"name": "a"}, {"id": "t"}, 200),
        ({"x-unparsed": "not json"}, None, None),
    ]
    assert os.listdir(tmp_path) == ["emulator-%d.jsonl" % os.getpid()]
