# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tenant session settings and password policy: descope_tenant_settings and its _info module (FOR INTERNAL COLLECTION
USE ONLY).

Files: ``_fields`` (fields, argument specs, defaults, request bodies), ``_plan`` (declare/plan),
``_info`` (export in the module's item shape; backup ``capture``/``plan_restore``).
"""

from __future__ import annotations

from ansible_collections.descope.mgmt.plugins.module_utils._spec import OptionRules, ResourceSpec
from ansible_collections.descope.mgmt.plugins.module_utils._tenant_settings._fields import (
    ARGUMENT_SPEC,
    INFO_ARGUMENT_SPEC,
    INFO_MODULE_KWARGS,
    MODULE_KWARGS,
)
from ansible_collections.descope.mgmt.plugins.module_utils._tenant_settings._info import (
    capture,
    export_item,
    plan_restore,
    restore_params,
    run_info,
)
from ansible_collections.descope.mgmt.plugins.module_utils._tenant_settings._plan import TARGET, declare, plan, report

SPEC = ResourceSpec(
    module="descope_tenant_settings",
    target_type=TARGET,
    argument_spec=ARGUMENT_SPEC,
    module_kwargs=MODULE_KWARGS,
    rules=OptionRules(concurrency=True),
    declare=declare,
    plan=plan,
    read_despite_problems=True,  # an unknown tenant is reported with the static problems, all at once
    report=report,
)

INFO_SPEC = ResourceSpec(
    module="descope_tenant_settings_info",
    target_type=TARGET,
    argument_spec=INFO_ARGUMENT_SPEC,
    module_kwargs=INFO_MODULE_KWARGS,
    rules=OptionRules(concurrency=False),
    run=run_info,
    writes=False,
)

__all__ = ["INFO_SPEC", "SPEC", "capture", "export_item", "plan_restore", "restore_params"]
