# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tenant API calls: reads and request bodies (FOR INTERNAL COLLECTION USE ONLY)."""

from __future__ import annotations

import typing as t

from ansible_collections.descope.mgmt.plugins.module_utils._client_protocol import ApiClient
from ansible_collections.descope.mgmt.plugins.module_utils._tenant._fields import (
    API_NAME,
    CARRY_OVER,
    PATH_ALL,
    PATH_SEARCH,
    Record,
)


def load_one(client: ApiClient, tenant_id: str) -> Record | None:
    """The tenant with this id, or None: read with ``tenant/search`` by id, which answers an empty list for an
    absent id (OAS ``SearchTenantsRequest.tenantIds``), instead of ``GET tenant?id=`` whose not-found answer
    (404, or a 400 with an unpublished text) would have to be guessed."""
    return next((r for r in search(client, ids=[tenant_id]) if str(r.get("id")) == tenant_id), None)


def sub_tenants(client: ApiClient, tenant_id: str) -> list[Record]:
    """The direct sub-tenants of a tenant, by ``tenant/search`` with ``parentTenantId`` (OAS
    ``SearchTenantsRequest``), kept only where the answer says so: a server that ignored the filter answers every
    tenant."""
    return [r for r in search(client, parent=tenant_id) if r.get("parent") == tenant_id]


def load_all(client: ApiClient) -> list[Record]:
    tenants = client.get(PATH_ALL).get("tenants") or []
    return [x for x in tenants if isinstance(x, dict) and x.get("id")]


def search(
    client: ApiClient,
    ids: list[str] | None = None,
    names: list[str] | None = None,
    domains: list[str] | None = None,
    custom_attributes: dict[str, t.Any] | None = None,
    parent: str | None = None,
) -> list[Record]:
    body: Record = {}
    if parent:
        body["parentTenantId"] = parent
    if ids:
        body["tenantIds"] = ids
    if names:
        body["tenantNames"] = names
    if domains:
        body["tenantSelfProvisioningDomains"] = domains
    if custom_attributes:
        body["customAttributes"] = custom_attributes
    tenants = client.post(PATH_SEARCH, body, read=True).get("tenants") or []
    return [x for x in tenants if isinstance(x, dict) and x.get("id")]


def _create_body(item_id: str | None, fields: Record) -> Record:
    body: Record = {"name": fields["name"]}
    if item_id:
        body["id"] = item_id
    for field, value in fields.items():
        if field in ("name", "default_roles") or value is None:
            continue
        body[API_NAME[field]] = value
    return body


def update_body(current: Record, fields: Record) -> Record:
    """The full-replace update: the current record with only the requested fields replaced."""
    body: Record = {"id": current["id"]}
    for key in CARRY_OVER:
        if current.get(key) not in (None, ""):
            body[key] = current[key]
    for field, value in fields.items():
        if field in ("parent_tenant_id", "default_roles"):
            continue
        body[API_NAME[field]] = value
    return body
