# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Messages name what a task manages in words ("SSO connections"), never the stored target type plus an "s"."""

from __future__ import annotations

import pytest

from ansible_collections.descope.mgmt.plugins.module_utils._change import summary_message


@pytest.mark.parametrize(
    ("target_type", "none_declared"),
    [
        ("tenant", "No tenants declared; nothing to do."),
        ("sso", "No SSO connections declared; nothing to do."),
        ("tenant_settings", "No tenant settings declared; nothing to do."),
    ],
)
def test_an_empty_task_says_what_it_did_not_find(target_type: str, none_declared: str) -> None:
    assert summary_message(target_type, [], check_mode=False) == none_declared
