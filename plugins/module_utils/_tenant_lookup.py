# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which tenants exist, read the one way every spec reads it (FOR INTERNAL COLLECTION USE ONLY).

``tenant/search`` with ``tenantIds`` answers an empty list for an absent id (OAS ``SearchTenantsRequest.tenantIds``),
so existence never depends on how a not-found error looks (a 404, or a 400 whose text is not published).
"""

from __future__ import annotations

import typing as t

from ansible_collections.descope.mgmt.plugins.module_utils._client_protocol import ApiClient

PATH_TENANT_SEARCH = "/v1/mgmt/tenant/search"
PATH_TENANT_ALL = "/v1/mgmt/tenant/all"
CHUNK = 100  # ids per search: no published limit, so a large set never sends one huge request


def tenants_by_id(client: ApiClient, ids: t.Sequence[str], chunk: int = CHUNK) -> dict[str, dict[str, t.Any]]:
    """The tenant records of these ids that exist, by id; ids are sent as given, ``chunk`` at a time."""
    found: dict[str, dict[str, t.Any]] = {}
    for start in range(0, len(ids), chunk):
        part = list(ids[start : start + chunk])
        answer = client.post(PATH_TENANT_SEARCH, {"tenantIds": part}, read=True)
        tenants = answer.get("tenants") if isinstance(answer, dict) else None
        found.update((str(x["id"]), x) for x in tenants or [] if isinstance(x, dict) and str(x.get("id")) in part)
    return found


def tenant_exists(client: ApiClient, tenant_id: str) -> bool:
    return tenant_id in tenants_by_id(client, [tenant_id])


def all_tenant_ids(client: ApiClient) -> list[str]:
    """Every tenant id of the project (``GET tenant/all``, OAS ``LoadAllTenants``), sorted."""
    answer = client.get(PATH_TENANT_ALL)
    tenants = answer.get("tenants") if isinstance(answer, dict) else None
    return sorted({str(x["id"]) for x in tenants or [] if isinstance(x, dict) and x.get("id")})
