# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reads that accept every plausible answer shape, and the batch writer."""

from __future__ import annotations

import concurrent.futures
import json
import os
import pathlib
import types
import typing as t

import pytest

from ansible_collections.descope.mgmt.plugins.module_utils._audit import journal
from ansible_collections.descope.mgmt.plugins.module_utils._authz import _api
from ansible_collections.descope.mgmt.plugins.module_utils._errors import DescopeAPIError


class FakeClient:
    def __init__(self, answers: dict[str, t.Any] | None = None, fail: dict[str, DescopeAPIError] | None = None) -> None:
        self.answers = answers or {}
        self.fail = fail or {}
        self.calls: list[tuple[str, str, t.Any]] = []

    def get(self, path: str, params: t.Any = None) -> t.Any:
        self.calls.append(("GET", path, params))
        return self.answers.get(path, {})

    def post(self, path: str, body: t.Any = None, read: bool = False) -> t.Any:
        self.calls.append(("POST", path, body))
        if path in self.fail:
            raise self.fail[path]
        return self.answers.get(path, {})


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
    _api.Batch("/v1/mgmt/permission/delete", lambda b: {"names": [x["name"] for x in b]}).member({"name": "p"})(client)
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
    assert len(client.calls) == 1


def test_delete_batch_race_falls_back_to_single_deletes_ignoring_the_gone() -> None:
    client = FakeClient(fail={"/v1/mgmt/role/delete/batch": not_found("/v1/mgmt/role/delete/batch")})
    batch = _api.Batch("/v1/mgmt/role/delete", lambda b: {"roleNames": [x["name"] for x in b]}, tolerate_not_found=True)
    apply = batch.member({"name": "a"})
    batch.member({"name": "b"})
    apply(client)
    assert [c[1] for c in client.calls] == ["/v1/mgmt/role/delete/batch", "/v1/mgmt/role/delete", "/v1/mgmt/role/delete"]


def test_not_found_on_a_create_is_not_swallowed() -> None:
    client = FakeClient(fail={"/v1/mgmt/role/create": not_found("/v1/mgmt/role/create")})
    with pytest.raises(DescopeAPIError):
        _api.Batch("/v1/mgmt/role/create", lambda b: {"roles": b}).member({"name": "a", "tenantId": "gone"})(client)


def test_a_batch_notes_every_member_in_the_journal_before_its_one_request(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a run killed during the request must leave every member in the journal, not only those a worker had reached
    journal_path, fd = journal.open_run(str(tmp_path), "run-batch", {})
    monkeypatch.setenv(journal.ENV_JOURNAL, journal_path)
    lines: list[str] = []

    class Recording(FakeClient):
        settings = types.SimpleNamespace(project_id="P2batch")

        def post(self, path: str, body: t.Any, read: bool = False) -> t.Any:
            with open(journal_path, encoding="utf-8") as handle:
                lines.extend(handle.read().splitlines()[1:])
            return super().post(path, body, read)

    batch = _api.Batch("/v1/mgmt/permission/create", lambda b: {"permissions": b})
    changes = [types.SimpleNamespace(target_type="permission", target_id=f"p{i}", action="create", before=None, after=None, error=None) for i in range(50)]
    applies = [batch.member({"name": c.target_id}, c) for c in changes]
    applies[0](Recording())
    os.close(fd)
    assert sorted(json.loads(x)["target_id"] for x in lines) == sorted(c.target_id for c in changes)
