# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The journal of intent: what the engine notes, what reconcile adds to the trail, and when."""

from __future__ import annotations

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
