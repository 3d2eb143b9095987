# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The journal of intent: what the engine notes, what reconcile adds to the trail, and when."""

from __future__ import annotations

import json
import os
import pathlib
import types
import typing as t

from ansible_collections.descope.mgmt.plugins.module_utils import _audit
from ansible_collections.descope.mgmt.plugins.module_utils._audit import journal

KEY = "journal-test-key-0123456789"
CLIENT = types.SimpleNamespace(settings=types.SimpleNamespace(project_id="P2journal"))


def _change(target_id: str, action: str = "create", **kw: t.Any) -> t.Any:
    return types.SimpleNamespace(target_type="tenant", target_id=target_id, action=action, before=None, after={"name": target_id.upper()}, error=None, **kw)


def test_unreported_operations_are_added_as_interrupted_once_the_run_is_gone(tmp_path: pathlib.Path) -> None:
    directory = str(tmp_path)
    path, fd = journal.open_run(directory, "run-1", {"playbook": "sync.yml", "user": "ops", "awx_job_id": "7", "awx_user": None})
    env = {journal.ENV_JOURNAL: path}
    reported, lost_answer, failed = _change("a"), _change("b"), _change("c", action="update")
    for change in (reported, lost_answer, failed):
        journal.note(change, CLIENT, "sent", env)
    journal.note(reported, CLIENT, "ok", env)
    failed.error = {"kind": "api", "status": 500, "code": "E1", "message": "boom"}
    journal.note(failed, CLIENT, "failed", env)
    # the task that made 'a' reported it before the kill: the trail already has it
    record = {"v": 2, "run_id": "run-1", "project_id": "P2journal", "target_type": "tenant", "target_id": "a", "operation": "create", "outcome": "ok"}
    _audit.append(_audit.file_for(directory), [record], key=KEY)

    assert journal.reconcile_abandoned(directory, KEY) == []  # the run (its lock) is still alive
    os.close(fd)  # the run dies
    added = journal.reconcile_abandoned(directory, KEY)
    assert [(r["target_id"], r["operation"], r["outcome"], r["interrupted"]) for r in added] == [
        ("b", "create", "unknown", True),
        ("c", "update", "failed", True),
    ]
    assert added[0]["error"]["kind"] == "interrupted" and added[1]["error"]["status"] == 500
    assert added[0]["project_id"] == "P2journal" and added[0]["module"] == "descope_tenant" and added[0]["user"] == "ops" and added[0]["awx_job_id"] == "7"
    assert not os.path.exists(path) and journal.reconcile_abandoned(directory, KEY) == []
    result = _audit.verify(directory, KEY)
    assert result.verified and result.lines == 3


def test_end_of_run_adds_only_what_the_tasks_did_not_report(tmp_path: pathlib.Path) -> None:
    directory = str(tmp_path)
    path, fd = journal.open_run(directory, "run-2", {})
    env = {journal.ENV_JOURNAL: path}
    for _write in range(3):
        change = _change("dup")  # three writes of one object (id() may repeat: the journal must not merge them)
        journal.note(change, CLIENT, "sent", env)
        journal.note(change, CLIENT, "ok", env)
    record = {"v": 2, "run_id": "run-2", "project_id": "P2journal", "target_type": "tenant", "target_id": "dup", "operation": "create", "outcome": "ok"}
    _audit.append(_audit.file_for(directory), [record, record], key=KEY)
    added = journal.close_run(directory, path, fd, KEY)
    assert len(added) == 1 and not os.path.exists(path)


def test_note_without_a_journal_does_nothing_and_never_raises(tmp_path: pathlib.Path) -> None:
    journal.note(_change("x"), CLIENT, "sent", {})
    journal.note(_change("x"), CLIENT, "sent", {journal.ENV_JOURNAL: str(tmp_path / "missing" / "j.jsonl")})
    assert list(tmp_path.iterdir()) == []


def test_secrets_never_reach_the_journal(tmp_path: pathlib.Path, monkeypatch: t.Any) -> None:
    monkeypatch.setenv("DESCOPE_MANAGEMENT_KEY", "K2SecretJournalCanary000001")
    path, fd = journal.open_run(str(tmp_path), "run-3", {})
    change = _change("s")
    change.after = {"client_secret": "hunter2hunter2", "note": "key K2SecretJournalCanary000001"}
    journal.note(change, CLIENT, "sent", {journal.ENV_JOURNAL: path})
    text = pathlib.Path(path).read_text()
    os.close(fd)
    assert "hunter2" not in text and "K2SecretJournalCanary" not in text and _audit.REDACTED in text


def test_a_batch_member_noted_sent_twice_is_one_operation(tmp_path: pathlib.Path) -> None:
    # a batch notes every member as sent before its one request; each member's own note later must not add a second operation
    directory = str(tmp_path)
    path, fd = journal.open_run(directory, "run-b", {})
    env = {journal.ENV_JOURNAL: path}
    members = [_change(x) for x in "xyz"]
    for change in members:
        journal.note(change, CLIENT, "sent", env)
    journal.note(members[0], CLIENT, "sent", env)
    journal.note(members[0], CLIENT, "ok", env)
    journal.note(members[1], CLIENT, "sent", env)
    os.close(fd)  # killed before the answer reached y and z
    added = journal.reconcile_abandoned(directory, KEY)
    assert [(r["target_id"], r["outcome"]) for r in added] == [("x", "ok"), ("y", "unknown"), ("z", "unknown")]


def test_roles_and_permissions_reconciled_name_their_module(tmp_path: pathlib.Path) -> None:
    directory = str(tmp_path)
    path, fd = journal.open_run(directory, "run-m", {})
    env = {journal.ENV_JOURNAL: path}
    for kind in ("role", "permission"):
        journal.note(types.SimpleNamespace(target_type=kind, target_id="a", action="create", before=None, after=None, error=None), CLIENT, "sent", env)
    os.close(fd)
    assert [r["module"] for r in journal.reconcile_abandoned(directory, KEY)] == ["descope_role", "descope_permission"]


BIDI_ID = "acme\u202egnp.exe\u2066"  # Trojan Source: a right-to-left override and an isolate in a user's tenant id
INVISIBLE = "\u202e\u2066\u200b\u0085\ufeff"


def _trail_line(run_id: str, target_id: str) -> list[dict[str, t.Any]]:
    """The line the callback writes for a reported operation (records.build_records escapes it)."""
    op = {"operation": "create", "target_type": "tenant", "target_id": target_id, "changed": True, "after": {"name": target_id}}
    return _audit.build_records({"run_id": run_id}, {"module": "descope_tenant", "project_id": "P2journal", "operations": [op]}, failed=False)


def _has_invisible(value: t.Any) -> bool:
    return any(c in INVISIBLE for c in json.dumps(value, ensure_ascii=False))


def test_the_journal_escapes_bidi_characters_and_still_reconciles_with_the_trail(tmp_path: pathlib.Path) -> None:
    directory = str(tmp_path)
    path, fd = journal.open_run(directory, "run-bidi", {"playbook": "evil\u202elmy.yml", "user": "ops"})
    env = {journal.ENV_JOURNAL: path}
    reported = _change(BIDI_ID)
    reported.after = {"name": "Acme\u200b\u0085 Corp"}
    lost = _change("lost\u202e1")
    for change in (reported, lost):
        journal.note(change, CLIENT, "sent", env)
    journal.note(reported, CLIENT, "ok", env)
    # the journal itself holds no raw bidi/invisible character, in its text or in what it decodes to
    entries = [json.loads(line) for line in pathlib.Path(path).read_text(encoding="utf-8").splitlines()]
    assert not _has_invisible(entries) and entries[1]["target_id"] == "acme\\u202egnp.exe\\u2066"
    assert entries[0]["playbook"] == "evil\\u202elmy.yml" and entries[1]["after"] == {"name": "Acme\\u200b\\u0085 Corp"}
    # the task reported the first write: its trail line, escaped by the callback, pairs with the journal's
    _audit.append(_audit.file_for(directory), _trail_line("run-bidi", BIDI_ID), key=KEY)
    added = journal.close_run(directory, path, fd, KEY)
    assert [(r["target_id"], r["outcome"]) for r in added] == [("lost\\u202e1", "unknown")]
    assert added[0]["playbook"] == "evil\\u202elmy.yml"
    trail = pathlib.Path(_audit.file_for(directory)).read_text(encoding="utf-8")
    assert not any(c in INVISIBLE for c in trail) and len(trail.splitlines()) == 2
    assert _audit.verify(directory, KEY).verified


def test_a_journal_written_before_escaping_still_pairs_with_its_trail_line(tmp_path: pathlib.Path) -> None:
    directory = str(tmp_path)
    path, fd = journal.open_run(directory, "run-old", {})
    old = {"op": "1.1", "state": "ok", "time": "2026-11-28T10:00:00.000Z", "project_id": "P2journal", "target_type": "tenant"}
    with open(path, "a", encoding="utf-8") as handle:  # as the journal wrote it before: raw characters (json escapes them as \\u202e)
        handle.write(json.dumps({**old, "target_id": BIDI_ID, "operation": "create", "after": {"name": BIDI_ID}}) + "\n")
        handle.write(json.dumps({**old, "op": "1.2", "state": "sent", "target_id": "x\u202e", "operation": "create"}) + "\n")
    _audit.append(_audit.file_for(directory), _trail_line("run-old", BIDI_ID), key=KEY)
    added = journal.close_run(directory, path, fd, KEY)
    assert [r["target_id"] for r in added] == ["x\\u202e"] and not _has_invisible(added)
    assert not any(c in INVISIBLE for c in pathlib.Path(_audit.file_for(directory)).read_text(encoding="utf-8"))
