# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""descope_role / descope_role_info through real ansible-playbook runs against the emulator."""

from __future__ import annotations

import typing as t

import pytest

pytestmark = pytest.mark.integration

R = "descope.mgmt.descope_role"
INFO = "descope.mgmt.descope_role_info"
BASE_PERMS = [{"name": "User Admin", "systemDefault": True}, {"name": "read"}, {"name": "write"}]


def task(name: str, args: dict[str, t.Any], module: str = R, **extra: t.Any) -> dict[str, t.Any]:
    return {"name": name, module: args, **extra}


def roles_in(emulator: t.Any) -> dict[str, dict[str, t.Any]]:
    out = {}
    for r in emulator.state()["roles"]:
        out[f"{r['tenantId']}/{r['name']}" if r["tenantId"] else r["name"]] = r
    return out


def seed(
    emulator: t.Any, roles: list[dict[str, t.Any]], tenants: list[dict[str, t.Any]] | None = None, permissions: list[dict[str, t.Any]] | None = None
) -> None:
    emulator.seed(tenants=tenants or [], permissions=BASE_PERMS + (permissions or []), roles=roles)
    emulator.clear_log()


def writes(emulator: t.Any) -> list[str]:
    return [r["path"] for r in emulator.writes()]


@pytest.mark.slow
@pytest.mark.smoke
def test_single_mode_create_noop_update_delete(playbook: t.Any, emulator: t.Any) -> None:
    seed(emulator, [])
    args = {"name": "viewer", "description": "Reads", "permission_names": ["read"]}
    create = playbook.run([task("create", args)])
    assert create.rc == 0, create.stdout
    assert create.task("create")["role"]["after"] == {
        "name": "viewer",
        "description": "Reads",
        "permission_names": ["read"],
        "default": False,
        "private": False,
    }
    emulator.clear_log()
    again = playbook.run([task("again", args)])
    assert again.status("again") == "ok" and emulator.writes() == [] and len(emulator.requests()) == 1
    upd = playbook.run([task("update", {"name": "viewer", "permission_names": ["write", "read"]})])
    assert upd.task("update")["role"]["before"] == {"name": "viewer", "permission_names": ["read"]}
    stored = roles_in(emulator)["viewer"]
    assert sorted(stored["permissionNames"]) == ["read", "write"] and stored["description"] == "Reads"  # unmanaged field kept
    gone = playbook.run([task("delete", {"name": "viewer", "state": "absent"}), task("again", {"name": "viewer", "state": "absent"})])
    assert gone.status("delete") == "changed" and gone.status("again") == "ok" and "viewer" not in roles_in(emulator)


@pytest.mark.smoke
def test_roles_and_permissions_in_one_task_are_ordered_and_batched(playbook: t.Any, emulator: t.Any) -> None:
    seed(
        emulator,
        [
            {"name": "legacy", "permissionNames": ["old.a", "old.b"]},
            {"name": "legacy2", "permissionNames": ["old.a"]},
            {"name": "admin", "permissionNames": ["read"]},
        ],
        permissions=[{"name": "old.a"}, {"name": "old.b"}],
    )
    tasks = [
        task(
            "sync",
            {
                "prune": True,
                "max_delete_ratio": 1,
                "protected_ids": ["User Admin"],
                "permissions": [{"name": "read"}, {"name": "write"}, {"name": "inv.read"}, {"name": "inv.write"}],
                "roles": [
                    {"name": "admin", "permission_names": ["read", "write", "inv.write"]},
                    {"name": "billing", "permission_names": ["inv.read", "inv.write"]},
                    {"name": "billing-viewer", "permission_names": ["inv.read"]},
                ],
            },
        )
    ]
    run = playbook.run(tasks)
    assert run.rc == 0, run.stdout
    # permissions created before the roles that use them; roles deleted before their permissions
    assert writes(emulator) == [
        "/v1/mgmt/permission/create/batch",
        "/v1/mgmt/role/create/batch",
        "/v1/mgmt/role/update",
        "/v1/mgmt/role/delete/batch",
        "/v1/mgmt/permission/delete/batch",
    ]
    result = run.task("sync")
    assert sorted((x["id"], x["action"]) for x in result["roles"]) == [
        ("admin", "updated"),
        ("billing", "created"),
        ("billing-viewer", "created"),
        ("legacy", "deleted"),
        ("legacy2", "deleted"),
    ]
    assert sorted((x["id"], x["action"]) for x in result["permissions"]) == [
        ("inv.read", "created"),
        ("inv.write", "created"),
        ("old.a", "deleted"),
        ("old.b", "deleted"),
        ("read", "unchanged"),
        ("write", "unchanged"),
    ]
    assert len(result["descope_audit"]["operations"]) == 9
    assert sorted(roles_in(emulator)) == ["admin", "billing", "billing-viewer"]
    emulator.clear_log()
    again = playbook.run(tasks)
    assert again.status("sync") == "ok" and emulator.writes() == []
    assert [r["path"] for r in emulator.requests()] == ["/v1/mgmt/permission/all", "/v1/mgmt/role/all"]


def test_noop_roles_set_costs_one_read(playbook: t.Any, emulator: t.Any) -> None:
    seed(emulator, [{"name": "a", "permissionNames": ["read"]}, {"name": "b", "permissionNames": ["read", "write"]}])
    declared = [{"name": "a", "permission_names": ["read"]}, {"name": "b", "permission_names": ["write", "read"]}]
    run = playbook.run([task("sync", {"roles": declared, "prune": True})])
    assert run.rc == 0 and run.status("sync") == "ok"
    assert [r["path"] for r in emulator.requests()] == ["/v1/mgmt/role/all"]


def test_undeclared_missing_permission_is_refused_before_any_write(playbook: t.Any, emulator: t.Any) -> None:
    seed(emulator, [])
    run = playbook.run(
        [
            task(
                "sync",
                {
                    "permissions": [{"name": "inv.read"}],
                    "roles": [{"name": "ok", "permission_names": ["inv.read", "read"]}, {"name": "bad", "permission_names": ["nope", "inv.read", "tpyo"]}],
                },
            )
        ]
    )
    assert run.rc != 0 and emulator.writes() == []
    errors = run.task("sync")["validation_errors"]
    assert sorted((e["field"], e["id"]) for e in errors) == [("roles[1].permission_names[0]", "bad"), ("roles[1].permission_names[2]", "bad")]
    assert "does not exist and is not declared" in errors[0]["message"] and "descope_permission" in errors[0]["fix"]
    single = playbook.run([task("one", {"name": "x", "permission_names": ["ghost"]})])
    assert single.rc != 0 and emulator.writes() == [] and "'ghost'" in single.task("one")["msg"]


def test_check_mode_zero_writes_exact_diff_then_the_real_run_matches(playbook: t.Any, emulator: t.Any) -> None:
    seed(emulator, [{"name": "a", "permissionNames": ["read"]}, {"name": "gone"}, {"name": "keep"}])
    tasks = [task("sync", {"roles": [{"name": "a", "permission_names": ["write"], "default": True}, {"name": "keep"}, {"name": "new"}], "prune": True})]
    check = playbook.run(tasks, check=True, diff=True)
    assert check.rc == 0 and emulator.writes() == []
    predicted = check.task("sync")
    assert predicted["changed"] is True and predicted["msg"].startswith("Check mode: would have")
    assert {
        "before_header": "role a (before)",
        "after_header": "role a (after update)",
        "before": {"name": "a", "permission_names": ["read"], "default": False},
        "after": {"name": "a", "permission_names": ["write"], "default": True},
    } in predicted["diff"]
    real = playbook.run(tasks)
    assert sorted((x["id"], x["action"]) for x in real.task("sync")["roles"]) == sorted((x["id"], x["action"]) for x in predicted["roles"])
    assert real.task("sync")["descope_audit"]["counts"] == predicted["descope_audit"]["counts"]
    assert sorted(roles_in(emulator)) == ["a", "keep", "new"] and roles_in(emulator)["a"]["default"] is True


@pytest.mark.slow
def test_tenant_roles_scopes_prune_and_protected_labels(playbook: t.Any, emulator: t.Any) -> None:
    seed(
        emulator,
        [
            {"name": "proj"},
            {"name": "t-admin", "tenantId": "acme"},
            {"name": "t-old", "tenantId": "acme"},
            {"name": "t-keep", "tenantId": "acme"},
            {"name": "other", "tenantId": "globex"},
        ],
        tenants=[{"id": "acme", "name": "Acme"}, {"id": "globex", "name": "Globex"}, {"id": "initech", "name": "Initech"}],
    )
    declared = [{"name": "t-admin", "tenant_id": "acme", "permission_names": ["read"]}, {"name": "first", "tenant_id": "initech"}]
    run = playbook.run([task("sync", {"roles": declared, "prune": True, "protected_ids": ["acme/t-keep"]})])
    assert run.rc == 0, run.stdout
    assert sorted((x["id"], x["action"]) for x in run.task("sync")["roles"]) == [
        ("acme/t-admin", "updated"),
        ("acme/t-old", "deleted"),
        ("initech/first", "created"),
    ]
    # the project role and the roles of a tenant the set does not name are out of the prune's reach
    assert sorted(roles_in(emulator)) == ["acme/t-admin", "acme/t-keep", "globex/other", "initech/first", "proj"]
    assert {"tenantIds": None} != {}  # keep the structure obvious: reads are checked below
    paths = [r["path"] for r in emulator.requests()]
    assert paths.count("/v1/mgmt/role/search") == 1 and "/v1/mgmt/role/all" not in paths
    missing = playbook.run([task("nowhere", {"name": "r", "tenant_id": "no-such-tenant"})])
    assert missing.rc != 0 and "tenant 'no-such-tenant' does not exist" in missing.task("nowhere")["msg"]
    emulator.clear_log()
    assert playbook.run([task("sync", {"roles": declared, "prune": True, "protected_ids": ["acme/t-keep"]})]).status("sync") == "ok"
    assert emulator.writes() == [] and len(emulator.requests()) == 1


@pytest.mark.slow
def test_prune_guards_for_roles(playbook: t.Any, emulator: t.Any) -> None:
    seed(emulator, [{"name": n} for n in ("a", "b", "c")])
    empty = playbook.run([task("empty", {"roles": [], "prune": True})])
    assert empty.rc != 0 and emulator.writes() == [] and "prune would delete every unprotected one: 3 of 3 existing role(s)" in empty.task("empty")["msg"]
    share = playbook.run([task("share", {"roles": [{"name": "a"}], "prune": True})])
    assert share.rc != 0 and emulator.writes() == [] and "would delete 2 of 3 existing role(s) (67%" in share.task("share")["msg"]
    prot = playbook.run([task("prot", {"roles": [{"name": "a", "state": "absent"}], "protected_ids": ["a"]})])
    assert prot.rc != 0 and emulator.writes() == []
    single = playbook.run([task("single prune", {"name": "a", "prune": True})])
    assert single.rc != 0 and "only applies to set mode" in single.task("single prune")["msg"]


def test_hostile_role_items_reported_at_once(playbook: t.Any, emulator: t.Any) -> None:
    seed(emulator, [])
    items = [
        {"name": "r"},
        {"name": "r"},
        {"name": "r", "tenant_id": "acme\n"},
        {"name": "tab\tname"},
        {"name": "p", "permission_names": "read"},
        {"name": "q", "permission_names": ["read", "bad\x00perm"]},
        {"name": "s", "default": "yes"},
        {"name": "u", "state": "gone"},
    ]
    run = playbook.run([task("hostile", {"roles": items})])
    assert run.rc != 0 and emulator.writes() == []
    fields = sorted(e["field"] for e in run.task("hostile")["validation_errors"])
    assert fields == sorted(
        [
            "roles[1].name",
            "roles[2].tenant_id",
            "roles[3].name",
            "roles[4].permission_names",
            "roles[5].permission_names[1]",
            "roles[6].default",
            "roles[7].state",
        ]
    )
    assert "\x00" not in run.stdout and "\t" not in run.task("hostile")["msg"]


@pytest.mark.smoke
@pytest.mark.slow
def test_many_role_changes_cost_constant_writes_and_info_adopts(playbook: t.Any, emulator: t.Any) -> None:
    seed(emulator, [{"name": f"old-{i}"} for i in range(10)] + [{"name": f"upd-{i}", "permissionNames": ["read"]} for i in range(40)])
    declared = [{"name": f"new-{i}", "permission_names": ["read"]} for i in range(40)] + [
        {"name": f"upd-{i}", "permission_names": ["write"]} for i in range(40)
    ]
    run = playbook.run([task("many", {"roles": declared, "prune": True})])
    assert run.rc == 0, run.stdout
    assert writes(emulator) == ["/v1/mgmt/role/create/batch", "/v1/mgmt/role/update/batch", "/v1/mgmt/role/delete/batch"]
    assert len(run.task("many")["descope_audit"]["operations"]) == 90
    emulator.clear_log()
    adopt = playbook.run([task("read", {}, module=INFO, register="found"), task("adopt", {"roles": "{{ found.roles }}", "prune": True})])
    assert adopt.rc == 0 and adopt.status("adopt") == "ok" and emulator.writes() == []
    assert len(adopt.task("read")["roles"]) == 80


def test_a_failed_batch_fails_every_role_in_it_and_skips_later_stages(playbook: t.Any, emulator: t.Any) -> None:
    seed(emulator, [{"name": "x"}, {"name": "y"}, {"name": "z"}])
    emulator.faults({"path": "/v1/mgmt/role/create/batch", "kind": "status", "status": 503, "count": 10})
    run = playbook.run([task("sync", {"roles": [{"name": "x"}, {"name": "n1"}, {"name": "n2"}], "prune": True, "max_delete_ratio": 1})])
    assert run.rc != 0
    result = run.task("sync")
    assert sorted((x["id"], x["action"]) for x in result["roles"]) == [
        ("n1", "failed"),
        ("n2", "failed"),
        ("x", "unchanged"),
        ("y", "skipped"),
        ("z", "skipped"),
    ]
    assert sorted(roles_in(emulator)) == ["x", "y", "z"]


@pytest.mark.slow
@pytest.mark.parametrize("not_found_status", [404, 400])
def test_faults_on_the_wire_converge_in_one_run_without_duplicate_writes(playbook: t.Any, emulator: t.Any, not_found_status: int) -> None:
    # 503s, connections reset after the origin applied the write (create, update, delete), and Descope's 400 not-found style
    emulator.config(notFoundStatus=not_found_status)
    seed(emulator, [{"name": "legacy"}, {"name": "admin", "permissionNames": ["read"]}])
    emulator.faults(
        {"path": "/v1/mgmt/permission/create", "kind": "status", "status": 503, "count": 2},
        {"path": "/v1/mgmt/permission/create", "kind": "drop", "apply": True, "count": 1},
        {"path": "/v1/mgmt/role/create/batch", "kind": "drop", "apply": True, "count": 1},
        {"path": "/v1/mgmt/role/update", "kind": "drop", "apply": True, "count": 1},
        {"path": "/v1/mgmt/role/delete", "kind": "drop", "apply": True, "count": 1},
    )
    tasks = [
        task(
            "sync",
            {
                "prune": True,
                "max_delete_ratio": 1,
                "permissions": [{"name": "User Admin"}, {"name": "read"}, {"name": "write"}, {"name": "inv.read"}],
                "roles": [
                    {"name": "admin", "permission_names": ["read", "write"]},
                    {"name": "billing", "permission_names": ["inv.read"]},
                    {"name": "viewer", "permission_names": ["read"]},
                ],
            },
        )
    ]
    run = playbook.run(tasks)
    assert run.rc == 0, run.stdout
    stored = roles_in(emulator)
    assert sorted(stored) == ["admin", "billing", "viewer"]
    assert sorted(stored["admin"]["permissionNames"]) == ["read", "write"] and stored["billing"]["permissionNames"] == ["inv.read"]
    sent = writes(emulator)
    # each create reached the origin once after the 503s; the lost-answer creates were resolved by a read, not resent
    assert sent.count("/v1/mgmt/permission/create") == 3 and sent.count("/v1/mgmt/role/create/batch") == 1
    assert sent.count("/v1/mgmt/role/update") == 2 and sent.count("/v1/mgmt/role/delete") == 2  # idempotent: repeated
    emulator.clear_log()
    again = playbook.run(tasks)
    assert again.status("sync") == "ok" and emulator.writes() == []
