"""Tenant custom attributes must be defined and typed; tenant default roles must exist."""

import pytest

DEFS = [
    {"id": "s", "type": "string"},
    {"id": "n", "type": "number"},
    {"id": "b", "type": "boolean"},
    {"id": "one", "type": "singleselect", "options": ["x", "y"]},
    {"id": "many", "type": "multiselect", "options": ["x", "y"]},
    {"id": "d", "type": "date"},
]


def _seed(emulator, **extra):
    emulator.seed(customAttributes=DEFS, tenants=[{"id": "t1", "name": "One"}], **extra)


def _err(resp, *words):
    assert resp.status_code == 400, resp.text
    message = resp.json()["errorMessage"]
    for word in words:
        assert word in message, message
    return message


def test_every_type_accepts_its_values(emulator):
    _seed(emulator)
    attrs = {"s": "v", "n": 2.5, "b": False, "one": "y", "many": ["x", "y"], "d": 1767225600000}
    assert emulator.api("POST", "/v1/mgmt/tenant/create", json={"name": "A", "id": "a", "customAttributes": attrs}).status_code == 200
    assert emulator.api("POST", "/v1/mgmt/tenant/update", json={"id": "t1", "name": "One", "customAttributes": {"d": "2026-01-01"}}).status_code == 200
    stored = {t["id"]: t for t in emulator.state()["tenants"]}
    assert stored["a"]["customAttributes"] == attrs and stored["t1"]["customAttributes"] == {"d": "2026-01-01"}


@pytest.mark.parametrize(
    "key, value",
    [("s", 1), ("n", "1"), ("n", True), ("b", "true"), ("one", "z"), ("one", ["x"]), ("many", "x"), ("many", ["x", "z"]), ("d", ["2026"])],
)
def test_wrong_type_is_refused_everywhere(emulator, key, value):
    _seed(emulator)
    before = emulator.state()["tenants"]
    _err(emulator.api("POST", "/v1/mgmt/tenant/create", json={"name": "A", "customAttributes": {key: value}}), "customAttributes.%s" % key)
    _err(emulator.api("POST", "/v1/mgmt/tenant/update", json={"id": "t1", "name": "One", "customAttributes": {key: value}}), "customAttributes.%s" % key)
    _err(emulator.api("PATCH", "/v1/mgmt/tenant/patch", json={"id": "t1", "customAttributes": {key: value}}), "customAttributes.%s" % key)
    assert emulator.state()["tenants"] == before


def test_undefined_key_is_refused_naming_it_and_the_defined_ones(emulator):
    _seed(emulator)
    message = _err(emulator.api("POST", "/v1/mgmt/tenant/create", json={"name": "A", "customAttributes": {"tierr": "x"}}), "customAttributes.tierr")
    assert "many" in message and "not found" not in message.lower()
    assert [t["id"] for t in emulator.state()["tenants"]] == ["t1"]


def test_a_project_without_definitions_refuses_any_attribute(emulator):
    emulator.seed(tenants=[])
    _err(emulator.api("POST", "/v1/mgmt/tenant/create", json={"name": "A", "customAttributes": {"plan": "pro"}}), "none defined")
    assert emulator.api("POST", "/v1/mgmt/tenant/create", json={"name": "A", "customAttributes": {}}).status_code == 200


def test_built_in_project_defines_attributes_and_state_shows_them(emulator):
    state = emulator.state()
    assert {d["id"]: d["type"] for d in state["customAttributes"]}["plan"] == "singleselect"
    assert {d["type"] for d in state["customAttributes"]} == {"string", "number", "boolean", "singleselect", "multiselect", "date"}


@pytest.mark.parametrize(
    "definition",
    [{"id": "x", "type": "text"}, {"type": "string"}, {"id": "x", "type": "singleselect"}, {"id": "x", "type": "multiselect", "options": [1]}, "x"],
)
def test_bad_definitions_are_refused_by_the_seed(emulator, definition):
    resp = emulator.session.post(
        emulator.base_url + "/_emulator/seed", json={"projects": [{"id": emulator.project_id, "customAttributes": [definition]}]}, timeout=5
    )
    assert resp.status_code == 400
    assert emulator.state()["flows"]  # the default project is untouched


def test_default_roles_must_be_existing_project_roles(emulator):
    _seed(emulator, roles=[{"name": "viewer"}, {"name": "local", "tenantId": "t1"}])
    ok = emulator.api("POST", "/v1/mgmt/tenant/updateDefaultRoles", json={"id": "t1", "defaultRoles": ["viewer"]})
    assert ok.status_code == 200, ok.text
    _err(emulator.api("POST", "/v1/mgmt/tenant/updateDefaultRoles", json={"id": "t1", "defaultRoles": ["viewer", "veiwer"]}), "'veiwer'")
    # go SDK Tenant.UpdateDefaultRoles / python-sdk PR #779: project roles only, even the tenant's own role is refused
    _err(emulator.api("POST", "/v1/mgmt/tenant/updateDefaultRoles", json={"id": "t1", "defaultRoles": ["viewer", "local"]}), "'local'", "project role")
    tenants = {t["id"]: t for t in emulator.state()["tenants"]}
    assert tenants["t1"]["defaultRoles"] == ["viewer"]
