# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The audit callback on plain data: fake tasks/hosts/results, never ansible's TaskResult."""

from __future__ import annotations

import json
import os
import pathlib
import types
import typing as t

import pytest

from ansible_collections.descope.mgmt.plugins.callback import descope_audit as cb
from ansible_collections.descope.mgmt.plugins.module_utils import _audit

CANARY = "K2CanaryCallbackKey000000000000001"


class FakeDisplay:
    verbosity = 0

    def __init__(self) -> None:
        self.shown: list[str] = []
        self.warnings: list[str] = []
        self.errors: list[str] = []

    def display(self, msg: str, **_kw: t.Any) -> None:
        self.shown.append(msg)

    def warning(self, msg: str, **_kw: t.Any) -> None:
        self.warnings.append(msg)

    def error(self, msg: str, **_kw: t.Any) -> None:
        self.errors.append(msg)

    @property
    def text(self) -> str:
        return "\n".join(self.shown + self.warnings + self.errors)


def task(action: str = "descope.mgmt.descope_tenant", name: str = "Manage tenants", **kw: t.Any) -> t.Any:
    fields = {"action": action, "_resolved_action": None, "no_log": False, "check_mode": False, "_uuid": "uuid-1", "args": {}}
    fields.update(kw)
    ns = types.SimpleNamespace(**fields)
    ns.get_name = lambda: name
    return ns


def host(name: str = "localhost") -> t.Any:
    return types.SimpleNamespace(name=name, get_name=lambda: name)


def event(result: dict[str, t.Any], tsk: t.Any = None, hst: t.Any = None, old_names: bool = False) -> t.Any:
    if old_names:  # the pre-2.19 private attribute names
        return types.SimpleNamespace(_task=tsk or task(), _host=hst or host(), _result=result)
    return types.SimpleNamespace(task=tsk or task(), host=hst or host(), result=result)


def op(target: str, action: str = "created", operation: str = "create", outcome: str = "ok", **kw: t.Any) -> dict[str, t.Any]:
    out = {
        "operation": operation,
        "target_type": "tenant",
        "target_id": target,
        "changed": outcome in ("ok", "check"),
        "action": action,
        "before": None,
        "after": {"name": target},
        "outcome": outcome,
        "check_mode": outcome == "check",
        "error": None,
        "duration_ms": 5,
    }
    out.update(kw)
    return out


def audit(*ops: dict[str, t.Any], check: bool = False, counts: dict[str, int] | None = None, error: dict[str, t.Any] | None = None) -> dict[str, t.Any]:
    out: dict[str, t.Any] = {
        "version": 1,
        "module": "descope_tenant",
        "project_id": "P2abc",
        "check_mode": check,
        "operations": list(ops),
        "counts": counts or {},
    }
    if error:
        out["error"] = error
    return out


@pytest.fixture
def plugin(tmp_path: t.Any, monkeypatch: pytest.MonkeyPatch) -> t.Any:
    monkeypatch.setenv("DESCOPE_MANAGEMENT_KEY", CANARY)
    # the callback sets this in os.environ itself; setenv first so monkeypatch restores its absence afterwards
    monkeypatch.setenv(cb.BLOCK_ENV, "")
    monkeypatch.delenv(cb.BLOCK_ENV)
    for name in (cb.ACTIVE_ENV, cb.journal.ENV_JOURNAL, "DESCOPE_AUDIT_KEY", "DESCOPE_AUDIT_URL"):
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    plugin = cb.CallbackModule(display=FakeDisplay())
    plugin.dir = str(tmp_path / "audit")
    plugin.v2_playbook_on_start(types.SimpleNamespace(_file_name="/play/site.yml"))
    return plugin


def lines(plugin: t.Any) -> list[dict[str, t.Any]]:
    path = _audit.file_for(plugin.dir)
    if not os.path.exists(path):
        return []
    return [json.loads(x) for x in pathlib.Path(path).read_text().splitlines()]


# ------------------------------------------------------------------------------------------ recording


def test_single_task_records_each_operation_with_context(plugin: t.Any) -> None:
    play = types.SimpleNamespace(get_name=lambda: "Configure", _variable_manager=types.SimpleNamespace(extra_vars={"awx_job_id": 42, "awx_user_name": "alice"}))
    plugin.v2_playbook_on_play_start(play)
    plugin.v2_runner_on_start(host(), task())
    plugin.v2_runner_on_ok(event({"changed": True, "descope_audit": audit(op("t1"), op("t2", "updated", "update"))}))
    recs = lines(plugin)
    assert [r["target_id"] for r in recs] == ["t1", "t2"]
    first = recs[0]
    assert first["playbook"] == "/play/site.yml" and first["play"] == "Configure" and first["task"] == "Manage tenants"
    assert first["task_uuid"] == "uuid-1" and first["host"] == "localhost" and first["project_id"] == "P2abc" and first["run_id"] == plugin.run_id
    assert first["awx_job_id"] == "42" and first["awx_user"] == "alice" and first["user"] == plugin.user
    assert _audit.verify(plugin.dir).verified and plugin.records_written == 2


def test_awx_job_id_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JOB_ID", "77")
    assert cb.CallbackModule(display=FakeDisplay()).awx_job_id == "77"


def test_other_collections_and_unchanged_results_write_nothing(plugin: t.Any) -> None:
    plugin.v2_runner_on_ok(event({"changed": True}, task("ansible.builtin.debug")))
    plugin.v2_runner_on_failed(event({"msg": "x"}, task("community.general.x")))
    plugin.v2_runner_on_ok(event({"changed": False, "descope_audit": audit()}))
    assert lines(plugin) == []


def test_short_name_is_ours_only_with_our_block(plugin: t.Any) -> None:
    plugin.v2_runner_on_ok(event({"descope_audit": audit(op("t1"))}, task("descope_tenant")))
    plugin.v2_runner_on_ok(event({"descope_audit": dict(audit(op("t2")), module="other")}, task("descope_tenant")))
    assert [r["target_id"] for r in lines(plugin)] == ["t1"]


def test_resolved_action_wins(plugin: t.Any) -> None:
    plugin.v2_runner_on_ok(event({"descope_audit": audit(op("t1"))}, task("descope_tenant", _resolved_action="descope.mgmt.descope_tenant")))
    assert len(lines(plugin)) == 1


def test_old_attribute_names_work(plugin: t.Any) -> None:
    plugin.v2_runner_on_ok(event({"descope_audit": audit(op("t1"))}, old_names=True))
    assert len(lines(plugin)) == 1


def test_loop_items_are_recorded_once(plugin: t.Any) -> None:
    items = [{"changed": True, "item": i, "descope_audit": audit(op(f"t{i}"))} for i in range(3)]
    for item in items:
        plugin.v2_runner_item_on_ok(event(item))
    plugin.v2_runner_on_ok(event({"changed": True, "results": items}))  # the loop summary: no double count
    assert [r["target_id"] for r in lines(plugin)] == ["t0", "t1", "t2"]


def test_failed_loop_item_and_summary(plugin: t.Any) -> None:
    bad = {"failed": True, "descope_audit": audit(error={"kind": "api", "status": 404, "code": "E0", "message": "nf"})}
    plugin.v2_runner_item_on_ok(event({"descope_audit": audit(op("t1"))}))
    plugin.v2_runner_item_on_failed(event(bad))
    plugin.v2_runner_on_failed(event({"failed": True, "results": [{}, bad]}))
    recs = lines(plugin)
    assert [r["outcome"] for r in recs] == ["ok", "failed"] and recs[1]["error"]["status"] == 404


def test_failure_before_any_operation_is_one_line(plugin: t.Any) -> None:
    plugin.v2_runner_on_start(host(), task())
    err = {"kind": "config", "message": "Missing Descope connection settings", "missing": [{"option": "project_id", "env": "DESCOPE_PROJECT_ID"}]}
    plugin.v2_runner_on_failed(event({"failed": True, "msg": "x", "error": err, "descope_audit": audit(error=err)}))
    (rec,) = lines(plugin)
    assert rec["outcome"] == "failed" and rec["error"]["kind"] == "config" and isinstance(rec["duration_ms"], int)


def test_unreachable_is_recorded_as_failed(plugin: t.Any) -> None:
    plugin.v2_runner_on_unreachable(event({"unreachable": True, "msg": "ssh"}))
    (rec,) = lines(plugin)
    assert rec["outcome"] == "failed" and rec["error"]["kind"] == "unreachable"


def test_check_mode_entries_marked(plugin: t.Any) -> None:
    plugin.v2_runner_on_ok(event({"changed": True, "descope_audit": audit(op("t1", outcome="check"), check=True)}))
    (rec,) = lines(plugin)
    assert rec["check_mode"] is True and rec["outcome"] == "check"


def test_audit_info_reads_are_not_recorded(plugin: t.Any) -> None:
    plugin.v2_runner_on_ok(event({"entries": []}, task("descope.mgmt.descope_audit_info")))
    plugin.v2_runner_on_failed(event({"msg": "bad"}, task("descope.mgmt.descope_audit_info")))
    assert lines(plugin) == []


# ------------------------------------------------------------------------------------------ secrets


@pytest.mark.parametrize(
    "result",
    [
        {"_ansible_no_log": True, "changed": True, "descope_audit": audit(op("t1", after={"name": "hush"}))},
        {"censored": "the output has been hidden", "changed": True},
    ],
)
def test_no_log_result_is_recorded_as_hidden(plugin: t.Any, result: dict[str, t.Any]) -> None:
    plugin.v2_runner_on_ok(event(result))
    (rec,) = lines(plugin)
    assert rec["hidden"] is True and rec["changed"] is True and rec["after"] is None and "hush" not in json.dumps(rec)
    assert plugin._display.shown == []  # no progress lines for a hidden result


def test_no_log_task_failure_prints_no_detail(plugin: t.Any) -> None:
    plugin.v2_runner_on_failed(event({"failed": True, "msg": "secret detail", "error": {"status": 401}}, task(no_log=True)))
    (rec,) = lines(plugin)
    assert rec["hidden"] and rec["error"] is None
    assert "hidden by no_log" in plugin._display.text and "secret detail" not in plugin._display.text


def test_canary_key_never_written_or_shown(plugin: t.Any) -> None:
    literal = "K2LiteralTaskArgKey0000000000009"
    err = {"kind": "api", "status": 401, "code": "E011003", "message": f"key {CANARY} / {literal} rejected"}
    result = {
        "failed": True,
        "msg": CANARY,
        "invocation": {"module_args": {"management_key": CANARY}},
        "error": err,
        "descope_audit": audit(op("t1", outcome="failed", error=err, after={"managementKey": CANARY, "note": CANARY})),
    }
    plugin.v2_runner_on_failed(event(result, task(args={"management_key": literal})))
    text = pathlib.Path(_audit.file_for(plugin.dir)).read_text()
    assert CANARY not in text and literal not in text and "invocation" not in text and _audit.REDACTED in text
    assert CANARY not in plugin._display.text and literal not in plugin._display.text and "HTTP 401" in plugin._display.text


# ------------------------------------------------------------------------------------------ suggestions


def _failed(plugin: t.Any, err: dict[str, t.Any], target: str = "t1", **extra: t.Any) -> str:
    result = {"failed": True, "msg": "failed", "error": err, "descope_audit": audit(op(target, outcome="failed", error=err))}
    result.update(extra)
    plugin.v2_runner_on_failed(event(result))
    return plugin._display.text


def test_401_suggests_checking_the_key(plugin: t.Any) -> None:
    text = _failed(plugin, {"kind": "api", "status": 401, "code": "E011003", "description": "Unauthorized", "method": "POST", "path": "/v1/mgmt/tenant/create"})
    assert "descope_tenant on localhost, task 'Manage tenants', tenant 't1' failed" in text
    assert "HTTP 401" in text and "Descope code E011003" in text and "POST /v1/mgmt/tenant/create" in text
    assert "expired" in text and "swapped" in text and "AWX" in text and "P2abc" in text


def test_404_names_the_id_and_how_to_list(plugin: t.Any) -> None:
    text = _failed(plugin, {"kind": "api", "status": 404, "code": "E160002", "message": "Tenant not found", "not_found": True}, target="acme")
    assert "'acme' does not exist" in text and "descope_tenant_info" in text


def test_429_gives_the_wait_and_parallelism(plugin: t.Any) -> None:
    text = _failed(plugin, {"kind": "api", "status": 429, "code": "E130429", "retry_after": 30})
    assert "wait 30 second" in text and "concurrency" in text and "forks" in text and "retries" in text


def test_validation_errors_item_by_item(plugin: t.Any) -> None:
    err = {"kind": "validation", "message": "2 validation problem(s)"}
    problems = [
        {"index": 0, "id": "t1", "field": "name", "message": "is required.", "fix": "Set name."},
        {"index": 3, "field": "domains", "message": "bad domain.", "fix": "Use a host name."},
    ]
    plugin.v2_runner_on_failed(event({"failed": True, "error": err, "validation_errors": problems, "descope_audit": audit(error=err)}))
    text = plugin._display.text
    assert "item 0, id 't1': name: is required. Fix: Set name." in text and "item 3: domains: bad domain." in text
    assert "Nothing was written" in text


def test_a_message_with_next_steps_is_not_repeated_by_the_report_until_verbose(plugin: t.Any) -> None:
    err = {"kind": "api", "status": 401}
    msg = "Descope refused the management key (HTTP 401). Next steps: 1) Check the key."
    assert "descope.mgmt: descope_tenant" not in _failed(plugin, err, msg=msg)  # the [ERROR] line already says it
    plugin._display.verbosity = 1
    assert "descope.mgmt: descope_tenant on localhost" in _failed(plugin, err, msg=msg)


def test_suggestions_can_be_turned_off(plugin: t.Any) -> None:
    plugin.show_suggestions = False
    _failed(plugin, {"kind": "api", "status": 401})
    assert plugin._display.shown == [] and len(lines(plugin)) == 1


def test_failure_without_error_dict_uses_the_message(plugin: t.Any) -> None:
    plugin.v2_runner_on_failed(event({"failed": True, "msg": "Unsupported parameters for (descope_tenant) module: nme"}))
    assert "Unsupported parameters" in plugin._display.text


def test_several_failed_operations_are_listed(plugin: t.Any) -> None:
    err = {"kind": "api", "status": 500}
    plugin.v2_runner_on_failed(event({"failed": True, "descope_audit": audit(op("a", outcome="failed", error=err), op("b", outcome="failed", error=err))}))
    assert "2 operations failed: a, b" in plugin._display.text


# ------------------------------------------------------------------------------------------ progress


def test_set_mode_prints_one_line_per_item_and_counts(plugin: t.Any) -> None:
    tenants = [
        {"id": "a", "action": "created"},
        {"id": "b", "action": "updated"},
        {"id": "c", "action": "unchanged"},
        {"id": "d", "action": "failed", "error": {"status": 400, "code": "E1", "message": "bad"}},
    ]
    counts = {"created": 1, "updated": 1, "deleted": 0, "unchanged": 1, "failed": 1}
    plugin.v2_runner_on_ok(event({"changed": True, "tenants": tenants, "descope_audit": audit(op("a"), op("b", "updated", "update"), counts=counts)}))
    text = plugin._display.shown[0]
    assert "descope_tenant [localhost]: tenant a: created" in text and "tenant c" not in text  # unchanged: only counted
    assert "tenant d: failed (HTTP 400 E1 bad)" in text and "4 item(s): 1 created, 1 updated, 0 deleted, 1 unchanged, 1 failed" in text


def test_set_mode_check_mode_says_would(plugin: t.Any) -> None:
    flows = [{"id": "sign-up", "action": "updated"}, {"id": "x", "action": "unchanged"}]
    plugin.v2_runner_on_ok(event({"flows": flows, "descope_audit": audit(op("sign-up", "updated", "update", outcome="check"), check=True)}))
    text = plugin._display.shown[0]
    assert "flow sign-up: would be updated" in text and "flow x" not in text and "check mode: nothing was written" in text
    assert "1 updated" in text and "1 unchanged" in text


def test_verbose_lists_every_item_and_a_plan_step_only_counts() -> None:
    tenants = [{"id": "a", "action": "created"}, {"id": "c", "action": "unchanged"}]
    result = {"tenants": tenants, "descope_audit": audit(op("a"))}
    assert cb.progress_lines("descope_tenant", "h", result, verbose=True) == [
        "descope_tenant [h]: tenant a: created",
        "descope_tenant [h]: tenant c: unchanged",
        "descope_tenant [h]: 2 item(s): 1 created, 0 updated, 0 deleted, 1 unchanged, 0 failed",
    ]
    assert cb.progress_lines("descope_tenant", "h", result, plan_step=True) == [
        "descope_tenant [h]: 2 item(s): 1 created, 0 updated, 0 deleted, 1 unchanged, 0 failed (plan only; the list follows when it is applied)"
    ]


def test_two_hundred_unchanged_are_one_count_line() -> None:
    tenants = [{"id": f"t{i}", "action": "unchanged"} for i in range(200)] + [{"id": "new", "action": "created"}]
    out = cb.progress_lines("descope_tenant", "h", {"tenants": tenants, "descope_audit": audit(op("new"))})
    assert out == ["descope_tenant [h]: tenant new: created", "descope_tenant [h]: 201 item(s): 1 created, 0 updated, 0 deleted, 200 unchanged, 0 failed"]


def test_flow_set_mode_counts_include_the_theme_line() -> None:
    flows = [{"id": "sign-up", "action": "imported"}, {"id": "x", "action": "unchanged"}]
    counts = {"imported": 2, "unchanged": 1}  # the module's counts include the theme
    result = {"flows": flows, "theme": {"action": "imported"}, "descope_audit": audit(op("sign-up", "imported", "import"), counts=counts)}
    out = cb.progress_lines("descope_flow", "h", result)
    assert "descope_flow [h]: theme theme: imported" in out
    assert out[-1].startswith("descope_flow [h]: 3 item(s):")


def test_many_operations_without_a_list_count_as_set_mode() -> None:
    result = {"descope_audit": audit(op("a"), op("b", "deleted", "delete"))}
    out = cb.progress_lines("descope_tenant", "h", result)
    assert out[0] == "descope_tenant [h]: tenant a: created" and out[-1].endswith("1 created, 0 updated, 1 deleted, 0 unchanged, 0 failed")


def test_single_result_prints_no_progress(plugin: t.Any) -> None:
    plugin.v2_runner_on_ok(event({"tenant": {"id": "a"}, "descope_audit": audit(op("a"))}))
    assert plugin._display.shown == []


def test_progress_can_be_turned_off(plugin: t.Any) -> None:
    plugin.progress = False
    plugin.v2_runner_on_ok(event({"tenants": [{"id": "a", "action": "created"}, {"id": "b", "action": "created"}]}))
    assert plugin._display.shown == []


# ------------------------------------------------------------------------------------------ write failures


def test_unwritable_dir_warns_once_and_continues(plugin: t.Any, tmp_path: t.Any) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    plugin.dir = str(blocker / "audit")  # a path under a regular file: fails even for root
    for i in range(3):
        plugin.v2_runner_on_ok(event({"descope_audit": audit(op(f"t{i}"))}))
    assert len(plugin._display.warnings) == 1 and "cannot write the Descope audit trail" in plugin._display.warnings[0]
    assert cb.BLOCK_ENV not in os.environ and plugin.write_failed


def test_required_blocks_further_changes(plugin: t.Any, tmp_path: t.Any) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    plugin.dir = str(blocker / "audit")
    plugin.required = True
    with pytest.raises(cb.AnsibleError, match="cannot write"):
        plugin.v2_runner_on_ok(event({"descope_audit": audit(op("t1"))}))
    assert "required" in plugin._display.errors[0] and "cannot write" in os.environ[cb.BLOCK_ENV]
    plugin.v2_playbook_on_stats(None)
    assert "incomplete" in plugin._display.errors[-1]


def test_required_preflight_blocks_before_the_first_task(plugin: t.Any, tmp_path: t.Any) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    plugin.dir = str(blocker / "audit")
    plugin.required = True
    plugin._preflight()  # never raises: ansible-core would only skip the plugin
    assert cb.BLOCK_ENV in os.environ and plugin._display.errors


def test_required_preflight_creates_the_directory(plugin: t.Any) -> None:
    plugin.required = True
    plugin._preflight()
    assert os.path.isdir(plugin.dir) and cb.BLOCK_ENV not in os.environ


def test_unexpected_errors_are_contained(plugin: t.Any, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*_a: t.Any, **_k: t.Any) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(cb._audit, "append", boom)
    plugin.v2_runner_on_ok(event({"descope_audit": audit(op("t1"))}))
    assert "disk on fire" in plugin._display.warnings[0]
