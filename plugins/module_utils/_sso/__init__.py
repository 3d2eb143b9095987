# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tenant SSO (OIDC, SAML), its _info export and the admin setup link (FOR INTERNAL COLLECTION USE ONLY).

Files: ``_fields`` (paths, options), ``_shape`` (answer -> module shape, export), ``_body`` (request bodies),
``_validate`` and ``_cert`` (checks, role look-up), ``_plan`` (declare/plan), ``_info`` (export; backup
``capture``/``restore_params``), ``_admin_link``.
"""

from __future__ import annotations

from ansible_collections.descope.mgmt.plugins.module_utils._spec import OptionRules, ResourceSpec
from ansible_collections.descope.mgmt.plugins.module_utils._sso._admin_link import run_admin_link
from ansible_collections.descope.mgmt.plugins.module_utils._sso._fields import (
    ADMIN_LINK_ARGUMENT_SPEC,
    ADMIN_LINK_MODULE_KWARGS,
    ARGUMENT_SPEC,
    INFO_ARGUMENT_SPEC,
    INFO_MODULE_KWARGS,
    MODULE_KWARGS,
)
from ansible_collections.descope.mgmt.plugins.module_utils._sso._info import (
    capture,
    export_tenant,
    plan_restore,
    restore_params,
    run_info,
)
from ansible_collections.descope.mgmt.plugins.module_utils._sso._plan import TARGET, declare, plan

SPEC = ResourceSpec(
    module="descope_sso",
    target_type=TARGET,
    argument_spec=ARGUMENT_SPEC,
    module_kwargs=MODULE_KWARGS,
    rules=OptionRules(concurrency=False, set_option="connections", set_label="connections"),
    declare=declare,
    plan=plan,
    read_despite_problems=True,  # unknown tenant and unknown roles are reported with the static problems
    certificate_fields=("saml.idp_cert", "saml.idp_additional_certs"),
)

INFO_SPEC = ResourceSpec(
    module="descope_sso_info",
    target_type=TARGET,
    argument_spec=INFO_ARGUMENT_SPEC,
    module_kwargs=INFO_MODULE_KWARGS,
    rules=OptionRules(concurrency=False),
    run=run_info,
    writes=False,
)

ADMIN_LINK_SPEC = ResourceSpec(
    module="descope_sso_admin_link",
    target_type="sso_admin_link",
    argument_spec=ADMIN_LINK_ARGUMENT_SPEC,
    module_kwargs=ADMIN_LINK_MODULE_KWARGS,
    rules=OptionRules(concurrency=False),
    run=run_admin_link,
    secret_results=("admin_link",),
)

__all__ = ["ADMIN_LINK_SPEC", "INFO_SPEC", "SPEC", "capture", "export_tenant", "plan_restore", "restore_params"]
