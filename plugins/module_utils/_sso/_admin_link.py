# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""descope_sso_admin_link: generate the SSO setup link for a customer's admin (FOR INTERNAL COLLECTION USE ONLY).

``POST /v2/mgmt/tenant/adminlinks/sso/generate {tenantId, expireTime (seconds), ssoId, email}`` ->
``{adminSSOConfigurationLink}`` (python SDK 2.16 ``management/tenant.py generate_sso_configuration_link``; go-sdk
``GenerateSSOConfigurationLinkResponse``). The link is a bearer credential: it is returned under ``admin_link``
only, never in ``descope_audit``; the spec names ``admin_link`` in ``secret_results``, so the action plugin marks the
result no_log: every callback gets a censored copy and only ``register:`` holds the link (docs/safety.md).
"""

from __future__ import annotations

import typing as t

from ansible_collections.descope.mgmt.plugins.module_utils import _change
from ansible_collections.descope.mgmt.plugins.module_utils._client_protocol import ApiClient
from ansible_collections.descope.mgmt.plugins.module_utils._context import TaskContext
from ansible_collections.descope.mgmt.plugins.module_utils._errors import DescopeValidationError, Problem
from ansible_collections.descope.mgmt.plugins.module_utils._spec import Outcome
from ansible_collections.descope.mgmt.plugins.module_utils._sso._fields import PATH_ADMIN_LINK, Record
from ansible_collections.descope.mgmt.plugins.module_utils._sso._plan import load_configs
from ansible_collections.descope.mgmt.plugins.module_utils._tenant_lookup import tenant_exists

TARGET = "sso_admin_link"
MAX_EXPIRE = 30 * 24 * 3600  # the module's own bound (30 days): a long-lived bearer link is refused, not issued


def ctx_check_pending(params: t.Mapping[str, t.Any], tenant_id: str) -> bool:
    return bool(params.get("_check_mode")) and tenant_id in (params.get("pending_tenants") or [])


def _problems(client: ApiClient, params: t.Mapping[str, t.Any]) -> list[Problem]:
    tid = str(params.get("tenant_id") or "")
    problems: list[Problem] = []
    expire = params.get("expire_time")
    if expire is not None and not 0 < int(expire) <= MAX_EXPIRE:
        problems.append(
            Problem(
                "expire_time",
                f"must be from 1 to {MAX_EXPIRE} seconds, got {expire}.",
                "Use e.g. 86400 for one day.",
                id=tid or None,
            )
        )
    email = params.get("email")
    if email is not None and "@" not in str(email):
        problems.append(
            Problem(
                "email",
                "is not an email address.",
                "Set the admin's email address, or leave email out.",
                id=tid or None,
            )
        )
    # go-sdk GenerateSSOConfigurationLink: "in case provided, email will be sent": a choice, never a side effect
    if email and not params.get("send_email"):
        problems.append(
            Problem(
                "email",
                "makes Descope email the link to that address (go-sdk GenerateSSOConfigurationLink).",
                "Set send_email: true to have it sent, or remove email to only generate the link.",
                id=tid or None,
            )
        )
    if params.get("send_email") and not email:
        fix = "Set email to the admin's address, or remove send_email."
        problems.append(Problem("send_email", "needs email.", fix, id=tid or None))
    if not tid.strip():
        problems.append(Problem("tenant_id", "must not be empty.", "Set tenant_id to an existing tenant.", id=None))
        return problems
    if not tenant_exists(client, tid):  # by lookup, never by a 404
        if ctx_check_pending(params, tid):
            return problems
        problems.append(
            Problem("tenant_id", f"tenant '{tid}' does not exist.", "Create it first, or fix the id.", id=tid)
        )
        return problems
    sso_id = params.get("sso_id")
    if sso_id and not any(c.get("ssoId") == sso_id for c in load_configs(client, tid)):
        problems.append(
            Problem(
                "sso_id",
                f"tenant '{tid}' has no SSO configuration '{sso_id}'.",
                "Create it with descope.mgmt.descope_sso first.",
                id=tid,
            )
        )
    return problems


def run_admin_link(ctx: TaskContext) -> Outcome:
    params = ctx.params
    client = ctx.client()
    problems = _problems(client, {**params, "_check_mode": ctx.check_mode})
    if problems:
        raise DescopeValidationError(problems)
    tid = str(params["tenant_id"])
    body: Record = {"tenantId": tid}
    for option, key in (("expire_time", "expireTime"), ("sso_id", "ssoId")):
        if params.get(option) is not None:
            body[key] = params[option]
    if params.get("send_email"):
        body["email"] = params["email"]
    described = {
        "tenant_id": tid,
        "sso_id": params.get("sso_id") or "",
        "email": params.get("email") or "",
        "send_email": bool(params.get("send_email")),
        "expire_time": params.get("expire_time"),
    }
    change = _change.Change(TARGET, tid, "create", before=None, after=described)
    result: Record = {"changed": True}
    if ctx.check_mode:
        change.outcome = "check"
        result["msg"] = f"Check mode: would have generated an SSO setup link for tenant '{tid}'."
    else:
        answer = client.post(PATH_ADMIN_LINK, body)
        link = str(answer.get("adminSSOConfigurationLink") or "")
        change.outcome = "ok"
        result["admin_link"] = link
        result["msg"] = f"Generated an SSO setup link for tenant '{tid}' (in admin_link; not logged)."
    result["sso_admin_link"] = {"id": tid, "action": "created", "changed": True, "after": described}
    return Outcome(result, [change.as_operation(ctx.check_mode)], {"created": 1})
