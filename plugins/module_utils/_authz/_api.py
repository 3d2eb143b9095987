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

from ansible_collections.descope.mgmt.plugins.module_utils._audit import journal
from ansible_collections.descope.mgmt.plugins.module_utils._authz._fields import (
    PERM_ALL,
    PERMISSION_FIELDS,
    ROLE_ALL,
    ROLE_FIELDS,
    ROLE_SEARCH,
    Record,
    batch_path,
    norm,
    permission_view,
    role_view,
    show,
)
from ansible_collections.descope.mgmt.plugins.module_utils._client_protocol import ApiClient
from ansible_collections.descope.mgmt.plugins.module_utils._errors import DescopeAPIError, DescopeError
from ansible_collections.descope.mgmt.plugins.module_utils._tenant_lookup import all_tenant_ids, tenants_by_id


def _items(answer: t.Any, key: str) -> list[Record]:
    items = answer.get(key) if isinstance(answer, dict) else None
    return (
        [x for x in items if isinstance(x, dict) and isinstance(x.get("name"), str) and x["name"]]
        if isinstance(items, list)
        else []
    )


def load_permissions(client: ApiClient) -> list[Record]:
    return _items(client.get(PERM_ALL), "permissions")


def scope_of(record: Record) -> str:
    return str(record.get("tenantId") or "")


# No public source bounds the length of a ``role/search`` filter list (OpenAPI ``SearchRolesRequest`` and
# docs.descope.com/api/management/roles/search-roles: ``roleNames``/``permissionNames``/``tenantIds`` are plain
# ``array<string>``, no paging). 1,000 names keep a body under ~0.3 MiB even when every name is 100 UTF-8 bytes
# (terraform-provider-descope's limit) of escaped non-ASCII, far below the 1 MiB request-body default of common
# proxies (nginx ``client_max_body_size``); a 25,000-permission prune costs 25 reads instead of one body a gateway
# may refuse (413) or truncate.
SEARCH_CHUNK = 1000


def chunks(values: t.Iterable[str], size: int = SEARCH_CHUNK) -> list[list[str]]:
    """Sorted, de-duplicated values in lists of at most ``size`` (no list when there is no value)."""
    ordered = sorted(set(values))
    return [ordered[i : i + size] for i in range(0, len(ordered), size)]


def _unique(records: t.Iterable[Record]) -> list[Record]:
    seen: dict[tuple[str, str], Record] = {}
    for record in records:
        seen.setdefault((scope_of(record), record["name"]), record)  # a role found by two chunks is one role
    return list(seen.values())


def load_roles(client: ApiClient, scopes: t.Collection[str], names: list[str] | None = None) -> list[Record]:
    """The roles of these scopes ("" = project roles).

    Project roles only: ``GET role/all``. With tenant scopes: ``role/search`` with their ``tenantIds``
    and ``includeProjectRoles`` when the project scope is wanted too (python SDK ``role.search``); one
    search per ``SEARCH_CHUNK`` role names (or tenant ids) when there are more.
    """
    tenants = sorted(s for s in scopes if s)
    if not tenants:
        found = _items(client.get(ROLE_ALL), "roles")
    else:
        found = []
        for tenant_ids in chunks(tenants):
            body: Record = {"tenantIds": tenant_ids}
            if "" in scopes:
                body["includeProjectRoles"] = True
            for role_names in chunks(names) if names else [None]:
                found += _items(
                    client.post(ROLE_SEARCH, {**body, **({"roleNames": role_names} if role_names else {})}, read=True),
                    "roles",
                )
    wanted = set(scopes)
    return [r for r in _unique(found) if scope_of(r) in wanted and (not names or r["name"] in names)]


def roles_granting(client: ApiClient, permission_names: list[str]) -> list[Record]:
    """Every role (any scope) that grants one of these permissions: ``role/search`` by ``permissionNames``, in chunks.

    Whether a search without ``tenantIds`` also returns tenant roles is not published (OAS ``SearchRolesRequest``
    has no semantics), so the tenant roles are searched explicitly too: ``tenant/all``, then one search per
    ``SEARCH_CHUNK`` tenant ids; a role found twice is one role.
    """
    name_chunks = chunks(permission_names)
    if not name_chunks:
        return []
    found = []
    for names in name_chunks:
        found += _items(client.post(ROLE_SEARCH, {"permissionNames": names}, read=True), "roles")
    for tenant_ids in chunks(all_tenant_ids(client)):
        for names in name_chunks:
            body = {"tenantIds": tenant_ids, "permissionNames": names}
            found += _items(client.post(ROLE_SEARCH, body, read=True), "roles")
    wanted = set(permission_names)
    return [r for r in _unique(found) if wanted & {str(p) for p in (r.get("permissionNames") or [])}]


def existing_tenants(client: ApiClient, tenant_ids: list[str]) -> set[str]:
    return set(tenants_by_id(client, sorted(set(tenant_ids)), chunk=SEARCH_CHUNK))


def maybe_absent(exc: DescopeAPIError) -> bool:
    """A 4xx that could be Descope's not-found answer: a 404, or another 4xx but auth and rate limits.

    Only a 404 says "absent" by itself; a 400 not-found has no published code or text (descope-api.md,
    python-sdk tests show a 400 "User not found"), so existence is then read, never guessed from wording.
    """
    return exc.is_not_found or (
        exc.status is not None and 400 <= exc.status < 500 and exc.status not in (401, 403, 429)
    )


RoleKey = tuple[str, str]


def key_of(body: Record) -> RoleKey:
    """A write body's target: (tenant id or "", name); permissions have no tenant."""
    return (str(body.get("tenantId") or ""), str(body["name"]))


def existing_records(client: ApiClient, kind: str, bodies: list[Record]) -> dict[RoleKey, Record]:
    """The records of these targets that exist now (a fresh read, for the races), by (scope, name)."""
    if kind == "permission":
        return {("", p["name"]): p for p in load_permissions(client)}
    keys = [key_of(b) for b in bodies]
    found = load_roles(client, {k[0] for k in keys}, sorted({k[1] for k in keys}))
    return {(scope_of(r), r["name"]): r for r in found}


def existing_keys(client: ApiClient, kind: str, bodies: list[Record]) -> set[RoleKey]:
    return set(existing_records(client, kind, bodies))


def _fields_of(kind: str) -> tuple[tuple[str, str, str], ...]:
    return ROLE_FIELDS if kind == "role" else PERMISSION_FIELDS


def differs(kind: str, body: Record, record: Record) -> bool:
    """Whether an existing record lacks what a create body declares (fields the body leaves out are not managed)."""
    return any(
        norm(ftype, body[api]) != norm(ftype, record.get(api) if record.get(api) is not None else norm_empty(ftype))
        for _opt, api, ftype in _fields_of(kind)
        if api in body
    )


def norm_empty(ftype: str) -> t.Any:
    return [] if ftype == "set" else False if ftype == "bool" else ""


def update_body(kind: str, body: Record, record: Record) -> Record:
    """An update of ``record`` to what the create ``body`` declares; the update replaces, so the rest is carried."""
    merged = {api: record.get(api) for _opt, api, _k in _fields_of(kind) if record.get(api) is not None}
    merged.update({api: body[api] for _opt, api, _k in _fields_of(kind) if api in body})
    scope = {"tenantId": body["tenantId"]} if body.get("tenantId") else {}
    return {"name": body["name"], "newName": body["name"], **scope, **merged}


class Batch:
    """One write for many objects: the batch endpoint, or the single endpoint when there is one object.

    Each planned ``Change`` of the batch gets ``member()`` as its ``apply``; the first call (from any
    worker thread) sends the request, the others wait for it and share its outcome, so the audit
    trail keeps one operation per object while the API sees one request. The SDKs document the
    batches as one atomic transaction, so a failure fails every object of the batch.

    Retries (``_client.py``): a create passes ``resolve`` (a lost answer is settled by reading whether
    every member exists now, the plan having seen none of them); updates and deletes of known targets
    are ``idempotent``. Races with other writers (a member deleted between the read and the write):
    a 404, or any 4xx that could be an unpublished not-found (``maybe_absent``), is settled by reading
    which members still exist, never by the error's wording. Deletes: the gone ones are done, the rest
    are sent again. Updates: the rest are sent again and the gone ones are created with the declared
    fields (a warning names them; their changes become creates). If every member still exists, the 4xx was a real
    refusal: raised.
    """

    ROUNDS = 3  # re-reads per race; each round removes at least one member, so a run cannot loop

    def __init__(
        self,
        path: str,
        wrap: t.Callable[[list[Record]], Record],
        action: str = "create",
        kind: str = "role",
        create_path: str | None = None,
        update_path: str | None = None,
    ) -> None:
        self.path = path  # the single endpoint; the batch one is path + "/batch"
        self.wrap = wrap  # item bodies -> the batch request body
        self.action = action  # create | update | delete
        self.kind = kind  # permission | role: how existence is read back
        self.create_path = create_path or path  # updates: where a member deleted by someone else is created again
        # creates: where a member someone else created meanwhile is brought to the declared fields
        self.update_path = update_path or path.replace("/create", "/update")
        self.bodies: list[Record] = []
        self.changes: list[t.Any] = []  # the members' changes, noted in the audit journal before the one request
        self._change_of: dict[int, t.Any] = {}  # id(body) -> its Change: a re-created member is reported as created
        self._lock = threading.Lock()
        self._sent = False
        self._error: DescopeError | None = None

    def member(self, body: Record, change: t.Any = None) -> t.Callable[[t.Any], None]:
        self.bodies.append(body)
        if change is not None:
            self.changes.append(change)
            self._change_of[id(body)] = change
        return self._apply

    def _apply(self, client: ApiClient) -> None:
        with self._lock:
            if not self._sent:
                self._sent = True
                try:
                    self._send(client)
                except DescopeError as exc:
                    self._error = exc
        if self._error is not None:
            raise self._error

    def _send(self, client: ApiClient) -> None:
        if not self.bodies:  # pragma: no cover  # a batch exists only once a member was added
            raise DescopeError(
                "internal: an empty batch was about to be sent (refused: an empty delete filter deletes everything)"
            )
        # the one request writes every member: all of them are in the journal before it leaves, so a run
        # killed now leaves each as possibly written (the engine noted only the member whose worker got here)
        journal.note_many(self.changes, client, journal.SENT)
        blocked = journal.blocked()
        if blocked:  # a required journal could not take the intent: the request is not sent
            raise DescopeError(blocked)
        if self.action == "create":
            self._create(client, list(self.bodies))
            return
        try:
            self._post(client, self.path, self.bodies, False)
        except DescopeAPIError as exc:
            if not maybe_absent(exc):
                raise
            if self.action == "delete" and exc.is_not_found and len(self.bodies) == 1:
                return  # a 404 for the one target: already gone, the goal
            self._reconcile(client, exc)

    def _post(self, client: ApiClient, path: str, bodies: list[Record], create: bool) -> dict[RoleKey, Record] | None:
        """Send; a create whose answer was lost returns the records its re-read found (None: none landed, resent)."""
        single = len(bodies) == 1
        target, body = (path, bodies[0]) if single else (batch_path(path), self.wrap(bodies))
        if not create:
            client.post(target, body, idempotent=True)  # a known target: repeating it after a lost answer is harmless
            return None
        landed: dict[RoleKey, Record] = {}

        def resolve() -> Record | None:
            # the answer was lost: read what is there now. Nothing: not applied, sent again. Some or all of the
            # members: settled from this read (_create), never by a resend that would meet "already exists"
            found = existing_records(client, self.kind, bodies)
            landed.update((key_of(b), found[key_of(b)]) for b in bodies if key_of(b) in found)
            return {} if landed else None

        client.post(target, body, resolve=resolve)
        return landed or None

    def _create(self, client: ApiClient, pending: list[Record], path: str | None = None) -> None:
        """Create; members someone else created meanwhile are re-read and updated if they differ, not a failure.

        A refusal (any 4xx but auth and rate limits: "already exists" has no published code or text) is settled by
        reading which members exist now: none of them means the refusal was real and is raised; the others are
        reconciled and the rest created again. A lost answer is settled from the read ``resolve`` made.
        """
        error: DescopeAPIError | None = None
        for _round in range(self.ROUNDS):
            lost = True
            try:
                found = self._post(client, path or self.path, pending, True)
                if found is None:
                    return  # created as sent
            except DescopeAPIError as exc:
                if not maybe_absent(exc):
                    raise
                error, lost = exc, False
                found = existing_records(client, self.kind, pending)
                if not any(key_of(b) in found for b in pending):
                    raise  # nobody else created any of them: the 4xx was a refusal
            self._adopt(client, [b for b in pending if key_of(b) in found], found, lost)
            pending = [b for b in pending if key_of(b) not in found]
            if not pending:
                return
        raise error or DescopeError(f"{self.kind} create did not settle after {self.ROUNDS} re-reads")

    def _adopt(self, client: ApiClient, bodies: list[Record], found: dict[RoleKey, Record], lost: bool) -> None:
        """Members that exist now: updated to the declared fields where they differ."""
        view = role_view if self.kind == "role" else permission_view
        stale = [b for b in bodies if differs(self.kind, b, found[key_of(b)])]
        stale_ids = {id(b) for b in stale}
        if stale:
            self._post(client, self.update_path, [update_body(self.kind, b, found[key_of(b)]) for b in stale], False)
        for body in bodies:
            change = self._change_of.get(id(body))
            if change is None:
                continue
            if id(body) in stale_ids:  # someone else's object, brought to the declared fields
                change.action, change.before = "update", view(found[key_of(body)])
            elif not lost:  # refused as existing and already as declared: nothing was written for it
                change.action, change.before = "unchanged", view(found[key_of(body)])
        if not lost and bodies:
            labels = ", ".join(show(f"{k[0]}/{k[1]}" if k[0] else k[1]) for k in map(key_of, bodies))
            self._warn(
                client,
                f"{self.kind} {labels} was created by someone else after this task read it; "
                + ("updated to the declared fields." if stale else "it already has the declared fields."),
            )

    def _warn(self, client: ApiClient, message: str) -> None:
        warn, redact = getattr(client, "warn", None), getattr(getattr(client, "settings", None), "redact", str)
        if callable(warn):  # redacted like the client's own warnings: a key pasted into a name is never shown
            warn(redact(message))

    def _reconcile(self, client: ApiClient, error: DescopeAPIError) -> None:
        pending = list(self.bodies)
        for _round in range(self.ROUNDS):
            found = existing_keys(client, self.kind, pending)
            gone = [b for b in pending if key_of(b) not in found]
            if not gone:
                raise error  # every target is still there: the 4xx was a refusal, not a race
            pending = [b for b in pending if key_of(b) in found]
            if self.action == "update":
                self._recreate(client, gone)
            if not pending:
                return
            try:
                self._post(client, self.path, pending, False)
                return
            except DescopeAPIError as exc:
                if not maybe_absent(exc):
                    raise
                error = exc
        raise error

    def _recreate(self, client: ApiClient, gone: list[Record]) -> None:
        labels = ", ".join(show(f"{k[0]}/{k[1]}" if k[0] else k[1]) for k in map(key_of, gone))
        self._warn(
            client,
            f"{self.kind} {labels} was deleted by someone else after this task read it; created again with the "
            "declared fields.",
        )
        # a rename whose old name vanished is created under the new name
        bodies = [
            {**{k: v for k, v in b.items() if k != "newName"}, "name": b.get("newName") or b["name"]} for b in gone
        ]
        self._create(client, bodies, self.create_path)
        for body in gone:  # the result, diff and audit say what was done: a create of an object that was not there
            change = self._change_of.get(id(body))
            if change is not None:
                change.action, change.before, change.renamed_from = "create", None, None
