# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reads that accept every plausible answer shape, and the batch writer."""

from __future__ import annotations

import concurrent.futures
import dataclasses
import json
import os
import pathlib
import types
import typing as t

import pytest
from harness import run_spec

from ansible_collections.descope.mgmt.plugins.module_utils import _authz
from ansible_collections.descope.mgmt.plugins.module_utils._audit import journal
from ansible_collections.descope.mgmt.plugins.module_utils._authz import _api, _plan
from ansible_collections.descope.mgmt.plugins.module_utils._change import Change
from ansible_collections.descope.mgmt.plugins.module_utils._errors import DescopeAPIError


class FakeClient:
    """Records (method, path, body) and, for writes, how the caller classed the request (resolve / idempotent)."""

    def __init__(self, answers: dict[str, t.Any] | None = None, fail: dict[str, DescopeAPIError] | None = None) -> None:
        self.answers = answers or {}
        self.fail = fail or {}
        self.calls: list[tuple[str, str, t.Any]] = []
        self.kinds: list[tuple[str, str]] = []  # (path, read | idempotent | resolve | plain)
        self.warnings: list[str] = []

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    def get(self, path: str, params: t.Any = None) -> t.Any:
        self.calls.append(("GET", path, params))
        return self.answers.get(path, {})

    def post(self, path: str, body: t.Any = None, read: bool = False, idempotent: bool = False, resolve: t.Any = None) -> t.Any:
        self.calls.append(("POST", path, body))
        self.kinds.append((path, "read" if read else "idempotent" if idempotent else "resolve" if resolve else "plain"))
        failure = self.fail.get(path)
        if isinstance(failure, list):
            if failure:
                raise failure.pop(0)
        elif failure is not None:
            raise failure
        answer = self.answers.get(path, {})
        return answer(body) if callable(answer) else answer


def not_found(path: str) -> DescopeAPIError:
    return DescopeAPIError(404, "E112401", "Role not found", "not found", "POST", path)


@pytest.mark.parametrize("answer", [{}, {"permissions": None}, {"permissions": "oops"}, {"permissions": [1, None, {"name": ""}, {"description": "no name"}]}])
def test_permission_reads_tolerate_empty_and_malformed_answers(answer: t.Any) -> None:
    assert _api.load_permissions(FakeClient({"/v1/mgmt/permission/all": answer})) == []


def test_project_roles_read_drops_tenant_roles_the_endpoint_may_include() -> None:
    client = FakeClient({"/v1/mgmt/role/all": {"roles": [{"name": "p"}, {"name": "t", "tenantId": "acme"}, {"name": "q", "tenantId": None}]}})
    assert [r["name"] for r in _api.load_roles(client, {""})] == ["p", "q"]
    assert client.calls == [("GET", "/v1/mgmt/role/all", None)]


def test_tenant_scopes_are_one_search_filtered_again_locally() -> None:
    answer = {"roles": [{"name": "p"}, {"name": "a", "tenantId": "acme"}, {"name": "g", "tenantId": "globex"}]}
    client = FakeClient({"/v1/mgmt/role/search": answer})
    assert [r["name"] for r in _api.load_roles(client, {"", "acme"})] == ["p", "a"]
    assert client.calls == [("POST", "/v1/mgmt/role/search", {"tenantIds": ["acme"], "includeProjectRoles": True})]
    assert [r["name"] for r in _api.load_roles(client, {"acme"})] == ["a"]


def test_roles_granting_filters_by_permission_whatever_the_server_returned() -> None:
    client = FakeClient({"/v1/mgmt/role/search": {"roles": [{"name": "x", "permissionNames": ["p"]}, {"name": "y", "permissionNames": ["q"]}, {"name": "z"}]}})
    assert [r["name"] for r in _api.roles_granting(client, ["p"])] == ["x"]


def test_batch_sends_one_request_for_many_members_from_many_threads() -> None:
    client = FakeClient()
    batch = _api.Batch("/v1/mgmt/role/create", lambda bodies: {"roles": bodies})
    applies = [batch.member({"name": f"r{i}"}) for i in range(20)]
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda f: f(client), applies))
    assert client.calls == [("POST", "/v1/mgmt/role/create/batch", {"roles": [{"name": f"r{i}"} for i in range(20)]})]


def test_one_member_uses_the_single_endpoint() -> None:
    client = FakeClient()
    _api.Batch("/v1/mgmt/permission/delete", lambda b: {"names": [x["name"] for x in b]}, "delete", "permission").member({"name": "p"})(client)
    assert client.calls == [("POST", "/v1/mgmt/permission/delete", {"name": "p"})]


def test_a_failed_batch_fails_every_member_with_the_same_error() -> None:
    error = DescopeAPIError(400, "E011003", "bad", "permission 'x' does not exist", "POST", "/v1/mgmt/role/create/batch")
    client = FakeClient(fail={"/v1/mgmt/role/create/batch": error})
    batch = _api.Batch("/v1/mgmt/role/create", lambda b: {"roles": b})
    first, second = batch.member({"name": "a"}), batch.member({"name": "b"})
    for apply in (first, second):
        with pytest.raises(DescopeAPIError) as caught:
            apply(client)
        assert caught.value is error
    # one request, then one read that finds neither member (so the 4xx was a refusal, not a race): nothing resent
    assert [c[1] for c in client.calls] == ["/v1/mgmt/role/create/batch", "/v1/mgmt/role/all"]


def test_delete_batch_race_resends_only_what_still_exists() -> None:
    # someone deleted "a" since the read: the batch (atomic) deleted nothing; a fresh read says "b" is left
    client = FakeClient({"/v1/mgmt/role/all": {"roles": [{"name": "b"}]}}, fail={"/v1/mgmt/role/delete/batch": not_found("/v1/mgmt/role/delete/batch")})
    batch = _api.Batch("/v1/mgmt/role/delete", lambda b: {"roleNames": [x["name"] for x in b]}, "delete")
    apply = batch.member({"name": "a"})
    batch.member({"name": "b"})
    apply(client)
    assert [c[1] for c in client.calls] == ["/v1/mgmt/role/delete/batch", "/v1/mgmt/role/all", "/v1/mgmt/role/delete"]
    assert client.calls[-1][2] == {"name": "b"} and client.kinds[-1] == ("/v1/mgmt/role/delete", "idempotent")


def test_not_found_on_a_create_is_not_swallowed() -> None:
    client = FakeClient(fail={"/v1/mgmt/role/create": not_found("/v1/mgmt/role/create")})
    with pytest.raises(DescopeAPIError):
        _api.Batch("/v1/mgmt/role/create", lambda b: {"roles": b}).member({"name": "a", "tenantId": "gone"})(client)
    # a refusal is told from "someone else created it" by reading, never by wording: nothing there, raised, no resend
    assert [c[1] for c in client.calls] == ["/v1/mgmt/role/create", "/v1/mgmt/role/search"]


def exists(path: str) -> DescopeAPIError:
    return DescopeAPIError(400, "E112402", "Role already exists", "already exists", "POST", path)


@pytest.mark.parametrize("kind", ["role", "permission"])
def test_a_create_that_meets_already_exists_updates_what_someone_else_made_and_creates_the_rest(kind: str) -> None:
    plural = kind + "s"
    path = f"/v1/mgmt/{kind}/create"
    theirs = {"name": "a", "description": "theirs"}
    answers = {"/v1/mgmt/role/all": {"roles": [theirs]}, "/v1/mgmt/permission/all": {"permissions": [theirs]}}
    client = FakeClient(answers, fail={path + "/batch": exists(path + "/batch")})
    batch = _api.Batch(path, lambda b: {plural: b}, "create", kind)
    changes = [Change(kind, n, "create", None, {"name": n}) for n in ("a", "b")]
    apply = batch.member({"name": "a", "description": "ours"}, changes[0])
    batch.member({"name": "b", "description": "B"}, changes[1])
    apply(client)
    update = f"/v1/mgmt/{kind}/update"
    assert [(c[1], c[2]) for c in client.calls if c[0] == "POST"][1:] == [
        (update, {"name": "a", "newName": "a", "description": "ours"}),  # the update replaces: declared fields sent
        (path, {"name": "b", "description": "B"}),  # the rest created, on its own
    ]
    assert client.kinds[-2:] == [(update, "idempotent"), (path, "resolve")]
    assert (changes[0].action, changes[0].before["description"]) == ("update", "theirs")
    assert changes[1].action == "create" and "created by someone else" in client.warnings[0]


def test_already_exists_with_the_declared_fields_is_unchanged_and_nothing_more_is_written() -> None:
    answers = {"/v1/mgmt/role/all": {"roles": [{"name": "a", "permissionNames": ["p", "q"], "default": False}]}}
    client = FakeClient(answers, fail={"/v1/mgmt/role/create": exists("/v1/mgmt/role/create")})
    change = Change("role", "a", "create", None, {"name": "a"})
    _api.Batch("/v1/mgmt/role/create", lambda b: {"roles": b}, "create").member({"name": "a", "permissionNames": ["q", "p"]}, change)(client)
    assert [c[1] for c in client.calls] == ["/v1/mgmt/role/create", "/v1/mgmt/role/all"]
    assert change.action == "unchanged" and change.before is not None and not change.changed


def test_a_lost_batch_create_where_some_members_landed_is_settled_by_the_read_not_resent() -> None:
    class Lost(FakeClient):
        def post(self, path: str, body: t.Any = None, read: bool = False, idempotent: bool = False, resolve: t.Any = None) -> t.Any:
            answer = super().post(path, body, read, idempotent, resolve)
            if resolve is not None and path.endswith("/batch"):
                assert resolve() == {}  # the client takes the answer the read settled, and sends nothing again
            return answer

    # a landed as declared, b landed with other fields (someone else), c is missing
    perms = [{"name": "a", "description": "A"}, {"name": "b", "description": "other"}]
    client = Lost({"/v1/mgmt/permission/all": {"permissions": perms}})
    batch = _api.Batch("/v1/mgmt/permission/create", lambda b: {"permissions": b}, "create", "permission")
    changes = [Change("permission", n, "create", None, {"name": n}) for n in "abc"]
    apply = batch.member({"name": "a", "description": "A"}, changes[0])
    batch.member({"name": "b", "description": "B"}, changes[1])
    batch.member({"name": "c"}, changes[2])
    apply(client)
    writes = [(c[1], c[2]) for c in client.calls if c[0] == "POST"]
    assert writes == [
        ("/v1/mgmt/permission/create/batch", {"permissions": [{"name": "a", "description": "A"}, {"name": "b", "description": "B"}, {"name": "c"}]}),
        ("/v1/mgmt/permission/update", {"name": "b", "newName": "b", "description": "B"}),
        ("/v1/mgmt/permission/create", {"name": "c"}),
    ]
    assert [c.action for c in changes] == ["create", "update", "create"]


def test_a_batch_notes_every_member_in_the_journal_before_its_one_request(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a run killed during the request must leave every member in the journal, not only those a worker had reached
    journal_path, fd = journal.open_run(str(tmp_path), "run-batch", {})
    monkeypatch.setenv(journal.ENV_JOURNAL, journal_path)
    lines: list[str] = []

    class Recording(FakeClient):
        settings = types.SimpleNamespace(project_id="P2batch")

        def post(self, path: str, body: t.Any = None, read: bool = False, idempotent: bool = False, resolve: t.Any = None) -> t.Any:
            with open(journal_path, encoding="utf-8") as handle:
                lines.extend(handle.read().splitlines()[1:])
            return super().post(path, body, read, idempotent, resolve)

    batch = _api.Batch("/v1/mgmt/permission/create", lambda b: {"permissions": b})
    changes = [types.SimpleNamespace(target_type="permission", target_id=f"p{i}", action="create", before=None, after=None, error=None) for i in range(50)]
    applies = [batch.member({"name": c.target_id}, c) for c in changes]
    applies[0](Recording())
    os.close(fd)
    assert sorted(json.loads(x)["target_id"] for x in lines) == sorted(c.target_id for c in changes)


# ------------------------------------------------------------------ request classes (retries, _client.py)


def invalid(path: str) -> DescopeAPIError:
    # the emulator's 400 not-found style: no "not found" / "does not exist" / "unknown" anywhere
    return DescopeAPIError(400, "E112401", "Request is invalid", "Failed to load role 'a'", "POST", path)


@pytest.mark.parametrize("members", [1, 3])
@pytest.mark.parametrize(
    ("action", "path", "expected"),
    [("create", "/v1/mgmt/role/create", "resolve"), ("update", "/v1/mgmt/role/update", "idempotent"), ("delete", "/v1/mgmt/role/delete", "idempotent")],
)
def test_creates_pass_resolve_updates_and_deletes_are_idempotent(members: int, action: str, path: str, expected: str) -> None:
    client = FakeClient()
    batch = _api.Batch(path, lambda b: {"roles": b}, action)
    applies = [batch.member({"name": f"r{i}"}) for i in range(members)]
    applies[0](client)
    assert client.kinds == [(path if members == 1 else path + "/batch", expected)]


def test_resolve_of_a_lost_create_reads_whether_every_member_landed() -> None:
    landed: list[t.Any] = []

    class Lost(FakeClient):
        def post(self, path: str, body: t.Any = None, read: bool = False, idempotent: bool = False, resolve: t.Any = None) -> t.Any:
            if resolve is not None:
                landed.append(resolve())  # what the client would do after a connection reset
            return super().post(path, body, read, idempotent, resolve)

    answers = {"/v1/mgmt/permission/all": {"permissions": [{"name": "a"}, {"name": "b"}]}}
    batch = _api.Batch("/v1/mgmt/permission/create", lambda b: {"permissions": b}, "create", "permission")
    batch.member({"name": "a"})
    batch.member({"name": "b"})(Lost(answers))
    partial = _api.Batch("/v1/mgmt/permission/create", lambda b: {"permissions": b}, "create", "permission")
    partial.member({"name": "a"})
    partial.member({"name": "c"})(Lost(answers))
    # all there: settled; a there and c missing: settled from the read (c created alone, whose own resolve finds
    # nothing, so that single create may be sent again): never the whole batch again
    assert landed == [{}, {}, None]


# ------------------------------------------------------------------ races with other writers (400 or 404 not-found)


@pytest.mark.parametrize("error", [not_found, invalid])
def test_single_delete_of_a_target_someone_else_deleted_succeeds(error: t.Callable[[str], DescopeAPIError]) -> None:
    client = FakeClient({"/v1/mgmt/permission/all": {"permissions": [{"name": "other"}]}}, fail={"/v1/mgmt/permission/delete": error("x")})
    _api.Batch("/v1/mgmt/permission/delete", lambda b: {"names": [x["name"] for x in b]}, "delete", "permission").member({"name": "gone"})(client)
    # a 404 needs no read; a 400 is settled by reading, never by its wording
    assert [c[1] for c in client.calls] == ["/v1/mgmt/permission/delete"] + (["/v1/mgmt/permission/all"] if error is invalid else [])


@pytest.mark.parametrize("status", [400, 404, 409, 422])
def test_a_4xx_while_every_target_still_exists_is_a_refusal_not_a_race(status: int) -> None:
    error = DescopeAPIError(status, "E011003", "Request is invalid", "permission is in use", "POST", "/v1/mgmt/permission/delete/batch")
    client = FakeClient({"/v1/mgmt/permission/all": {"permissions": [{"name": "a"}, {"name": "b"}]}}, fail={"/v1/mgmt/permission/delete/batch": error})
    batch = _api.Batch("/v1/mgmt/permission/delete", lambda b: {"names": [x["name"] for x in b]}, "delete", "permission")
    apply = batch.member({"name": "a"})
    batch.member({"name": "b"})
    with pytest.raises(DescopeAPIError) as caught:
        apply(client)
    assert caught.value is error
    assert [c[1] for c in client.calls] == ["/v1/mgmt/permission/delete/batch", "/v1/mgmt/permission/all"]  # nothing re-sent


@pytest.mark.parametrize("status", [401, 403, 429])
def test_auth_and_rate_limit_answers_are_never_taken_for_a_race(status: int) -> None:
    error = DescopeAPIError(status, "E011401", "Unauthorized", None, "POST", "/v1/mgmt/role/delete")
    client = FakeClient(fail={"/v1/mgmt/role/delete": error})
    with pytest.raises(DescopeAPIError):
        _api.Batch("/v1/mgmt/role/delete", lambda b: b[0], "delete").member({"name": "a"})(client)
    assert len(client.calls) == 1


def test_update_of_a_role_someone_deleted_recreates_it_and_updates_the_rest() -> None:
    fail = {"/v1/mgmt/role/update/batch": invalid("/v1/mgmt/role/update/batch")}
    search = {"roles": [{"name": "kept", "tenantId": "acme"}]}  # "gone" was deleted by someone else
    client = FakeClient({"/v1/mgmt/role/search": search}, fail=fail)
    batch = _api.Batch("/v1/mgmt/role/update", lambda b: {"roles": b}, "update", "role", create_path="/v1/mgmt/role/create")
    apply = batch.member({"name": "gone", "newName": "gone", "tenantId": "acme", "description": "d"})
    batch.member({"name": "kept", "newName": "kept", "tenantId": "acme", "description": "k"})
    apply(client)
    assert client.calls[1:] == [
        ("POST", "/v1/mgmt/role/search", {"tenantIds": ["acme"], "roleNames": ["gone", "kept"]}),
        ("POST", "/v1/mgmt/role/create", {"name": "gone", "tenantId": "acme", "description": "d"}),
        ("POST", "/v1/mgmt/role/update", {"name": "kept", "newName": "kept", "tenantId": "acme", "description": "k"}),
    ]
    assert client.kinds[2:] == [("/v1/mgmt/role/create", "resolve"), ("/v1/mgmt/role/update", "idempotent")]
    assert client.warnings == ["role 'acme/gone' was deleted by someone else after this task read it; created again with the declared fields."]


def test_a_race_that_keeps_failing_stops_after_a_bounded_number_of_reads() -> None:
    # every round finds one more member gone (a hostile concurrent writer): the loop ends, the last error is raised
    names = [f"p{i}" for i in range(6)]
    state = {"left": list(names)}

    def listing(_body: t.Any) -> t.Any:
        state["left"] = state["left"][1:]
        return {"permissions": [{"name": n} for n in state["left"]]}

    class Client(FakeClient):
        def get(self, path: str, params: t.Any = None) -> t.Any:
            self.calls.append(("GET", path, params))
            return listing(None)

    error = invalid("/v1/mgmt/permission/delete/batch")
    client = Client(fail={"/v1/mgmt/permission/delete/batch": error})
    batch = _api.Batch("/v1/mgmt/permission/delete", lambda b: {"names": [x["name"] for x in b]}, "delete", "permission")
    applies = [batch.member({"name": n}) for n in names]
    with pytest.raises(DescopeAPIError):
        applies[0](client)
    assert [c[1] for c in client.calls].count("/v1/mgmt/permission/all") == _api.Batch.ROUNDS


# ------------------------------------------------------------------ chunked searches


@pytest.mark.parametrize(("count", "searches"), [(1, 1), (1000, 1), (1001, 2), (25_000, 25)])
def test_roles_granting_searches_in_chunks(count: int, searches: int) -> None:
    names = [f"perm.{i:05d}" for i in range(count)]
    client = FakeClient({"/v1/mgmt/role/search": lambda body: {"roles": [{"name": "r", "permissionNames": body["permissionNames"][:1]}]}})
    found = _api.roles_granting(client, names + names[:5])  # duplicates are sent once
    bodies = [c[2]["permissionNames"] for c in client.calls if c[0] == "POST"]  # after the GET tenant/all
    assert len(bodies) == searches and all(len(b) <= 1000 for b in bodies)
    assert sorted(n for b in bodies for n in b) == sorted(names)  # every name, each exactly once
    assert [r["name"] for r in found] == ["r"]  # the role every chunk returned is one role


def test_role_reads_by_name_are_chunked_per_tenant_scope() -> None:
    names = [f"role-{i}" for i in range(2500)]
    client = FakeClient({"/v1/mgmt/role/search": lambda body: {"roles": [{"name": n, "tenantId": "acme"} for n in body["roleNames"]]}})
    found = _api.load_roles(client, {"acme", ""}, names)
    assert [len(c[2]["roleNames"]) for c in client.calls] == [1000, 1000, 500]
    assert all(c[2]["tenantIds"] == ["acme"] and c[2]["includeProjectRoles"] is True for c in client.calls)
    assert len(found) == 2500


# ------------------------------------------------------------------ against the emulator: faults on the wire, races


def _paths(emulator: t.Any, path: str, writes_only: bool = False) -> int:
    return sum(1 for r in emulator.requests() if r["path"] == path and (r["write"] or not writes_only))


def _roles(emulator: t.Any) -> dict[str, dict[str, t.Any]]:
    return {(f"{r['tenantId']}/" if r["tenantId"] else "") + r["name"]: r for r in emulator.state()["roles"]}


SYSTEM = [{"name": "User Admin", "systemDefault": True}]


def test_lost_create_answers_converge_in_one_run_without_a_duplicate_write(emulator: t.Any) -> None:
    emulator.seed(tenants=[], permissions=SYSTEM, roles=[])
    emulator.clear_log()
    # each create is applied, then its connection dies before the answer (batch and single endpoints); 503s first
    emulator.faults(
        {"path": "/v1/mgmt/permission/create", "kind": "status", "status": 503, "count": 2},
        {"path": "/v1/mgmt/permission/create", "kind": "drop", "apply": True, "count": 1},
        {"path": "/v1/mgmt/role/create/batch", "kind": "drop", "apply": True, "count": 1},
    )
    params = {"permissions": [{"name": "read"}], "roles": [{"name": "a", "permission_names": ["read"]}, {"name": "b", "description": "B"}]}
    result = run_spec("descope_role", params, environ=emulator.env)
    assert not result.get("failed"), result.get("msg")
    assert sorted(r["action"] for r in result["roles"]) == ["created", "created"] and result["permissions"][0]["action"] == "created"
    # the permission create reached the origin 3 times (2 refused with 503, 1 applied) and was never sent again after the reset
    assert _paths(emulator, "/v1/mgmt/permission/create") == 3 and _paths(emulator, "/v1/mgmt/role/create/batch") == 1
    assert sorted(_roles(emulator)) == ["a", "b"] and [p["name"] for p in emulator.state()["permissions"]].count("read") == 1
    emulator.clear_log()
    again = run_spec("descope_role", params, environ=emulator.env)
    assert not again["changed"] and emulator.writes() == []


@pytest.mark.parametrize("not_found_status", [404, 400])
def test_resets_after_forwarding_on_updates_and_deletes_converge(emulator: t.Any, not_found_status: int) -> None:
    emulator.config(notFoundStatus=not_found_status)
    perms = [*SYSTEM, {"name": "read"}, {"name": "old1"}, {"name": "old2"}]
    emulator.seed(tenants=[], permissions=perms, roles=[{"name": "a"}, {"name": "b"}, {"name": "x"}, {"name": "y"}])
    emulator.clear_log()
    emulator.faults(
        {"path": "/v1/mgmt/role/update/batch", "kind": "status", "status": 503, "count": 1},
        {"path": "/v1/mgmt/role/update/batch", "kind": "drop", "apply": True, "count": 1},
        # the repeated delete finds the roles gone: a not-found (404, or a 400 without not-found words) settled by a read
        {"path": "/v1/mgmt/role/delete/batch", "kind": "drop", "apply": True, "count": 1},
        {"path": "/v1/mgmt/permission/delete/batch", "kind": "drop", "apply": True, "count": 1},
    )
    params = {
        "permissions": [{"name": "read"}],
        "roles": [{"name": "a", "permission_names": ["read"]}, {"name": "b", "permission_names": ["read"]}],
        "prune": True,
        "max_delete_ratio": 1,
    }
    result = run_spec("descope_role", params, environ=emulator.env)
    assert not result.get("failed"), result.get("msg")
    assert sorted(_roles(emulator)) == ["a", "b"] and all(r["permissionNames"] == ["read"] for r in _roles(emulator).values())
    assert sorted(p["name"] for p in emulator.state()["permissions"]) == ["User Admin", "read"]
    assert _paths(emulator, "/v1/mgmt/role/delete/batch") == 2 and _paths(emulator, "/v1/mgmt/permission/delete/batch") == 2
    emulator.clear_log()
    assert not run_spec("descope_role", params, environ=emulator.env)["changed"] and emulator.writes() == []


def _racing(emulator: t.Any, spec: t.Any, deletes: list[tuple[str, dict[str, t.Any]]]) -> t.Any:
    """``spec`` whose plan is followed by another writer's requests: between the task's read and its first write."""

    def plan(ctx: t.Any, declared: t.Any, problems: t.Any) -> t.Any:
        planned = _plan.plan(ctx, declared, problems)
        for path, body in deletes:
            assert emulator.api("POST", path, json=body).status_code == 200
        return planned

    return dataclasses.replace(spec, plan=plan)


@pytest.mark.parametrize("not_found_status", [404, 400])
def test_a_concurrent_delete_between_list_and_write_is_reconciled(emulator: t.Any, not_found_status: int) -> None:
    emulator.config(notFoundStatus=not_found_status)
    tenants = [{"id": "acme", "name": "Acme"}]
    roles = [{"name": "upd1"}, {"name": "upd2"}, {"name": "del1"}, {"name": "del2"}, {"name": "t-upd", "tenantId": "acme"}]
    emulator.seed(tenants=tenants, permissions=[*SYSTEM, {"name": "read"}], roles=roles)
    emulator.clear_log()
    racing = _racing(
        emulator,
        _authz.ROLE_SPEC,
        [
            ("/v1/mgmt/role/delete", {"name": "upd1"}),  # to be updated by the task
            ("/v1/mgmt/role/delete", {"name": "del1"}),  # to be deleted by the task
            ("/v1/mgmt/role/delete", {"name": "t-upd", "tenantId": "acme"}),
        ],
    )
    warnings: list[str] = []
    params = {
        "roles": [
            {"name": "upd1", "description": "one", "permission_names": ["read"]},
            {"name": "upd2", "description": "two"},
            {"name": "del1", "state": "absent"},
            {"name": "t-upd", "tenant_id": "acme", "description": "tenant"},
        ],
        "prune": True,
        "max_delete_ratio": 1,
    }
    result = run_spec(racing, params, environ=emulator.env, warn=warnings.append)
    assert not result.get("failed"), result.get("msg")
    found = _roles(emulator)
    assert sorted(found) == ["acme/t-upd", "upd1", "upd2"]  # del2 pruned, del1 stays gone, the updated ones exist
    assert found["upd1"]["description"] == "one" and found["upd1"]["permissionNames"] == ["read"]
    assert found["acme/t-upd"]["description"] == "tenant" and found["upd2"]["description"] == "two"
    assert any("'upd1'" in w and "deleted by someone else" in w for w in warnings), warnings
    assert any("'acme/t-upd'" in w for w in warnings), warnings


@pytest.mark.parametrize("not_found_status", [404, 400])
def test_a_concurrent_delete_of_a_permission_is_the_goal_reached(emulator: t.Any, not_found_status: int) -> None:
    emulator.config(notFoundStatus=not_found_status)
    emulator.seed(tenants=[], permissions=[*SYSTEM, {"name": "p1"}, {"name": "p2"}, {"name": "p3"}], roles=[])
    emulator.clear_log()
    racing = _racing(emulator, _authz.PERMISSION_SPEC, [("/v1/mgmt/permission/delete", {"name": "p1"})])
    params = {"permissions": [{"name": "p3", "description": "kept"}], "prune": True, "max_delete_ratio": 1}
    result = run_spec(racing, params, environ=emulator.env)
    assert not result.get("failed"), result.get("msg")
    assert sorted(p["name"] for p in emulator.state()["permissions"]) == ["User Admin", "p3"]
    # the batch delete failed atomically (p1 gone), one read, then p2 alone
    assert [r["path"] for r in emulator.writes()][-2:] == ["/v1/mgmt/permission/delete/batch", "/v1/mgmt/permission/delete"]


def test_a_real_refusal_is_not_mistaken_for_a_race(emulator: t.Any) -> None:
    # a role naming a permission that does not exist: the API's 400 while every target exists is reported, not reconciled
    emulator.config(notFoundStatus=400)
    emulator.seed(tenants=[], permissions=[*SYSTEM, {"name": "read"}], roles=[{"name": "a"}, {"name": "b"}])
    emulator.clear_log()
    racing = _racing(emulator, _authz.ROLE_SPEC, [("/v1/mgmt/permission/delete", {"name": "read"})])
    params = {"roles": [{"name": "a", "permission_names": ["read"]}, {"name": "b", "permission_names": ["read"]}]}
    result = run_spec(racing, params, environ=emulator.env)
    assert result["failed"] and result["error"]["status"] == 400
    assert [r["path"] for r in emulator.writes()].count("/v1/mgmt/role/update/batch") == 1  # not sent again
    assert all(not r["permissionNames"] for r in _roles(emulator).values())


@pytest.mark.parametrize(("count", "searches"), [(999, 1), (2001, 3)])
def test_pruning_many_permissions_sends_chunked_role_searches(emulator: t.Any, count: int, searches: int) -> None:
    perms = [{"name": f"perm.{i:05d}"} for i in range(count)]
    emulator.seed(tenants=[], permissions=[*SYSTEM, *perms, {"name": "kept"}], roles=[{"name": "r", "permissionNames": ["kept"]}])
    emulator.clear_log()
    params = {"permissions": [{"name": "kept"}], "prune": True, "max_delete_ratio": 1, "max_deletes": count}
    result = run_spec("descope_permission", params, environ=emulator.env)
    assert not result.get("failed"), result.get("msg")
    searches_sent = [r for r in emulator.requests() if r["path"] == "/v1/mgmt/role/search"]
    assert len(searches_sent) == searches
    assert sorted(p["name"] for p in emulator.state()["permissions"]) == ["User Admin", "kept"]
    assert _paths(emulator, "/v1/mgmt/permission/delete/batch") == 1


def test_no_names_sends_no_search_at_all() -> None:
    # an empty permissionNames filter is no filter: it would return every role of the project
    client = FakeClient({"/v1/mgmt/role/search": {"roles": [{"name": "r", "permissionNames": ["p"]}]}})
    assert _api.roles_granting(client, []) == [] and _api.existing_tenants(client, []) == set()
    assert client.calls == []


@pytest.mark.parametrize("not_found_status", [404, 400])
def test_an_update_whose_target_vanished_is_reported_as_the_create_it_became(emulator: t.Any, not_found_status: int) -> None:
    # The result, the diff and the audit trail say what was done: the role was not there, so it was created (not updated
    # from a 'before' that no longer existed); prune deletes exactly the one role left to prune.
    emulator.config(notFoundStatus=not_found_status)
    emulator.seed(tenants=[], permissions=[*SYSTEM], roles=[{"name": "upd1", "description": "old"}, {"name": "keep"}, {"name": "del2"}, {"name": "del3"}])
    emulator.clear_log()
    racing = _racing(emulator, _authz.ROLE_SPEC, [("/v1/mgmt/role/delete", {"name": "upd1"}), ("/v1/mgmt/role/delete", {"name": "del2"})])
    params = {"roles": [{"name": "upd1", "description": "new"}, {"name": "keep"}], "prune": True, "max_delete_ratio": 1}
    result = run_spec(racing, params, environ=emulator.env, diff=True, warn=lambda _m: None)
    assert not result.get("failed"), result.get("msg")
    operations = {op["target_id"]: op for op in result["descope_audit"]["operations"]}
    assert (operations["upd1"]["operation"], operations["upd1"]["action"], operations["upd1"]["before"]) == ("create", "created", None)
    assert operations["upd1"]["after"]["description"] == "new"
    assert result["descope_audit"]["counts"]["created"] == 1 and result["descope_audit"]["counts"]["updated"] == 0
    upd1_diff = next(d for d in result["diff"] if "upd1" in d["after_header"])
    assert upd1_diff["before"] == {} and "create" in upd1_diff["after_header"]
    assert sorted(_roles(emulator)) == ["keep", "upd1"]  # del3 pruned, never more than asked
    # the two racing deletes, then the task's batch delete (del2 gone: refused atomically), one read, then del3 alone
    assert [r["path"] for r in emulator.writes() if "/delete" in r["path"]][2:] == ["/v1/mgmt/role/delete/batch", "/v1/mgmt/role/delete"]


def _creating(emulator: t.Any, spec: t.Any, creates: list[tuple[str, dict[str, t.Any]]]) -> t.Any:
    return _racing(emulator, spec, creates)


def test_a_role_someone_else_creates_between_read_and_write_is_reconciled_not_a_failure(emulator: t.Any) -> None:
    emulator.seed(tenants=[{"id": "acme", "name": "Acme"}], permissions=[*SYSTEM, {"name": "read"}], roles=[])
    emulator.clear_log()
    racing = _creating(
        emulator,
        _authz.ROLE_SPEC,
        [
            ("/v1/mgmt/role/create", {"name": "a", "description": "theirs"}),
            ("/v1/mgmt/role/create", {"name": "t", "tenantId": "acme", "permissionNames": ["read"]}),
        ],
    )
    params = {
        "roles": [
            {"name": "a", "description": "ours"},
            {"name": "b"},
            {"name": "t", "tenant_id": "acme", "permission_names": ["read"]},
        ]
    }
    warnings: list[str] = []
    result = run_spec(racing, params, environ=emulator.env, diff=True, warn=warnings.append)
    assert not result.get("failed"), result.get("msg")
    assert {r["id"]: r["action"] for r in result["roles"]} == {"a": "updated", "b": "created", "acme/t": "unchanged"}
    assert _roles(emulator)["a"]["description"] == "ours" and set(_roles(emulator)) == {"a", "b", "acme/t"}
    assert result["descope_audit"]["counts"]["updated"] == 1 and any("created by someone else" in w for w in warnings)
    emulator.clear_log()
    assert not run_spec("descope_role", params, environ=emulator.env)["changed"] and emulator.writes() == []
