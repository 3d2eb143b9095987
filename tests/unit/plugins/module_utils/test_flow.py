# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Flow and theme spec: forms, validation, normalisation, planning and the request budget (real emulator)."""

from __future__ import annotations

import copy
import json
import pathlib
import shutil
import typing as t

import pytest
from harness import run_spec

from ansible_collections.descope.mgmt.plugins.module_utils import _flow

FIXTURES = pathlib.Path(__file__).resolve().parents[3] / "fixtures" / "flows"
V2_FILE = FIXTURES / "v2" / "sign-up-or-in.json"
V1_FILE = FIXTURES / "v1" / "sign-in.json"
THEME_FILE = FIXTURES / "theme.json"


def load(path: pathlib.Path) -> t.Any:
    return json.loads(path.read_text(encoding="utf-8"))


def run_flow(emulator: t.Any, check: bool = False, diff: bool = False, warnings: list[str] | None = None, **params: t.Any) -> dict[str, t.Any]:
    sink = warnings if warnings is not None else []
    return run_spec(_flow.SPEC, params, check=check, diff=diff, environ=emulator.env, warn=sink.append)


def run_info(emulator: t.Any, check: bool = False, **params: t.Any) -> dict[str, t.Any]:
    return run_spec(_flow.INFO_SPEC, params, check=check, environ=emulator.env)


def paths(emulator: t.Any) -> list[str]:
    return [f"{r['method']} {r['path']}" for r in emulator.requests()]


# -- pure helpers ------------------------------------------------------------------------------------


def test_jpath_quotes_non_identifiers() -> None:
    assert _flow.jpath("flow", "screens", 2, "screenId") == "$.flow.screens[2].screenId"
    assert _flow.jpath("flow", "contents", "tasks", "send-otp") == "$.flow.contents.tasks['send-otp']"


@pytest.mark.parametrize(
    ("doc", "form"),
    [
        ({"flow": {"flowId": "a", "metadata": {}}}, "v2"),
        ({"flow": {"id": "a", "dsl": {}}, "screens": []}, "v1"),
        ({"flowId": "a", "metadata": {}, "contents": {}}, "v2-bare"),
        ({"flow": {}}, None),
        ([], None),
    ],
)
def test_detect_form(doc: t.Any, form: str | None) -> None:
    assert _flow.detect_form(doc) == form


def test_v1_and_v2_fixtures_parse_and_v1_maps_to_v2() -> None:
    doc, problems = _flow.parse_flow(load(V1_FILE), "v1/sign-in.json", None)
    assert problems == [] and doc is not None
    assert doc.flow_id == "sign-in" and doc.form == "v1"
    assert doc.flow["metadata"]["name"] == "Sign In" and doc.flow["metadata"]["componentsVersion"] == "1.98.0"
    assert {s["screenId"] for s in doc.flow["screens"]} == {"SC2c1LoginScreen0000000001", "SC2c1MfaScreen000000000001"}
    assert "etag" not in doc.flow["metadata"] and "version" not in doc.flow["metadata"]
    assert doc.flow["contents"]["startTask"] == "login"
    v2doc, problems = _flow.parse_flow(load(V2_FILE), "v2/sign-up-or-in.json", None)
    assert (
        problems == [] and v2doc is not None and v2doc.form == "v2" and v2doc.import_body() == {"flow": v2doc.flow} and v2doc.flow["flowId"] == "sign-up-or-in"
    )


def test_v2_to_v1_round_trips_through_compare_form() -> None:
    doc, _problems = _flow.parse_flow(load(V2_FILE), "f", None)
    assert doc is not None
    back, problems = _flow.parse_flow(_flow.v2_to_v1(doc.flow), "f", None)
    assert problems == [] and back is not None
    expected = _flow.compare_form(doc.flow)
    expected["references"] = {}  # the v1 form has no references
    assert _flow.compare_form(back.flow) == expected


def test_declared_id_wins_with_a_warning() -> None:
    warnings: list[str] = []
    doc, problems = _flow.parse_flow(load(V2_FILE), "x.json", "copy-of-signup", warn=warnings.append)
    assert problems == [] and doc is not None and doc.flow_id == "copy-of-signup" and doc.flow["flowId"] == "copy-of-signup"
    assert len(warnings) == 1 and "copy-of-signup" in warnings[0] and "sign-up-or-in" in warnings[0] and "wins" in warnings[0]


def test_invalid_v2_reports_every_problem_with_json_paths() -> None:
    _doc, problems = _flow.parse_flow(load(FIXTURES / "invalid" / "sign-up-or-in.json"), "flows/sign-up-or-in.json", None)
    fields = {p.field: p for p in problems}
    assert "$.flow.screens[2].screenId" in fields and "duplicate" in fields["$.flow.screens[2].screenId"].message
    assert all(p.source == "flows/sign-up-or-in.json" and p.id == "sign-up-or-in" for p in problems)
    text = fields["$.flow.screens[2].screenId"].describe()
    assert text.startswith("flows/sign-up-or-in.json") and "$.flow.screens[2].screenId: duplicate" in text


def test_dangling_screen_reference_is_reported() -> None:
    doc = load(V2_FILE)
    doc["flow"]["contents"]["tasks"]["verify"]["screenId"] = "SC2missing"
    _d, problems = _flow.parse_flow(doc, "f.json", None)
    assert [p.field for p in problems] == ["$.flow.contents.tasks.verify.screenId"]
    assert "SC2missing" in problems[0].message


def test_invalid_v1_reports_name_and_screen_body() -> None:
    _d, problems = _flow.parse_flow(load(FIXTURES / "invalid" / "sign-in.json"), "f.json", None)
    assert {p.field for p in problems} == {"$.flow.name", "$.screens[1].htmlTemplate"}


def test_shape_errors_and_bad_ids() -> None:
    _d, problems = _flow.parse_flow({"flow": {"flowId": 3, "metadata": "x", "contents": [], "screens": {}}}, "f", None)
    fields = {p.field for p in problems}
    assert {"$.flow.flowId", "$.flow.metadata", "$.flow.contents", "$.flow.screens"} <= fields
    assert any(p.field == "$.flow.flowId" and "no flow id" in p.message for p in problems)
    _d, problems = _flow.parse_flow(load(V2_FILE), "f", "bad id!")
    assert len(problems) == 1 and problems[0].field == "flow_id"
    _d, problems = _flow.parse_flow({"nothing": 1}, "f", None)
    assert len(problems) == 1 and "not a Descope flow export" in problems[0].message


def test_read_json_reports_syntax_with_position(tmp_path: pathlib.Path) -> None:
    data, problems = _flow.read_json(str(FIXTURES / "invalid" / "broken.json"))
    assert data is None and len(problems) == 1 and "line 3" in problems[0].message
    _data, problems = _flow.read_json(str(tmp_path / "nope.json"))
    assert "not found" in problems[0].message


def test_compare_form_ignores_server_fields_empties_and_order() -> None:
    doc, _problems = _flow.parse_flow(load(V2_FILE), "f", None)
    assert doc is not None
    server = copy.deepcopy(doc.flow)
    server["metadata"].update(version=9, etag="9-abc", modifiedTime="1767225600", disabled=False)
    server["screens"].reverse()
    server["references"]["oauth"] = list(reversed(server["references"]["oauth"] + ["apple"]))
    local = copy.deepcopy(doc.flow)
    local["references"]["oauth"] = ["apple", "google"]
    del local["metadata"]["disabled"]
    assert _flow.canonical(_flow.compare_form(server)) == _flow.canonical(_flow.compare_form(local))
    local["metadata"]["description"] = "changed"
    assert _flow.compare_form(server) != _flow.compare_form(local)


def test_summary_names_screens_tasks_and_metadata() -> None:
    doc, _problems = _flow.parse_flow(load(V2_FILE), "f", None)
    assert doc is not None
    before = _flow.compare_form(doc.flow)
    changed = copy.deepcopy(doc.flow)
    changed["metadata"]["description"] = "new text"
    changed["screens"][1]["interactions"][0]["label"] = "Check"
    changed["contents"]["tasks"]["log"] = {"id": "log", "type": "end"}
    del changed["contents"]["tasks"]["audit"]
    changed["contents"]["startTask"] = "send-otp"
    text, details = _flow.summarise("sign-up-or-in", before, _flow.compare_form(changed))
    assert details["screens"]["changed"] == ["SC2b7RfXQe1yK0AcVerifyOtp1"]
    assert details["tasks"] == {"added": ["log"], "removed": ["audit"], "changed": []}
    assert details["metadata"] == ["description"] and details["contents"] == ["startTask"]
    assert "tasks added: log" in text and "tasks removed: audit" in text and "metadata changed: description" in text
    text, _details = _flow.summarise("x", None, before)
    assert "new flow" in text and "2 screen(s)" in text and "9 task(s)" in text
    text, _details = _flow.summarise("x", before, None)
    assert "removed" in text


def test_theme_forms() -> None:
    theme, problems = _flow.parse_theme(load(THEME_FILE), "theme.json")
    assert problems == [] and theme is not None and theme["styles"]["light"]["globals"]["fontFamily"] == "Inter"
    # a v1 theme is refused with the field and the fix, never mapped silently onto v2 styles
    v1, problems = _flow.parse_theme({"theme": {"id": "theme", "version": 3, "cssTemplate": {"light": {}}, "codeMode": False}}, "t")
    assert v1 is None and [p.field for p in problems] == ["$.theme.cssTemplate"] and "v2 form" in problems[0].fix
    # the bare theme object descopecli writes (theme/crud.go) reads the same as the wrapped form
    bare, problems = _flow.parse_theme(load(THEME_FILE)["theme"], "cli-theme.json")
    assert problems == [] and bare == theme
    _t, problems = _flow.parse_theme({"theme": {"styles": []}}, "t.json")
    assert [p.field for p in problems] == ["$.theme.styles"]
    _t, problems = _flow.parse_theme({"x": 1}, "t.json")
    assert len(problems) == 1


def test_write_if_changed(tmp_path: pathlib.Path) -> None:
    target = tmp_path / "a.json"
    assert _flow.write_if_changed(str(target), "x\n", check_mode=True) is True and not target.exists()
    assert _flow.write_if_changed(str(target), "x\n", check_mode=False) is True and target.read_text() == "x\n"
    assert _flow.write_if_changed(str(target), "x\n", check_mode=False) is False
    assert [p.name for p in tmp_path.iterdir()] == ["a.json"]


# -- against the emulator -----------------------------------------------------------------------------


def test_the_theme_export_goes_out_beside_the_flow_list_and_before_the_exports(emulator: t.Any) -> None:
    # held 0.3 s each by the emulator, so requests sent together overlap there on any machine load; nothing is timed
    emulator.faults({"path": "*", "kind": "delay", "seconds": 0.3, "count": None})
    emulator.clear_log()
    result = run_flow(emulator, src=str(V2_FILE), theme=str(THEME_FILE), concurrency=4)
    assert "failed" not in result, result
    log = {r["path"]: r for r in emulator.requests()}
    listing, theme, export = log["/v1/mgmt/flow/list"], log["/v2/mgmt/theme/export"], log["/v2/mgmt/flow/export"]
    assert listing["started"] < theme["ended"] and theme["started"] < listing["ended"]  # in flight together
    assert export["started"] >= theme["ended"]  # the exports get the whole pool
    assert len(emulator.requests()) == 5  # list, theme, export, then the flow and theme imports: nothing read twice

    # both fail: the flow list's error, the first a one-at-a-time plan meets; concurrency 1 reads one at a time
    emulator.clear_faults()
    emulator.faults(
        {"path": "/v2/mgmt/theme/export", "kind": "status", "status": 400, "count": 1},
        {"path": "/v1/mgmt/flow/list", "kind": "status", "status": 400, "count": 1},
    )
    failed = run_flow(emulator, src=str(V2_FILE), theme=str(THEME_FILE), concurrency=4)
    assert failed.get("failed") and failed["error"]["path"] == "/v1/mgmt/flow/list", failed
    emulator.clear_log()
    emulator.faults({"path": "*", "kind": "delay", "seconds": 0.1, "count": None})
    run_flow(emulator, src=str(V2_FILE), theme=str(THEME_FILE), concurrency=1)
    assert [r["in_flight"] for r in emulator.requests()] == [1] * len(emulator.requests())


def test_deploy_v2_then_second_run_is_unchanged(emulator: t.Any) -> None:
    emulator.clear_log()
    first = run_flow(emulator, src=str(V2_FILE))
    assert first["changed"] is True and first["flow"]["action"] == "updated"  # the seed has another sign-up-or-in
    assert paths(emulator) == ["POST /v1/mgmt/flow/list", "POST /v2/mgmt/flow/export", "POST /v2/mgmt/flow/import"]
    stored = emulator.state()["flows"]["sign-up-or-in"]
    assert stored["metadata"]["name"] == "Sign Up or In" and len(stored["screens"]) == 2
    emulator.clear_log()
    second = run_flow(emulator, src=str(V2_FILE))
    assert second["changed"] is False and second["flow"]["action"] == "unchanged"
    assert emulator.writes() == [] and len(emulator.requests()) == 2
    assert second["descope_audit"]["counts"]["unchanged"] == 1


def test_deploy_v1_creates_and_is_idempotent(emulator: t.Any) -> None:
    result = run_flow(emulator, flow_id="password-sign-in", src=str(V1_FILE), warnings=(w := []))
    assert result["flow"]["action"] == "created" and "new flow" in result["flow"]["summary"]
    assert any("password-sign-in" in m for m in w)
    assert "password-sign-in" in emulator.state()["flows"]
    emulator.clear_log()
    again = run_flow(emulator, flow_id="password-sign-in", src=str(V1_FILE))
    assert again["changed"] is False and emulator.writes() == []


def test_check_mode_predicts_exactly_with_zero_writes(emulator: t.Any) -> None:
    emulator.clear_log()
    check = run_flow(emulator, check=True, diff=True, src=str(V2_FILE))
    assert check["changed"] is True and emulator.writes() == []
    assert check["descope_audit"]["check_mode"] is True and check["descope_audit"]["operations"][0]["outcome"] == "check"
    assert check["msg"].startswith("Check mode: would have")
    real = run_flow(emulator, src=str(V2_FILE))
    assert real["flow"]["action"] == check["flow"]["action"] and real["flow"]["summary"] == check["flow"]["summary"]


def test_diff_carries_summary_and_full_content(emulator: t.Any) -> None:
    result = run_flow(emulator, check=True, diff=True, src=str(V2_FILE))
    (entry,) = result["diff"]
    assert entry["prepared"] == result["flow"]["summary"] + "\n"  # the trailing newline keeps the next diff header on its own line
    assert entry["after"]["screens"][0]["screenId"] == "SC2b7RfXQe1yK0AcVerifyOtp1"  # sorted by screen id
    assert entry["before"]["metadata"]["name"] == "Sign Up or In"
    op = result["descope_audit"]["operations"][0]
    assert set(op["after"]) == {"sha256", "name", "screens", "tasks"} and op["summary"] == result["flow"]["summary"]


def test_definition_inline_and_absent_twice(emulator: t.Any) -> None:
    created = run_flow(emulator, flow_id="inline", definition=load(V2_FILE))
    assert created["flow"]["action"] == "created"
    emulator.clear_log()
    gone = run_flow(emulator, flow_id="inline", state="absent", diff=True)
    assert gone["flow"]["action"] == "deleted" and gone["changed"]
    assert [w["path"] for w in emulator.writes()] == ["/v1/mgmt/flow/delete"]
    assert "removed" in gone["diff"][0]["prepared"] and gone["diff"][0]["before"]["metadata"]["name"] == "Sign Up or In"
    emulator.clear_log()
    again = run_flow(emulator, flow_id="inline", state="absent")
    assert again["changed"] is False and again["flow"]["action"] == "unchanged" and emulator.writes() == []


def test_validation_errors_fail_before_any_request(emulator: t.Any, tmp_path: pathlib.Path) -> None:
    shutil.copytree(FIXTURES / "invalid", tmp_path / "flows")
    emulator.clear_log()
    result = run_flow(emulator, src_dir=str(tmp_path / "flows"))
    assert result["failed"] and emulator.requests() == []
    sources = {pathlib.Path(p["source"]).name for p in result["validation_errors"]}
    assert sources == {"broken.json", "sign-in.json", "sign-up-or-in.json"}
    assert "sign-up-or-in.json" in result["msg"] and "$.flow.screens[2].screenId" in result["msg"]


def test_option_conflicts_are_validation_errors(emulator: t.Any) -> None:
    result = run_flow(emulator, flow_id="x", state="absent", src=str(V2_FILE))
    assert result["failed"] and result["validation_errors"][0]["field"] == "src"
    result = run_flow(emulator, flow_id="x")
    assert result["failed"] and "needs the flow's content" in result["msg"]
    result = run_flow(emulator, theme=5)
    assert result["failed"] and result["validation_errors"][0]["field"] == "theme"
    result = run_flow(emulator, src_dir=str(FIXTURES / "missing-dir"))
    assert result["failed"] and "not a directory" in result["msg"]
    assert emulator.requests() == []


def test_src_dir_prune_protects_ids_and_deletes_in_one_request(emulator: t.Any, tmp_path: pathlib.Path) -> None:
    flows = tmp_path / "flows"
    flows.mkdir()
    shutil.copy(V2_FILE, flows / "sign-up-or-in.json")
    shutil.copy(V1_FILE, flows / "password-sign-in.json")
    run_flow(emulator, flow_id="extra-1", definition=load(V2_FILE))
    run_flow(emulator, flow_id="extra-2", definition=load(V2_FILE))
    emulator.clear_log()
    check = run_flow(emulator, check=True, src_dir=str(flows), prune=True, protected_ids=["extra-2"])
    actions = {f["id"]: f["action"] for f in check["flows"]}
    assert actions == {"password-sign-in": "created", "sign-up-or-in": "updated", "sign-in": "deleted", "extra-1": "deleted"}
    assert emulator.writes() == []
    emulator.clear_log()
    real = run_flow(emulator, src_dir=str(flows), prune=True, protected_ids=["extra-2"])
    assert {f["id"]: f["action"] for f in real["flows"]} == actions
    deletes = [w for w in emulator.writes() if w["path"] == "/v1/mgmt/flow/delete"]
    assert len(deletes) == 1
    assert sorted(emulator.state()["flows"]) == ["extra-2", "password-sign-in", "sign-up-or-in"]
    emulator.clear_log()
    again = run_flow(emulator, src_dir=str(flows), prune=True, protected_ids=["extra-2"])
    assert again["changed"] is False and emulator.writes() == []


def test_prune_refuses_an_empty_directory(emulator: t.Any, tmp_path: pathlib.Path) -> None:
    result = run_flow(emulator, src_dir=str(tmp_path), prune=True)
    assert result["failed"] and "prune" in result["msg"] and emulator.requests() == []


def test_cli_and_wrapped_files_deploy_the_same_in_src_src_dir_and_theme(emulator: t.Any, tmp_path: pathlib.Path) -> None:
    wrapped = load(V2_FILE)
    (tmp_path / "cli").mkdir()
    (tmp_path / "wrapped").mkdir()
    (tmp_path / "cli" / "sign-up-or-in.json").write_text(json.dumps(wrapped["flow"]))  # descopecli flow export
    (tmp_path / "wrapped" / "sign-up-or-in.json").write_text(json.dumps(wrapped))
    (tmp_path / "cli" / "theme.json").write_text(json.dumps(load(THEME_FILE)["theme"]))  # descopecli theme export
    first = run_flow(emulator, src=str(tmp_path / "cli" / "sign-up-or-in.json"), theme=str(tmp_path / "cli" / "theme.json"))
    assert first["changed"] and not first.get("failed"), first.get("msg")
    emulator.clear_log()
    for src in (tmp_path / "wrapped" / "sign-up-or-in.json", tmp_path / "cli" / "sign-up-or-in.json"):
        assert run_flow(emulator, src=str(src), theme=str(THEME_FILE))["changed"] is False
    warnings: list[str] = []
    again = run_flow(emulator, src_dir=str(tmp_path / "cli"), theme=str(tmp_path / "cli" / "theme.json"), warnings=warnings)
    assert again["changed"] is False and emulator.writes() == [] and warnings == []  # the bare theme is not read as a flow


def test_theme_compare_before_write(emulator: t.Any) -> None:
    emulator.clear_log()
    first = run_flow(emulator, theme=str(THEME_FILE), diff=True)
    assert first["theme"]["action"] == "updated" and "styles.light" in first["theme"]["summary"]
    assert [w["path"] for w in emulator.writes()] == ["/v2/mgmt/theme/import"]
    assert first["diff"][0]["prepared"].startswith("theme changed")
    assert "flows" in first and first["flows"] == []
    emulator.clear_log()
    second = run_flow(emulator, theme=load(THEME_FILE))
    assert second["changed"] is False and second["theme"]["action"] == "unchanged" and emulator.writes() == []
    assert second["msg"] == "Theme already matches."


def test_info_lists_and_exports_for_a_clean_redeploy(emulator: t.Any, tmp_path: pathlib.Path) -> None:
    listing = run_info(emulator)
    assert {f["id"] for f in listing["flows"]} == {"sign-in", "sign-up-or-in"}
    assert set(listing["flows"][0]) == {"id", "name", "description", "disabled"} and listing["changed"] is False
    dest = tmp_path / "export"
    check = run_info(emulator, check=True, dest=str(dest), theme=True)
    assert check["changed"] is True and not dest.exists()
    first = run_info(emulator, dest=str(dest), theme=True)
    assert first["changed"] is True and sorted(p.name for p in dest.iterdir()) == ["sign-in.json", "sign-up-or-in.json", "theme.json"]
    text = (dest / "sign-in.json").read_text()
    assert text == json.dumps(json.loads(text), sort_keys=True, indent=2) + "\n"
    # the bare objects descopecli writes and reads (flow/crud.go, theme/crud.go): no {"flow": ...} wrapper
    assert "flow" not in json.loads(text) and json.loads(text)["flowId"] == "sign-in"
    assert "theme" not in json.loads((dest / "theme.json").read_text()) and "styles" in json.loads((dest / "theme.json").read_text())
    assert first["descope_audit"]["counts"]["exported"] == 3
    second = run_info(emulator, dest=str(dest), theme=True)
    assert second["changed"] is False and all(not f["changed"] for f in second["files"])
    emulator.clear_log()
    redeploy = run_flow(emulator, src_dir=str(dest), theme=str(dest / "theme.json"), prune=True)
    assert redeploy["changed"] is False and emulator.writes() == []
    assert len([r for r in emulator.requests() if r["path"] == "/v2/mgmt/flow/export"]) == 2


def test_info_unknown_id_fails_before_writing(emulator: t.Any, tmp_path: pathlib.Path) -> None:
    result = run_info(emulator, flow_ids=["sign-in", "nope"], dest=str(tmp_path / "d"))
    assert result["failed"] and result["validation_errors"][0]["id"] == "nope" and not (tmp_path / "d").exists()
    only = run_info(emulator, flow_ids=["sign-in"])
    assert [f["id"] for f in only["flows"]] == ["sign-in"]


def test_import_failure_is_reported_per_flow(emulator: t.Any) -> None:
    emulator.faults({"path": "/v2/mgmt/flow/import", "kind": "status", "status": 400, "count": 1})
    result = run_flow(emulator, src=str(V2_FILE))
    assert result["failed"] and result["flow"]["action"] == "failed" and "sign-up-or-in" in result["msg"]
    assert result["error"]["status"] == 400


def test_not_found_on_export_means_create(emulator: t.Any) -> None:
    emulator.config(notFoundStatus=404)
    emulator.faults({"path": "/v2/mgmt/flow/export", "kind": "status", "status": 404, "count": 1})
    result = run_flow(emulator, src=str(V2_FILE))
    assert result["flow"]["action"] == "created"


def test_unrelated_400_on_export_of_a_listed_flow_fails_instead_of_planning_a_create(emulator: t.Any) -> None:
    # A 400 of a flow the listing has is not "absent", whatever it says: the listing is read again and
    # still has it, so the task fails rather than planning a blind overwrite of a flow it could not read.
    body = '{"errorCode": "E011003", "errorDescription": "unknown export option"}'
    emulator.faults({"path": "/v2/mgmt/flow/export", "kind": "status", "status": 400, "body": body, "count": 1})
    result = run_flow(emulator, src=str(V2_FILE))
    assert result.get("failed") and emulator.writes() == []


@pytest.mark.parametrize("status", [400, 404])
def test_a_flow_gone_between_list_and_export_is_absent_for_both_not_found_styles(status: int) -> None:
    from ansible_collections.descope.mgmt.plugins.module_utils._errors import DescopeAPIError
    from ansible_collections.descope.mgmt.plugins.module_utils._flow._fields import PATH_EXPORT, PATH_LIST

    calls: list[str] = []

    class Client:
        def post(self, path: str, body: t.Any = None, read: bool = False, idempotent: bool = False) -> dict[str, t.Any]:
            calls.append(path)
            if path == PATH_EXPORT:
                raise DescopeAPIError(status, "POST", path, error_description="Request is invalid")
            return {"flows": [{"id": "other"}]}  # the fresh listing no longer has it

    assert _flow.export_all(Client(), ["gone"], 1) == {"gone": None}
    assert calls == [PATH_EXPORT] + ([PATH_LIST] if status == 400 else [])


def test_import_sends_only_the_flow_and_passes_strict_mode(emulator: t.Any) -> None:
    # OAS ImportFlowRequest {flow, skipRender, changelog}: a top-level flowId is refused in strict mode
    emulator.config(strict=True)
    result = run_flow(emulator, src=str(V2_FILE))
    assert not result.get("failed"), result.get("msg")
    assert emulator.state()["flows"]["sign-up-or-in"]["metadata"]["name"] == "Sign Up or In"
    doc, _problems = _flow.parse_flow(load(V2_FILE), "f", None)
    assert doc is not None and doc.import_body() == {"flow": doc.flow} and doc.flow["flowId"] == "sign-up-or-in"


def test_fingerprint_is_a_setting_compared_and_deployed(emulator: t.Any) -> None:
    run_flow(emulator, src=str(V2_FILE))
    on = load(V2_FILE)
    on["flow"]["metadata"]["fingerprint"] = True
    turned_on = run_flow(emulator, definition=on, flow_id="sign-up-or-in")
    assert turned_on["changed"] and turned_on["flow"]["action"] == "updated"
    assert emulator.state()["flows"]["sign-up-or-in"]["metadata"].get("fingerprint") is True
    assert run_flow(emulator, definition=on, flow_id="sign-up-or-in")["changed"] is False
    turned_off = run_flow(emulator, check=True, src=str(V2_FILE))
    assert turned_off["changed"] and "fingerprint" in turned_off["flow"]["summary"]


def test_v1_file_keeps_the_references_descope_has(emulator: t.Any) -> None:
    run_flow(emulator, src=str(V2_FILE))  # sign-up-or-in now has connector and oauth references
    v1 = _flow.v2_to_v1(load(V2_FILE)["flow"])
    emulator.clear_log()
    result = run_flow(emulator, flow_id="sign-up-or-in", definition=v1)
    assert result["changed"] is False and emulator.writes() == []  # references are not part of the v1 form
    v1["flow"]["description"] = "edited"
    changed = run_flow(emulator, flow_id="sign-up-or-in", definition=v1)
    assert changed["flow"]["changes"]["metadata"] == ["description"] and changed["flow"]["changes"]["references"] == []
    assert emulator.state()["flows"]["sign-up-or-in"]["references"]["oauth"] == ["google"]


def test_theme_file_in_src_dir_is_skipped_with_a_warning(emulator: t.Any, tmp_path: pathlib.Path) -> None:
    shutil.copy(V2_FILE, tmp_path / "sign-up-or-in.json")
    shutil.copy(THEME_FILE, tmp_path / "theme.json")
    warnings: list[str] = []
    result = run_flow(emulator, src_dir=str(tmp_path), warnings=warnings)
    assert [f["id"] for f in result["flows"]] == ["sign-up-or-in"]
    assert any("theme export" in w for w in warnings)


def test_theme_file_named_by_the_theme_option_is_not_warned_about(emulator: t.Any, tmp_path: pathlib.Path) -> None:
    shutil.copy(V2_FILE, tmp_path / "sign-up-or-in.json")
    shutil.copy(THEME_FILE, tmp_path / "theme.json")
    warnings: list[str] = []
    result = run_flow(emulator, src_dir=str(tmp_path), theme=str(tmp_path / "theme.json"), warnings=warnings, diff=True)
    assert [f["id"] for f in result["flows"]] == ["sign-up-or-in"] and "theme" in result
    assert not any("theme export" in w for w in warnings)
    assert all(entry["prepared"].endswith("\n") for entry in result.get("diff", []))


def test_auth_failure_fails_the_task_without_leaking_the_key(emulator: t.Any) -> None:
    env = dict(emulator.env, DESCOPE_MANAGEMENT_KEY="K2WrongKeyForFlows00000000000001")
    result = run_spec(_flow.SPEC, {"src": str(V2_FILE), "state": "present", "concurrency": 4}, environ=env)
    assert result["failed"] and result["error"]["status"] == 401 and "K2WrongKeyForFlows" not in json.dumps(result)


def test_info_v1_format_redeploys_unchanged(emulator: t.Any, tmp_path: pathlib.Path) -> None:
    result = run_info(emulator, dest=str(tmp_path), format="v1")
    assert result["changed"] is True
    doc = load(tmp_path / "sign-up-or-in.json")
    assert _flow.detect_form(doc) == "v1" and doc["flow"]["id"] == "sign-up-or-in" and "version" not in doc["flow"]
    emulator.clear_log()
    redeploy = run_flow(emulator, src_dir=str(tmp_path))
    assert redeploy["changed"] is False and emulator.writes() == []


def test_absent_message_says_already_absent(emulator: t.Any) -> None:
    result = run_flow(emulator, flow_id="never-there", state="absent")
    assert result["changed"] is False and result["msg"] == "Flow 'never-there' is already absent; nothing to do."
