# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Permission and role reads, and the batched writes (FOR INTERNAL COLLECTION USE ONLY).

Every answer shape a source shows or makes plausible is accepted: a missing or ``null`` list is
empty, items that are not objects or have no name are skipped, a role without ``tenantId`` is a
project role, and whatever a search returns is filtered again here (the server-side semantics of
``role/search`` without ``tenantIds`` and of ``includeProjectRoles`` have no public description).
"""

from __future__ import annotations

import threading
import typing as t

from ansible_collections.descope.mgmt.plugins.module_utils._authz._fields import (
    PERM_ALL,
    ROLE_ALL,
    ROLE_SEARCH,
    TENANT_SEARCH,
    Record,
    batch_path,
)
from ansible_collections.descope.mgmt.plugins.module_utils._errors import DescopeAPIError, DescopeError


def _items(answer: t.Any, key: str) -> list[Record]:
    items = answer.get(key) if isinstance(answer, dict) else None
    return [x for x in items if isinstance(x, dict) and isinstance(x.get("name"), str) and x["name"]] if isinstance(items, list) else []


def load_permissions(client: t.Any) -> list[Record]:
    return _items(client.get(PERM_ALL), "permissions")


def scope_of(record: Record) -> str:
    return str(record.get("tenantId") or "")


def load_roles(client: t.Any, scopes: t.Collection[str], names: list[str] | None = None) -> list[Record]:
    """The roles of these scopes ("" = project roles) in one read.

    Project roles only: ``GET role/all``. With tenant scopes: one ``role/search`` with their ``tenantIds``
    and ``includeProjectRoles`` when the project scope is wanted too (python SDK ``role.search``).
    """
    tenants = sorted(s for s in scopes if s)
    if not tenants:
        found = _items(client.get(ROLE_ALL), "roles")
    else:
        body: Record = {"tenantIds": tenants}
        if "" in scopes:
            body["includeProjectRoles"] = True
        if names:
            body["roleNames"] = sorted(set(names))
        found = _items(client.post(ROLE_SEARCH, body, read=True), "roles")
    wanted = set(scopes)
    return [r for r in found if scope_of(r) in wanted and (not names or r["name"] in names)]


def roles_granting(client: t.Any, permission_names: list[str]) -> list[Record]:
    """Every role (any scope) that grants one of these permissions: one ``role/search`` by ``permissionNames``."""
    found = _items(client.post(ROLE_SEARCH, {"permissionNames": sorted(set(permission_names))}, read=True), "roles")
    wanted = set(permission_names)
    return [r for r in found if wanted & {str(p) for p in (r.get("permissionNames") or [])}]


def existing_tenants(client: t.Any, tenant_ids: list[str]) -> set[str]:
    answer = client.post(TENANT_SEARCH, {"tenantIds": sorted(set(tenant_ids))}, read=True)
    tenants = answer.get("tenants") if isinstance(answer, dict) else None
    return {str(x["id"]) for x in tenants or [] if isinstance(x, dict) and x.get("id")} & set(tenant_ids)


class Batch:
    """One write for many objects: the batch endpoint, or the single endpoint when there is one object.

    Each planned ``Change`` of the batch gets ``member()`` as its ``apply``; the first call (from any
    worker thread) sends the request, the others wait for it and share its outcome, so the audit
    trail keeps one operation per object while the API sees one request. The SDKs document the
    batches as one atomic transaction, so a failure fails every object of the batch.
    """

    def __init__(self, path: str, wrap: t.Callable[[list[Record]], Record], tolerate_not_found: bool = False) -> None:
        self.path = path  # the single endpoint; the batch one is path + "/batch"
        self.wrap = wrap  # item bodies -> the batch request body
        self.tolerate_not_found = tolerate_not_found  # deletes: already gone is the goal
        self.bodies: list[Record] = []
        self._lock = threading.Lock()
        self._sent = False
        self._error: DescopeError | None = None

    def member(self, body: Record) -> t.Callable[[t.Any], None]:
        self.bodies.append(body)
        return self._apply

    def _apply(self, client: t.Any) -> None:
        with self._lock:
            if not self._sent:
                self._sent = True
                try:
                    self._send(client)
                except DescopeError as exc:
                    self._error = exc
        if self._error is not None:
            raise self._error

    def _send(self, client: t.Any) -> None:
        if not self.bodies:  # pragma: no cover  # a batch exists only once a member was added
            raise DescopeError("internal: an empty batch was about to be sent (refused: an empty delete filter deletes everything)")
        if len(self.bodies) == 1:
            self._single(client, self.bodies[0])
            return
        try:
            client.post(batch_path(self.path), self.wrap(self.bodies))
        except DescopeAPIError as exc:
            if not (self.tolerate_not_found and exc.is_not_found):
                raise
            # one of them was deleted by someone else since the read; the batch is atomic, so none
            # was deleted: delete the rest one by one (only in this race)
            for body in self.bodies:
                self._single(client, body)

    def _single(self, client: t.Any, body: Record) -> None:
        try:
            client.post(self.path, body)
        except DescopeAPIError as exc:
            if not (self.tolerate_not_found and exc.is_not_found):
                raise
