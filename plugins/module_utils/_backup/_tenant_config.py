# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Restore of the opt-in tenant_settings and sso backup sections (FOR INTERNAL COLLECTION USE ONLY).

Both are planned through their own specs (descope_tenant_settings, descope_sso) and written after the tenants
and the roles; a section file edited by hand (unknown keys, a secret) is refused before any request.
"""

from __future__ import annotations

import dataclasses
import typing as t

from ansible_collections.descope.mgmt.plugins.module_utils import _authz, _sso, _tenant_settings
from ansible_collections.descope.mgmt.plugins.module_utils._change import Change
from ansible_collections.descope.mgmt.plugins.module_utils._context import TaskContext
from ansible_collections.descope.mgmt.plugins.module_utils._errors import Problem

STAGE_TENANT_CONFIG = _authz.RESTORE_TENANT_STAGE + 2
PHASE_TENANT_SETTINGS, PHASE_SSO = _authz.RESTORE_LAST_STAGE + 1, _authz.RESTORE_LAST_STAGE + 2
# the keys of an sso.json item (what descope_sso_info exports); anything else (state, update_secret, a secret) is
# refused
SSO_ITEM_KEYS = frozenset(
    {
        "tenant_id",
        "sso_id",
        "display_name",
        "protocol",
        "oidc",
        "saml",
        "redirect_url",
        "domains",
        "role_mappings",
        "default_sso_roles",
    }
)
TENANT_SETTINGS_ITEM_KEYS = frozenset({"tenant_id", "session", "password_policy"})


def item_problems(items: t.Any, key: str, allowed: frozenset[str], source: str) -> list[Problem]:
    """A list of dicts, each with a tenant_id and only the keys an export writes (a backup edited by hand is
    refused)."""
    if not isinstance(items, list):
        return [Problem(field=f"$.{key}", message="must be a list.", fix="restore from another backup.", source=source)]
    problems: list[Problem] = []
    for i, item in enumerate(items):
        field = f"$.{key}[{i}]"
        if not isinstance(item, dict) or not isinstance(item.get("tenant_id"), str) or not item.get("tenant_id"):
            problems.append(
                Problem(
                    field=field,
                    message="must be an item with a tenant_id.",
                    fix="restore from another backup.",
                    source=source,
                )
            )
            continue
        extra = sorted(str(k) for k in item if k not in allowed)
        if extra:
            problems.append(
                Problem(
                    field=field,
                    message=f"holds keys a backup never writes: {', '.join(extra)}.",
                    fix="restore from another backup.",
                    source=source,
                )
            )
        oidc = item.get("oidc")
        if isinstance(oidc, dict) and "client_secret" in oidc:
            # a backup never holds a secret; one found here was added by hand (and is not echoed)
            problems.append(
                Problem(
                    field=f"{field}.oidc.client_secret",
                    message="is present, but backups never hold secrets.",
                    fix="remove it and set the secret with a descope_sso task (no_log) after the restore.",
                    source=source,
                )
            )
    return problems


def plan_tenant_config(ctx: TaskContext, verified: t.Any) -> list[Change]:
    """Tenant settings and SSO, planned through their specs; written after the tenants and the roles (see the
    stages)."""
    if verified.tenant_settings is None and verified.sso is None:
        return []
    # Everything is planned before the first write, so a tenant this restore creates does not exist yet, in
    # either mode: the specs plan it as new when it is in pending_tenants and planned as in check mode (their
    # planning only reads; the writes run in a later stage, after the tenants, whatever the sub-context says).
    # The roles this restore writes are passed as known_roles for the same reason.
    pending = [str(x.get("id")) for x in verified.tenants if x.get("id") and x.get("state", "present") != "absent"]
    ctx.client()  # created once, so the sub-context shares it (request counts, connection)
    sub = dataclasses.replace(ctx, params={**ctx.params, "pending_tenants": pending}, check_mode=True)
    changes: list[Change] = []
    if verified.tenant_settings is not None:
        for change in _tenant_settings.plan_restore(
            sub, {"tenant_settings": verified.tenant_settings["tenant_settings"]}
        ):
            change.stage, change.phase = STAGE_TENANT_CONFIG, PHASE_TENANT_SETTINGS
            changes.append(change)
    if verified.sso is not None:
        known = sorted(
            {
                str(r.get("name"))
                for r in (verified.authz or {}).get("roles") or []
                if isinstance(r, dict) and r.get("name")
            }
        )
        items = [{**item, "known_roles": known} for item in verified.sso["sso"]]
        for change in _sso.plan_restore(sub, {"sso": items}):
            change.stage, change.phase = STAGE_TENANT_CONFIG, PHASE_SSO
            changes.append(change)
    return changes
