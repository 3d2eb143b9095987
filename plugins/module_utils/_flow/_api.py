# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Flow and theme API calls: list, export on a bounded pool, import, one batched delete (FOR INTERNAL COLLECTION USE
ONLY)."""

from __future__ import annotations

import threading
import typing as t

from ansible_collections.descope.mgmt.plugins.module_utils import _threads
from ansible_collections.descope.mgmt.plugins.module_utils._client_protocol import ApiClient
from ansible_collections.descope.mgmt.plugins.module_utils._errors import DescopeAPIError, DescopeError
from ansible_collections.descope.mgmt.plugins.module_utils._flow._fields import (
    PATH_DELETE,
    PATH_EXPORT,
    PATH_LIST,
    Json,
)


class _BatchDelete:
    """One ``flow/delete`` request for every removed flow, shared by their Change objects."""

    def __init__(self, ids: list[str]) -> None:
        self.ids = ids
        self._lock = threading.Lock()
        self._done = False
        self._error: DescopeError | None = None

    def __call__(self, client: ApiClient) -> None:
        with self._lock:
            if not self._done:
                self._done = True
                try:
                    # a delete of known ids (unknown ids are ignored, go-sdk DeleteFlows): safe to repeat
                    client.post(PATH_DELETE, {"ids": self.ids}, idempotent=True)
                except DescopeError as exc:
                    self._error = exc
        if self._error is not None:
            raise self._error


Each = t.Callable[[t.Callable[[str], t.Any], list[str]], list[t.Any]]


def export_all(client: ApiClient, ids: list[str], concurrency: int, each: Each | None = None) -> dict[str, Json | None]:
    """Export the given flows (v2) on a bounded pool; a flow that vanished since the list is None.

    ``each``: the caller's own bounded pool (a backup shares one between its sections), in place of a new one.
    """

    def one(flow_id: str) -> Json | None:
        try:
            body = client.post(PATH_EXPORT, {"flowId": flow_id}, read=True)
        except DescopeAPIError as exc:
            # Vanished since the listing: a 404 says so; any other 4xx is checked against a fresh listing,
            # never guessed from its wording (an unrelated 400 must not drop an existing flow from the plan).
            if exc.is_not_found or (_maybe_absent(exc) and not any(f["id"] == flow_id for f in list_flows(client))):
                return None
            raise
        flow = body.get("flow")
        return flow if isinstance(flow, dict) else None

    if not ids:
        return {}
    if each is not None:
        return dict(zip(ids, each(one, ids), strict=True))
    workers = max(1, min(concurrency, len(ids)))
    if workers == 1:
        return {i: one(i) for i in ids}
    with _threads.pool(workers, "descope-flow") as pool:
        return dict(zip(ids, pool.map(one, ids), strict=False))


def _maybe_absent(exc: DescopeAPIError) -> bool:
    """A 4xx that could be an unpublished not-found answer (not auth, not a rate limit): worth a re-read."""
    return exc.status is not None and 400 <= exc.status < 500 and exc.status not in (401, 403, 429)


def _poster(path: str, body: Json) -> t.Callable[[t.Any], None]:
    def apply(client: ApiClient) -> None:
        # flow and theme imports replace the whole object by id: repeating one after a lost answer is harmless
        client.post(path, body, idempotent=True)

    return apply


def list_flows(client: ApiClient) -> list[Json]:
    body = client.post(PATH_LIST, {}, read=True)
    return [f for f in body.get("flows") or [] if isinstance(f, dict) and isinstance(f.get("id"), str)]
