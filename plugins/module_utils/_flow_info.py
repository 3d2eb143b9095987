# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""descope_flow_info's resource spec: the names the runner and the action plugin look up (FOR INTERNAL COLLECTION USE ONLY).

The logic lives in _flow.py next to descope_flow's, since both share the forms and the export code.
"""

from __future__ import annotations

from ansible_collections.descope.mgmt.plugins.module_utils._flow import INFO_ARGUMENT_SPEC as ARGUMENT_SPEC
from ansible_collections.descope.mgmt.plugins.module_utils._flow import INFO_MODULE_KWARGS as MODULE_KWARGS
from ansible_collections.descope.mgmt.plugins.module_utils._flow import LIBRARIES
from ansible_collections.descope.mgmt.plugins.module_utils._flow import run_info as run

__all__ = ["ARGUMENT_SPEC", "LIBRARIES", "MODULE_KWARGS", "run"]
