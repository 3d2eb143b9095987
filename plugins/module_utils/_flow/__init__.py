# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Flows and the project theme as code: the descope_flow and descope_flow_info specs (FOR INTERNAL COLLECTION USE ONLY).

Two wire forms exist for a flow (docs/architecture.md, reference descope-api.md section 5):

* v1, the console form: ``{"flow": {id, name, description, dsl, ...}, "screens": [{id, htmlTemplate, ...}]}``
* v2, the exported form: ``{"flow": {flowId, metadata, contents, screens: [{screenId, ...}], references}}``

Everything here converts to v2 first. Comparison uses a *compare form* of v2 without what the server
manages (version, etag, modified time, the flow id itself; `fingerprint` is a setting and compared), with empty values
dropped
(``disabled: false`` and a missing ``disabled`` mean the same) and with lists whose order carries no
meaning sorted (screens by id, reference lists). Task graphs are objects keyed by task id, so the
dict comparison is already order-free for them; lists inside task and screen contents keep their order.

Requests: one ``POST /v1/mgmt/flow/list``, then one ``POST /v2/mgmt/flow/export`` per declared flow
that exists (the minimum to compare contents), then ``POST /v2/mgmt/flow/import`` per flow that differs
and a single ``POST /v1/mgmt/flow/delete`` for every flow removed.

Files: ``_fields`` (constants, argument specs, JSON helpers), ``_parse`` (forms, validation, themes),
``_compare`` (compare forms, summaries), ``_api`` (requests), ``_load`` (what a task declares),
``_plan`` (plan, report, audit view), ``_info`` (descope_flow_info).
"""

from __future__ import annotations

from ansible_collections.descope.mgmt.plugins.module_utils._flow._api import export_all, list_flows
from ansible_collections.descope.mgmt.plugins.module_utils._flow._compare import compare_form, summarise
from ansible_collections.descope.mgmt.plugins.module_utils._flow._fields import (
    ARGUMENT_SPEC,
    FLOW_ID_RE,
    INFO_ARGUMENT_SPEC,
    INFO_MODULE_KWARGS,
    LIBRARIES,
    MODULE_KWARGS,
    PATH_THEME_EXPORT,
    canonical,
    digest,
    dump_file_text,
    jpath,
)
from ansible_collections.descope.mgmt.plugins.module_utils._flow._info import (
    export_document,
    export_theme,
    run_info,
    write_if_changed,
)
from ansible_collections.descope.mgmt.plugins.module_utils._flow._load import (
    Declared,
    declare,
    docs_from_files,
    load_dir,
    load_theme,
)
from ansible_collections.descope.mgmt.plugins.module_utils._flow._parse import (
    detect_form,
    parse_flow,
    parse_json_text,
    parse_theme,
    read_json,
    theme_compare_form,
    v1_to_v2,
    v2_to_v1,
)
from ansible_collections.descope.mgmt.plugins.module_utils._flow._plan import audit_view, plan, report
from ansible_collections.descope.mgmt.plugins.module_utils._spec import OptionRules, ResourceSpec

SPEC = ResourceSpec(
    module="descope_flow",
    target_type="flow",
    argument_spec=ARGUMENT_SPEC,
    module_kwargs=MODULE_KWARGS,
    libraries=LIBRARIES,
    rules=OptionRules(concurrency=True, set_option="src_dir", set_label="flows"),
    declare=declare,
    plan=plan,
    report=report,
    audit_view=audit_view,
)

INFO_SPEC = ResourceSpec(
    module="descope_flow_info",
    target_type="flow",
    argument_spec=INFO_ARGUMENT_SPEC,
    module_kwargs=INFO_MODULE_KWARGS,
    libraries=LIBRARIES,
    rules=OptionRules(concurrency=True),
    run=run_info,
    writes=False,
)

__all__ = [
    "ARGUMENT_SPEC",
    "FLOW_ID_RE",
    "INFO_ARGUMENT_SPEC",
    "INFO_MODULE_KWARGS",
    "INFO_SPEC",
    "MODULE_KWARGS",
    "PATH_THEME_EXPORT",
    "SPEC",
    "Declared",
    "audit_view",
    "canonical",
    "compare_form",
    "detect_form",
    "digest",
    "docs_from_files",
    "dump_file_text",
    "export_all",
    "export_document",
    "export_theme",
    "jpath",
    "list_flows",
    "load_dir",
    "load_theme",
    "parse_flow",
    "parse_json_text",
    "parse_theme",
    "plan",
    "read_json",
    "report",
    "summarise",
    "theme_compare_form",
    "v1_to_v2",
    "v2_to_v1",
    "write_if_changed",
]
