# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Checks that need two resource specs (FOR INTERNAL COLLECTION USE ONLY).

Specs are independent of each other (``.importlinter``), so a rule that joins two of them lives here, one layer
up, and runs after planning and before any write, with the other problems of the task.
"""

from __future__ import annotations

import typing as t

from ansible_collections.descope.mgmt.plugins.module_utils import _authz
from ansible_collections.descope.mgmt.plugins.module_utils._context import TaskContext
from ansible_collections.descope.mgmt.plugins.module_utils._errors import Problem
from ansible_collections.descope.mgmt.plugins.module_utils._spec import Plan, ResourceSpec


def _declared_items(ctx: TaskContext) -> t.Callable[[str], tuple[int | None, dict[str, t.Any]]]:
    """The item as the user wrote it (its index in ``tenants``), by id or name, so a problem points at the user's own
    list.

    The first item whose id or name is the target; indexed once (a scan per planned change was O(n^2)).
    """
    items = ctx.params.get("tenants")
    if items is None:
        return lambda _target: (None, dict(ctx.params))
    first: dict[str, tuple[int, dict[str, t.Any]]] = {}
    for index, item in enumerate(items):
        if isinstance(item, dict):
            for key in (item.get("id"), item.get("name")):
                if isinstance(key, str):
                    first.setdefault(key, (index, item))
    return lambda target: first.get(target, (None, {}))


def _tenant_default_roles(ctx: TaskContext, plan: Plan) -> list[Problem]:
    """Default roles a tenant write would set must exist (the real API refuses unknown roles; see _authz._hooks)."""
    wanted = []
    declared_item = None
    for change in plan.changes:
        if change.action not in ("create", "update") or not change.after:
            continue
        roles = change.after.get("default_roles")
        if not roles or roles == (change.before or {}).get("default_roles"):
            continue
        declared_item = declared_item or _declared_items(ctx)
        index, item = declared_item(change.target_id)
        raw = item.get("default_roles")
        wanted.append(
            (index, change.target_id, [str(r).strip() for r in raw] if isinstance(raw, list) else list(roles))
        )
    return _authz.default_role_problems(ctx.client(), wanted) if wanted else []


CHECKS = {"descope_tenant": _tenant_default_roles}


def cross_problems(spec: ResourceSpec, ctx: TaskContext, plan: Plan) -> list[Problem]:
    check = CHECKS.get(spec.module)
    return check(ctx, plan) if check is not None else []
