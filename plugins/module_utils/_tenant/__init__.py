# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tenant resource spec for descope_tenant and descope_tenant_info (FOR INTERNAL COLLECTION USE ONLY).

Shape of the work, for both modes of descope_tenant (the stages of ``_pipeline.run``):

1. ``declare``: the items (single-mode options or ``tenants``), normalised; jsonschema for the shape and
   value checks, without a request;
2. ``plan``: read what exists (set mode: one ``GET /v1/mgmt/tenant/all``; single mode: the few targeted
   reads the task needs: the tenant by id or name, plus a name / domain / parent lookup only when they
   matter), check the items against it (every problem is reported at once with the static ones), then
   one ``Change`` per declared tenant (plus prunes), comparing normalised managed fields only, ordered
   in phases (children deleted before parents, parents created before children).

Only fields the user set are managed (``None`` = unmanaged). The update endpoint replaces the whole
record, so an update sends the CURRENT record with the requested fields merged in: a field the user
did not mention keeps its value.

Files: ``_fields`` (fields, argument specs, schema, normalisation), ``_api`` (reads, request bodies),
``_validate`` (items and the checks against what exists), ``_plan`` (declare/plan), ``_info``.
"""

from __future__ import annotations

from ansible_collections.descope.mgmt.plugins.module_utils._spec import OptionRules, ResourceSpec
from ansible_collections.descope.mgmt.plugins.module_utils._tenant._api import load_all, load_one, search, update_body
from ansible_collections.descope.mgmt.plugins.module_utils._tenant._fields import (
    ARGUMENT_SPEC,
    INFO_ARGUMENT_SPEC,
    INFO_MODULE_KWARGS,
    ITEM_KEYS,
    LIBRARIES,
    MODULE_KWARGS,
    _unwrap,
    compact,
    current_view,
    desired_fields,
)
from ansible_collections.descope.mgmt.plugins.module_utils._tenant._info import parents_first, run_info
from ansible_collections.descope.mgmt.plugins.module_utils._tenant._plan import (
    _assign_phases,
    _deleter,
    declare,
    plan,
    plan_tenants,
)
from ansible_collections.descope.mgmt.plugins.module_utils._tenant._validate import Item

SPEC = ResourceSpec(
    module="descope_tenant",
    target_type="tenant",
    argument_spec=ARGUMENT_SPEC,
    module_kwargs=MODULE_KWARGS,
    libraries=tuple(LIBRARIES),
    rules=OptionRules(concurrency=True, set_option="tenants", set_label="tenants"),
    declare=declare,
    plan=plan,
    read_despite_problems=True,  # checks against what exists are reported with the static ones, all at once
)

INFO_SPEC = ResourceSpec(
    module="descope_tenant_info",
    target_type="tenant",
    argument_spec=INFO_ARGUMENT_SPEC,
    module_kwargs=INFO_MODULE_KWARGS,
    rules=OptionRules(concurrency=False),
    run=run_info,
    writes=False,
)

__all__ = [
    "ARGUMENT_SPEC",
    "INFO_ARGUMENT_SPEC",
    "INFO_MODULE_KWARGS",
    "INFO_SPEC",
    "ITEM_KEYS",
    "LIBRARIES",
    "MODULE_KWARGS",
    "SPEC",
    "Item",
    "_assign_phases",
    "_deleter",
    "_unwrap",
    "compact",
    "current_view",
    "desired_fields",
    "load_all",
    "load_one",
    "parents_first",
    "plan_tenants",
    "search",
    "update_body",
]
