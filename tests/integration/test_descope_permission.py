# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""descope_permission / descope_permission_info through real ansible-playbook runs against the emulator."""

from __future__ import annotations

import typing as t

import pytest

pytestmark = pytest.mark.integration

P = "descope.mgmt.descope_permission"
INFO = "descope.mgmt.descope_permission_info"
SYSTEM = [
    {"name": "User Admin", "description": "Manage users", "systemDefault": True},
    {"name": "SSO Admin", "description": "Manage SSO", "systemDefault": True},
]


def task(name: str, args: dict[str, t.Any], module: str = P, **extra: t.Any) -> dict[str, t.Any]:
    return {"name": name, module: args, **extra}


def perms_in(emulator: t.Any) -> dict[str, str]:
    return {p["name"]: p["description"] for p in emulator.state()["permissions"]}


def write_paths(emulator: t.Any) -> list[str]:
    return [r["path"] for r in emulator.writes()]


def seed(emulator: t.Any, permissions: list[dict[str, t.Any]], roles: list[dict[str, t.Any]] | None = None) -> None:
    emulator.seed(permissions=SYSTEM + permissions, roles=roles or [])
    emulator.clear_log()


@pytest.mark.slow
@pytest.mark.smoke
def test_single_mode_create_noop_update_delete(playbook: t.Any, emulator: t.Any) -> None:
    seed(emulator, [])
    create = playbook.run([task("create", {"name": "inv.read", "description": "Read invoices"})])
    assert create.rc == 0, create.stdout
    assert create.task("create")["permission"]["action"] == "created" and perms_in(emulator)["inv.read"] == "Read invoices"
    emulator.clear_log()
    again = playbook.run([task("again", {"name": "inv.read", "description": "Read invoices"})])
    assert again.status("again") == "ok" and emulator.writes() == [] and len(emulator.requests()) == 1
    upd = playbook.run([task("update", {"name": "inv.read", "description": "Read all invoices"})])
    assert upd.task("update")["permission"]["before"] == {"name": "inv.read", "description": "Read invoices"}
    assert perms_in(emulator)["inv.read"] == "Read all invoices"
    gone = playbook.run([task("delete", {"name": "inv.read", "state": "absent"}), task("delete again", {"name": "inv.read", "state": "absent"})])
    assert gone.status("delete") == "changed" and gone.status("delete again") == "ok" and "inv.read" not in perms_in(emulator)


@pytest.mark.slow
@pytest.mark.smoke
def test_set_mode_check_mode_predicts_exactly_with_zero_writes_then_batches(playbook: t.Any, emulator: t.Any) -> None:
    seed(emulator, [{"name": "old1"}, {"name": "old2"}, {"name": "keep", "description": "k"}, {"name": "upd", "description": "before"}])
    declared = [{"name": "keep", "description": "k"}, {"name": "upd", "description": "after"}, {"name": "new1"}, {"name": "new2", "description": "n"}]
    tasks = [task("sync", {"permissions": declared, "prune": True, "max_delete_ratio": 0.6})]
    check = playbook.run(tasks, check=True, diff=True)
    assert check.rc == 0, check.stdout
    assert emulator.writes() == []
    predicted = check.task("sync")
    assert sorted((x["id"], x["action"]) for x in predicted["permissions"]) == [
        ("keep", "unchanged"),
        ("new1", "created"),
        ("new2", "created"),
        ("old1", "deleted"),
        ("old2", "deleted"),
        ("upd", "updated"),
    ]
    assert {
        "before_header": "permission upd (before)",
        "after_header": "permission upd (after update)",
        "before": {"name": "upd", "description": "before"},
        "after": {"name": "upd", "description": "after"},
    } in predicted["diff"]
    assert predicted["descope_audit"]["check_mode"] is True and all(op["outcome"] == "check" for op in predicted["descope_audit"]["operations"])
    real = playbook.run(tasks)
    result = real.task("sync")
    assert sorted((x["id"], x["action"]) for x in result["permissions"]) == sorted((x["id"], x["action"]) for x in predicted["permissions"])
    # one batch per kind of change: create (2), update (1: single endpoint), delete (2)
    assert write_paths(emulator) == ["/v1/mgmt/permission/create/batch", "/v1/mgmt/permission/update", "/v1/mgmt/permission/delete/batch"]
    ops = result["descope_audit"]["operations"]
    assert sorted((o["operation"], o["target_id"], o["outcome"]) for o in ops) == [
        ("create", "new1", "ok"),
        ("create", "new2", "ok"),
        ("delete", "old1", "ok"),
        ("delete", "old2", "ok"),
        ("update", "upd", "ok"),
    ]
    assert perms_in(emulator) == {"User Admin": "Manage users", "SSO Admin": "Manage SSO", "keep": "k", "upd": "after", "new1": "", "new2": "n"}
    emulator.clear_log()
    again = playbook.run(tasks)
    assert again.status("sync") == "ok" and emulator.writes() == [] and [r["path"] for r in emulator.requests()] == ["/v1/mgmt/permission/all"]


def test_empty_set_with_prune_is_refused_unless_allowed_and_never_touches_system_permissions(playbook: t.Any, emulator: t.Any) -> None:
    seed(emulator, [{"name": "a"}, {"name": "b"}])
    refused = playbook.run([task("empty", {"permissions": [], "prune": True})])
    assert refused.rc != 0 and emulator.writes() == []
    err = refused.task("empty")
    assert "2 of 2 existing permission(s)" in err["msg"] and "allow_empty_prune" in err["msg"]
    allowed = playbook.run([task("empty", {"permissions": [], "prune": True, "allow_empty_prune": True})])
    assert allowed.rc == 0, allowed.stdout
    assert sorted(perms_in(emulator)) == ["SSO Admin", "User Admin"]


@pytest.mark.slow
def test_prune_share_guard_names_the_count_and_protected_ids_are_kept(playbook: t.Any, emulator: t.Any) -> None:
    seed(emulator, [{"name": n} for n in ("a", "b", "c", "d")])
    refused = playbook.run([task("sync", {"permissions": [{"name": "a"}], "prune": True})])
    assert refused.rc != 0 and emulator.writes() == []
    assert "would delete 3 of 4 existing permission(s) (75%" in refused.task("sync")["msg"]
    kept = playbook.run([task("sync", {"permissions": [{"name": "a"}], "prune": True, "protected_ids": ["b", "c"]})])
    assert kept.rc == 0, kept.stdout
    assert sorted(perms_in(emulator)) == ["SSO Admin", "User Admin", "a", "b", "c"]
    absent = playbook.run([task("protected absent", {"permissions": [{"name": "b", "state": "absent"}], "protected_ids": ["b"]})])
    assert absent.rc != 0 and "protected_ids" in absent.task("protected absent")["msg"] and "b" in perms_in(emulator)


def test_a_permission_a_role_grants_is_not_deleted(playbook: t.Any, emulator: t.Any) -> None:
    seed(emulator, [{"name": "read"}, {"name": "spare"}], roles=[{"name": "viewer", "permissionNames": ["read"]}, {"name": "t-role", "permissionNames": []}])
    run = playbook.run([task("delete", {"name": "read", "state": "absent"})])
    assert run.rc != 0 and emulator.writes() == []
    assert "granted by role 'viewer'" in run.task("delete")["msg"]
    assert "read" in perms_in(emulator) and emulator.state()["roles"][-1]["permissionNames"] == ["read"]


def test_hostile_items_are_all_reported_at_once_and_nothing_is_written(playbook: t.Any, emulator: t.Any) -> None:
    seed(emulator, [])
    items = [
        {"name": "dup"},
        {"name": "dup", "description": "again"},
        {"name": "bell\x07name"},
        {"name": " padded"},
        {"name": ""},
        "not a mapping",
        {"name": "x", "colour": "red"},
        {"name": "caf\u00e9"},
        {"name": "cafe\u0301"},
        {"name": "rtl\u202eevil"},
        {"name": "ok", "description": 5},
    ]
    run = playbook.run([task("hostile", {"permissions": items, "prune": True})])
    assert run.rc != 0 and emulator.writes() == []
    result = run.task("hostile")
    fields = sorted(p["field"] for p in result["validation_errors"])
    assert fields == sorted(
        [
            "permissions[1].name",
            "permissions[2].name",
            "permissions[3].name",
            "permissions[4].name",
            "permissions[5].item",
            "permissions[6].colour",
            "permissions[8].name",
            "permissions[9].name",
            "permissions[10].description",
        ]
    )
    assert "\x07" not in result["msg"] and "\u202e" not in result["msg"] and "\\u0007" in result["msg"] and "\\u202e" in result["msg"]
    assert all(p.get("fix") for p in result["validation_errors"])


@pytest.mark.slow
def test_huge_list_is_one_write_and_the_second_run_one_read(playbook: t.Any, emulator: t.Any) -> None:
    seed(emulator, [])
    declared = [{"name": f"perm.{i:05d}", "description": f"d{i}"} for i in range(1500)]
    run = playbook.run([task("many", {"permissions": declared})])
    assert run.rc == 0, run.stdout
    assert write_paths(emulator) == ["/v1/mgmt/permission/create/batch"] and len(perms_in(emulator)) == 1502
    emulator.clear_log()
    again = playbook.run([task("many", {"permissions": declared})])
    assert again.status("many") == "ok" and len(emulator.requests()) == 1 and emulator.writes() == []


@pytest.mark.smoke
def test_info_output_adopts_with_zero_writes(playbook: t.Any, emulator: t.Any) -> None:
    seed(emulator, [{"name": "a", "description": "A"}, {"name": "b"}])
    run = playbook.run([task("read", {}, module=INFO, register="found"), task("adopt", {"permissions": "{{ found.permissions }}", "prune": True})])
    assert run.rc == 0, run.stdout
    assert run.task("read")["permissions"] == [{"name": "a", "description": "A"}, {"name": "b", "description": ""}]
    assert run.status("adopt") == "ok" and emulator.writes() == []
