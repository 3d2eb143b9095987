# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""descope_tenant_info spec (FOR INTERNAL COLLECTION USE ONLY): the read side of _tenant.py.

A separate module only because the action plugin base reads ARGUMENT_SPEC/run from one module path.
"""

from __future__ import annotations

import typing as t

from ansible_collections.descope.mgmt.plugins.module_utils import _tenant

ARGUMENT_SPEC: dict[str, dict[str, t.Any]] = _tenant.INFO_ARGUMENT_SPEC
MODULE_KWARGS: dict[str, t.Any] = _tenant.INFO_MODULE_KWARGS
LIBRARIES: list[tuple[str, bool, str | None]] = []  # reads only: no jsonschema needed
run = _tenant.run_info
