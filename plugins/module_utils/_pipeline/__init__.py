# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The shared pipeline every descope.mgmt module runs (FOR INTERNAL COLLECTION USE ONLY); see _spec.py for the
stages."""

from __future__ import annotations

from ansible_collections.descope.mgmt.plugins.module_utils._pipeline._apply import execute
from ansible_collections.descope.mgmt.plugins.module_utils._pipeline._checks import option_problems
from ansible_collections.descope.mgmt.plugins.module_utils._pipeline._result import (
    audit_block,
    censor_secrets,
    failure_fields,
    finish,
)
from ansible_collections.descope.mgmt.plugins.module_utils._pipeline._run import (
    run,
    run_in_context,
    run_module,
    run_task,
)

__all__ = [
    "audit_block",
    "censor_secrets",
    "execute",
    "failure_fields",
    "finish",
    "option_problems",
    "run",
    "run_in_context",
    "run_module",
    "run_task",
]
