# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Existence by tenant/search reads the same whatever the emulator's not-found answer looks like."""

from __future__ import annotations

import typing as t

import pytest
from harness import run_spec

from ansible_collections.descope.mgmt.plugins.module_utils._client import DescopeClient
from ansible_collections.descope.mgmt.plugins.module_utils._options import settings_from_params
from ansible_collections.descope.mgmt.plugins.module_utils._tenant_lookup import tenant_exists, tenants_by_id


def _client(emulator: t.Any) -> DescopeClient:
    return DescopeClient(settings_from_params({}, emulator.env))


@pytest.mark.parametrize("status", [404, 400])
def test_existence_does_not_depend_on_the_not_found_status(emulator: t.Any, status: int) -> None:
    emulator.config(notFoundStatus=status)
    assert not run_spec("descope_tenant", {"id": "t1", "name": "T1"}, environ=emulator.env).get("failed")
    client = _client(emulator)
    assert tenant_exists(client, "t1") and not tenant_exists(client, "t-missing")


def test_ids_are_sent_in_chunks_and_only_existing_ones_come_back(emulator: t.Any) -> None:
    for i in range(5):
        assert not run_spec("descope_tenant", {"id": f"t{i}", "name": f"T{i}"}, environ=emulator.env).get("failed")
    client = _client(emulator)
    before = len(emulator.requests())
    found = tenants_by_id(client, ["t0", "nope", "t3", "t4", "gone"], chunk=2)
    assert sorted(found) == ["t0", "t3", "t4"] and found["t3"]["name"] == "T3"
    assert len(emulator.requests()) - before == 3  # 5 ids, 2 per search
    assert tenants_by_id(client, []) == {} and len(emulator.requests()) - before == 3  # no id: no request
