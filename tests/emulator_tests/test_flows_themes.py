"""Flows (list / export / import / delete, v1 and v2 kept consistent) and the theme."""

import copy

import pytest


def _ok(resp):
    assert resp.status_code == 200, resp.text
    return resp.json()


def _v2(flow_id="my-flow", name="My Flow"):
    return {
        "flowId": flow_id,
        "metadata": {"name": name, "description": "d", "componentsVersion": "1.2.3", "disabled": True},
        "contents": {"startTask": "1", "tasks": {"1": {"id": "1", "type": "end"}}},
        "screens": [{"screenId": "s1", "interactions": [{"id": "go", "type": "button"}], "contents": {"root": {"type": "text"}}}],
        "references": {"connectors": {"http": "CN1"}},
    }


@pytest.mark.parametrize("kwargs", [{}, {"json": {}}, {"json": {"ids": []}}, {"data": b""}])
def test_list_all_flows(emulator, kwargs):
    body = _ok(emulator.api("POST", "/v1/mgmt/flow/list", **kwargs))
    assert body["total"] == 2
    entry = body["flows"][0]
    assert entry["id"] == "sign-up-or-in" and entry["name"] == "Sign Up or In" and entry["disabled"] is False
    assert {"description", "version", "etag"} <= set(entry) and "dsl" not in entry


def test_list_ids_filter(emulator):
    body = _ok(emulator.api("POST", "/v1/mgmt/flow/list", json={"ids": ["sign-in", "ghost"]}))
    assert [f["id"] for f in body["flows"]] == ["sign-in"] and body["total"] == 1


def test_default_seed_flow_is_realistic(emulator):
    body = _ok(emulator.api("POST", "/v1/mgmt/flow/export", json={"flowId": "sign-up-or-in"}))
    assert body["flow"]["name"] == "Sign Up or In"
    assert len(body["screens"]) == 2
    assert all(s["flowId"] == "sign-up-or-in" and "htmlTemplate" in s for s in body["screens"])


def test_v1_and_v2_exports_are_consistent(emulator):
    v1 = _ok(emulator.api("POST", "/v1/mgmt/flow/export", json={"flowId": "sign-up-or-in"}))
    v2 = _ok(emulator.api("POST", "/v2/mgmt/flow/export", json={"flowId": "sign-up-or-in"}))["flow"]
    assert v2["flowId"] == v1["flow"]["id"]
    assert v2["metadata"]["name"] == v1["flow"]["name"]
    assert v2["contents"] == v1["flow"]["dsl"]
    assert [s["screenId"] for s in v2["screens"]] == [s["id"] for s in v1["screens"]]
    assert [s["contents"] for s in v2["screens"]] == [s["htmlTemplate"] for s in v1["screens"]]
    assert v2 == emulator.state()["flows"]["sign-up-or-in"]


def test_v2_import_creates_and_v1_view_follows(emulator):
    flow = _v2()
    assert emulator.api("POST", "/v2/mgmt/flow/import", json={"flow": flow}).status_code == 200
    assert emulator.state()["flows"]["my-flow"] == flow
    v1 = _ok(emulator.api("POST", "/v1/mgmt/flow/export", json={"flowId": "my-flow"}))
    assert v1["flow"]["disabled"] is True and v1["flow"]["dsl"] == flow["contents"] and v1["flow"]["version"] == 1
    assert v1["screens"][0]["id"] == "s1" and v1["screens"][0]["componentsVersion"] == "1.2.3"
    listed = _ok(emulator.api("POST", "/v1/mgmt/flow/list", json={"ids": ["my-flow"]}))["flows"][0]
    assert listed["disabled"] is True and listed["description"] == "d"


def test_v2_import_takes_the_id_from_the_flow_only(emulator):
    # ImportFlowRequest is {flow, skipRender, changelog}: a top-level flowId is not part of it
    assert emulator.api("POST", "/v2/mgmt/flow/import", json={"flowId": "target", "flow": _v2("source")}).status_code == 200
    flows = emulator.state()["flows"]
    assert "source" in flows and "target" not in flows and flows["source"]["flowId"] == "source"
    emulator.config(strict=True)
    resp = emulator.api("POST", "/v2/mgmt/flow/import", json={"flowId": "target", "flow": _v2("other")})
    assert resp.status_code == 400 and "'flowId'" in resp.json()["errorMessage"], resp.text
    assert "other" not in emulator.state()["flows"]
    ok = emulator.api("POST", "/v2/mgmt/flow/import", json={"flow": _v2("other"), "skipRender": True, "changelog": "c"})
    assert ok.status_code == 200, ok.text


def test_v2_import_without_flow_id_inside_is_refused(emulator):
    flow = _v2("x")
    del flow["flowId"]
    resp = emulator.api("POST", "/v2/mgmt/flow/import", json={"flowId": "x", "flow": flow})
    assert resp.status_code == 400 and resp.json()["errorCode"] == "E011002"
    assert "x" not in emulator.state()["flows"]


def test_import_bumps_version_and_etag(emulator):
    before = _ok(emulator.api("POST", "/v1/mgmt/flow/export", json={"flowId": "sign-in"}))
    changed = copy.deepcopy(before)
    changed["flow"]["description"] = "changed"
    after = _ok(emulator.api("POST", "/v1/mgmt/flow/import", json={"flowId": "sign-in", **changed}))
    assert after["flow"]["version"] == before["flow"]["version"] + 1
    assert after["flow"]["etag"] != before["flow"]["etag"]
    assert after["flow"]["description"] == "changed"
    v2 = _ok(emulator.api("POST", "/v2/mgmt/flow/export", json={"flowId": "sign-in"}))["flow"]
    assert v2["metadata"]["description"] == "changed"
    assert emulator.state()["flowVersions"]["sign-in"] == 2


def test_v1_roundtrip_is_stable(emulator):
    first = _ok(emulator.api("POST", "/v1/mgmt/flow/export", json={"flowId": "sign-up-or-in"}))
    first["screens"][0]["inputs"] = [{"name": "email"}]
    _ok(emulator.api("POST", "/v1/mgmt/flow/import", json={"flowId": "copy", "flow": first["flow"], "screens": first["screens"]}))
    second = _ok(emulator.api("POST", "/v1/mgmt/flow/export", json={"flowId": "copy"}))
    for key in ("name", "description", "dsl", "disabled"):
        assert second["flow"][key] == first["flow"][key]
    assert second["screens"][0]["inputs"] == [{"name": "email"}]
    assert [s["htmlTemplate"] for s in second["screens"]] == [s["htmlTemplate"] for s in first["screens"]]


@pytest.mark.parametrize(
    ("path", "body", "code"),
    [
        ("/v1/mgmt/flow/export", {}, "E011002"),
        ("/v2/mgmt/flow/export", {"flowId": None}, "E011002"),
        ("/v1/mgmt/flow/import", {"flowId": "x"}, "E011002"),
        ("/v1/mgmt/flow/import", {"flowId": "x", "flow": {"name": "X"}, "screens": [{"noid": 1}]}, "E011003"),
        ("/v1/mgmt/flow/import", {"flowId": "bad id", "flow": {"name": "X"}}, "E011003"),
        ("/v2/mgmt/flow/import", {}, "E011002"),
        ("/v2/mgmt/flow/import", {"flow": {"flowId": "x", "metadata": {}}}, "E011002"),
        ("/v2/mgmt/flow/import", {"flow": {"flowId": "x", "metadata": {"name": "X"}, "screens": "no"}}, "E011003"),
        ("/v1/mgmt/flow/delete", {}, "E011002"),
    ],
)
def test_flow_bad_input(emulator, path, body, code):
    resp = emulator.api("POST", path, json=body)
    assert resp.status_code == 400 and resp.json()["errorCode"] == code, resp.text
    assert set(emulator.state()["flows"]) == {"sign-up-or-in", "sign-in"}


def test_export_unknown_flow(emulator):
    for path in ("/v1/mgmt/flow/export", "/v2/mgmt/flow/export"):
        resp = emulator.api("POST", path, json={"flowId": "ghost"})
        assert resp.status_code == 404 and "not found" in resp.json()["errorDescription"].lower()


def test_delete_flows(emulator):
    assert _ok(emulator.api("POST", "/v1/mgmt/flow/delete", json={"ids": ["sign-in", "ghost"]})) == {}
    assert set(emulator.state()["flows"]) == {"sign-up-or-in"}
    assert _ok(emulator.api("POST", "/v1/mgmt/flow/list"))["total"] == 1
    assert [r["write"] for r in emulator.requests()] == [True, False]


def test_theme_v1_export_and_import_bumps_version(emulator):
    theme = _ok(emulator.api("POST", "/v1/mgmt/theme/export", json={}))["theme"]
    assert {"id", "version", "cssTemplate", "componentsVersion", "codeMode"} <= set(theme)
    assert set(theme["cssTemplate"]) == {"dark", "light"}
    theme["cssTemplate"]["light"]["globals"] = {"fontFamily": "Inter"}
    imported = _ok(emulator.api("POST", "/v1/mgmt/theme/import", json={"theme": theme}))["theme"]
    assert imported["version"] == theme["version"] + 1
    assert imported["cssTemplate"]["light"]["globals"] == {"fontFamily": "Inter"}
    v2 = _ok(emulator.api("POST", "/v2/mgmt/theme/export"))["theme"]
    assert v2["styles"]["light"]["globals"] == {"fontFamily": "Inter"}
    assert emulator.state()["themeVersion"] == imported["version"]


def test_theme_v2_roundtrip(emulator):
    theme = {"styles": {"dark": {}, "light": {"components": {"button": {"color": "red"}}}}, "componentsVersion": "2.0.0", "references": {}}
    assert emulator.api("POST", "/v2/mgmt/theme/import", json={"theme": theme}).status_code == 200
    assert _ok(emulator.api("POST", "/v2/mgmt/theme/export", json={}))["theme"] == theme
    assert emulator.state()["theme"] == theme
    v1 = _ok(emulator.api("POST", "/v1/mgmt/theme/export", json={}))["theme"]
    assert v1["cssTemplate"] == theme["styles"] and v1["componentsVersion"] == "2.0.0"


def test_theme_bad_input(emulator):
    for path, body in (("/v1/mgmt/theme/import", {}), ("/v2/mgmt/theme/import", {}), ("/v1/mgmt/theme/import", {"theme": {"id": "x"}})):
        resp = emulator.api("POST", path, json=body)
        assert resp.status_code == 400 and resp.json()["errorCode"] == "E011002", resp.text
    resp = emulator.api("POST", "/v2/mgmt/theme/import", json={"theme": {"styles": []}})
    assert resp.status_code == 400 and resp.json()["errorCode"] == "E011003"
