# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What backups and the tenant spec call: capture, restore planning, default-role checks."""

from __future__ import annotations

import json
import pathlib
import typing as t

import pytest

from ansible_collections.descope.mgmt.plugins.module_utils import _authz
from ansible_collections.descope.mgmt.plugins.module_utils._client import DescopeClient
from ansible_collections.descope.mgmt.plugins.module_utils._context import TaskContext
from ansible_collections.descope.mgmt.plugins.module_utils._errors import DescopeValidationError
from ansible_collections.descope.mgmt.plugins.module_utils._options import settings_from_params
from ansible_collections.descope.mgmt.plugins.module_utils._pipeline import execute

GOLDEN = pathlib.Path(__file__).parent / "golden_authz_capture.json"
SEED = {
    "tenants": [{"id": "acme", "name": "Acme"}],
    "permissions": [{"name": "User Admin", "systemDefault": True}, {"name": "read", "description": "Read"}, {"name": "write"}],
    "roles": [
        {"name": "viewer", "permissionNames": ["read"], "default": True},
        {"name": "auditor", "tenantId": "acme", "permissionNames": ["read", "write"], "description": "Audits"},
    ],
}


def ctx(emulator: t.Any, check: bool = False) -> TaskContext:
    return TaskContext(module="descope_backup", params={}, check_mode=check, diff=False, environ=emulator.env, warn=lambda _m: None)


def client(emulator: t.Any) -> DescopeClient:
    return DescopeClient(settings_from_params({}, emulator.env))


def test_capture_is_the_module_item_shape_pinned_by_a_golden_file(emulator: t.Any) -> None:
    emulator.seed(**SEED)
    captured = _authz.capture(client(emulator), ["acme"])
    assert captured == json.loads(GOLDEN.read_text(encoding="utf-8"))


def test_restore_recreates_what_was_captured_in_order_and_is_then_a_no_op(emulator: t.Any) -> None:
    emulator.seed(**SEED)
    document = _authz.capture(client(emulator), ["acme"])
    emulator.api("POST", "/v1/mgmt/role/delete", json={"name": "auditor", "tenantId": "acme"})
    emulator.api("POST", "/v1/mgmt/role/update", json={"name": "viewer", "newName": "viewer", "permissionNames": []})
    emulator.api("POST", "/v1/mgmt/permission/delete", json={"name": "write"})
    emulator.clear_log()
    task = ctx(emulator)
    changes = _authz.restore_changes(task, document, prune=False)
    assert sorted((c.target_id, c.action) for c in changes if c.changed) == [("acme/auditor", "create"), ("viewer", "update"), ("write", "create")]
    execute(changes, task.client(), False)
    assert [r["path"] for r in emulator.writes()] == ["/v1/mgmt/permission/create", "/v1/mgmt/role/update", "/v1/mgmt/role/create"]
    assert _authz.capture(client(emulator), ["acme"]) == document
    assert not any(c.changed for c in _authz.restore_changes(ctx(emulator), document, prune=True))


def test_restore_refuses_a_document_with_problems_before_any_write(emulator: t.Any) -> None:
    emulator.seed(**SEED)
    emulator.clear_log()
    with pytest.raises(DescopeValidationError) as caught:
        _authz.restore_changes(ctx(emulator), {"permissions": [], "roles": [{"name": "x", "permission_names": ["ghost"]}]}, prune=False)
    assert "ghost" in str(caught.value) and emulator.writes() == []


def test_default_roles_must_be_project_roles_existing_or_declared(emulator: t.Any) -> None:
    emulator.seed(**SEED)
    tenants = [(0, "acme", ["viewer", "auditor", "planned", "nope", "t-planned"]), (1, "", []), (2, "other", ["auditor"])]
    declared = [("", "planned"), ("acme", "t-planned")]
    problems = _authz.default_role_problems(client(emulator), tenants, declared_roles=declared)
    assert [(p.index, p.field, p.id) for p in problems] == [
        (0, "default_roles[1]", "acme"),  # auditor is a role of acme only
        (0, "default_roles[3]", "acme"),
        (0, "default_roles[4]", "acme"),  # declared, but as a tenant role
        (2, "default_roles[0]", "other"),
    ]
    assert "'auditor' is a role of tenant 'acme' only" in problems[0].message and "project role" in problems[0].fix
    assert "'nope' does not exist as a project role" in problems[1].message and "descope_role" in problems[1].fix
    assert _authz.default_role_problems(client(emulator), [(0, "acme", [])]) == []
