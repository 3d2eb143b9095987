# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

import datetime
import json
import multiprocessing
import os
import pathlib
import stat
import typing as t

import pytest

from ansible_collections.descope.mgmt.plugins.module_utils import _audit

CANARY = "K2CanaryAuditKey00000000000000001"
META = {
    "run_id": "run-1",
    "playbook": "site.yml",
    "play": "p",
    "task": "t",
    "task_uuid": "u1",
    "module": "descope_tenant",
    "host": "localhost",
    "user": "ops",
    "awx_job_id": None,
    "awx_user": None,
}


def block(*ops: dict[str, t.Any], check: bool = False, error: dict[str, t.Any] | None = None) -> dict[str, t.Any]:
    out: dict[str, t.Any] = {"version": 1, "module": "descope_tenant", "project_id": "P1", "check_mode": check, "operations": list(ops), "counts": {}}
    if error:
        out["error"] = error
    return out


def op(target: str = "t1", operation: str = "create", outcome: str = "ok", **kw: t.Any) -> dict[str, t.Any]:
    base = {
        "operation": operation,
        "target_type": "tenant",
        "target_id": target,
        "changed": outcome in ("ok", "check"),
        "action": "created",
        "before": None,
        "after": {"name": target},
        "outcome": outcome,
        "check_mode": outcome == "check",
        "error": None,
        "duration_ms": 7,
    }
    base.update(kw)
    return base


def records(n: int, start: int = 0) -> list[dict[str, t.Any]]:
    return _audit.build_records(META, block(*[op(f"t{i}") for i in range(start, start + n)]), failed=False)


# ------------------------------------------------------------------------------------------ building


def test_one_record_per_operation_with_the_fixed_schema() -> None:
    recs = _audit.build_records(META, block(op("t1"), op("t2", "update", before={"name": "old"})), failed=False, duration_ms=99)
    assert [r["target_id"] for r in recs] == ["t1", "t2"]
    assert all(set(r) == set(_audit.FIELDS) - {"alg", "key_id", "prev", "hash"} for r in recs)
    assert recs[1]["operation"] == "update" and recs[1]["before"] == {"name": "old"} and recs[1]["duration_ms"] == 7
    assert recs[0]["project_id"] == "P1" and recs[0]["module"] == "descope_tenant" and recs[0]["v"] == _audit.FORMAT_VERSION
    assert recs[0]["time"].endswith("Z") and recs[0]["hidden"] is False


def test_unknown_block_keys_never_reach_the_record() -> None:
    b = block(op("t1", invocation={"management_key": CANARY}, raw="x"))
    b["invocation"] = {"module_args": {"management_key": CANARY}}
    recs = _audit.build_records(META, b, failed=False)
    text = json.dumps(recs)
    assert "invocation" not in text and "raw" not in text and CANARY not in text


def test_check_mode_operations_are_marked() -> None:
    (rec,) = _audit.build_records(META, block(op("t1", outcome="check"), check=True), failed=False)
    assert rec["check_mode"] is True and rec["outcome"] == "check" and rec["changed"] is True


def test_failed_task_without_operations_still_gets_one_line() -> None:
    err = {"kind": "api", "status": 401, "code": "E011003", "description": "Unauthorized", "message": None, "path": "/x"}
    (rec,) = _audit.build_records(META, block(error=err), failed=True, duration_ms=12)
    assert rec["outcome"] == "failed" and rec["operation"] is None and rec["duration_ms"] == 12
    assert rec["error"] == {"kind": "api", "status": 401, "code": "E011003", "message": "Unauthorized"}


def test_failed_task_records_the_results_own_error_when_the_block_has_none() -> None:
    # the pipeline keeps the error once, in the result's 'error': the callback hands it over
    err = {"kind": "api", "status": 401, "code": "E011401", "message": "invalid or missing management key", "path": "/x"}
    (rec,) = _audit.build_records(META, block(), failed=True, error=err)
    assert rec["outcome"] == "failed"
    assert rec["error"] == {"kind": "api", "status": 401, "code": "E011401", "message": "invalid or missing management key"}


def test_failed_task_without_any_block_is_recorded() -> None:
    (rec,) = _audit.build_records(META, None, failed=True)
    assert rec["outcome"] == "failed" and "before the module reported" in rec["error"]["message"]
    assert rec["project_id"] is None and rec["module"] == "descope_tenant"


def test_failed_operation_is_not_duplicated_by_a_task_line() -> None:
    err = {"status": 404, "code": "E0", "message": "gone"}
    recs = _audit.build_records(META, block(op("t1"), op("t2", outcome="failed", error=err)), failed=True)
    assert [r["outcome"] for r in recs] == ["ok", "failed"] and recs[1]["error"]["status"] == 404


def test_failed_task_with_only_successful_operations_adds_a_failure_line() -> None:
    recs = _audit.build_records(META, block(op("t1"), error={"kind": "api", "status": 500}), failed=True)
    assert [r["outcome"] for r in recs] == ["ok", "failed"] and recs[1]["error"]["status"] == 500


def test_hidden_result_has_no_detail() -> None:
    (rec,) = _audit.build_records(META, block(op("t1", after={"name": "secret name"})), failed=False, hidden=True, changed=True)
    assert rec["hidden"] is True and rec["changed"] is True and rec["outcome"] == "ok"
    assert rec["before"] is None and rec["after"] is None and rec["error"] is None and rec["target_id"] is None
    assert "secret name" not in json.dumps(rec)


def test_redaction_drops_secret_keys_and_known_values() -> None:
    secrets = _audit.secret_values({"DESCOPE_MANAGEMENT_KEY": CANARY}, extra=["short", None])
    assert secrets == [CANARY]  # values shorter than 6 characters are not treated as secrets
    after = {
        "name": f"has {CANARY} inside",
        "apiKey": "abc",
        "client_secret": "s",
        "password": "p",
        "nested": [{"token": "x", "ok": CANARY}],
        "monkey": "banana",
        "keyName": "visible",
        "key": "v",
    }
    (rec,) = _audit.build_records(META, block(op("t1", after=after)), failed=False, secrets=secrets)
    out = rec["after"]
    assert out["name"] == f"has {_audit.REDACTED} inside" and out["nested"] == [{"token": _audit.REDACTED, "ok": _audit.REDACTED}]
    assert out["apiKey"] == out["client_secret"] == out["password"] == out["key"] == _audit.REDACTED
    assert out["monkey"] == "banana" and out["keyName"] == "visible"
    assert CANARY not in json.dumps(rec)


@pytest.mark.parametrize("key", ["password", "managementKey", "management_key", "clientSecret", "refresh_token", "api-key", "Authorization"])
def test_secret_looking_keys(key: str) -> None:
    assert _audit.looks_secret(key)


@pytest.mark.parametrize("key", ["name", "id", "selfProvisioningDomains", "monkey", "keyName", "target_id"])
def test_plain_keys_are_kept(key: str) -> None:
    assert not _audit.looks_secret(key)


def test_redact_converts_unknown_types_to_text() -> None:
    assert _audit.redact({"when": datetime.date(2025, 1, 2)}, []) == {"when": "2025-01-02"}


# ------------------------------------------------------------------------------------------ chain + files


def test_first_line_chains_from_genesis_and_each_line_from_the_previous(tmp_path: t.Any) -> None:
    path = str(tmp_path / "a.jsonl")
    first = _audit.append(path, records(2))
    second = _audit.append(path, records(1, 2))
    assert first[0]["prev"] == _audit.GENESIS and first[1]["prev"] == first[0]["hash"] and second[0]["prev"] == first[1]["hash"]
    lines = pathlib.Path(path).read_text().splitlines()
    assert len(lines) == 3 and json.loads(lines[2])["hash"] == second[0]["hash"]
    assert all(_audit.line_hash(json.loads(line)) == json.loads(line)["hash"] for line in lines)
    result = _audit.verify(path).as_dict()
    assert {k: result[k] for k in ("verified", "files", "lines", "broken_file", "first_broken_line", "reason", "problems", "torn_lines")} == {
        "verified": True,
        "files": 1,
        "lines": 3,
        "broken_file": None,
        "first_broken_line": None,
        "reason": None,
        "problems": [],
        "torn_lines": [],
    }
    assert result["forgery_detectable"] is False and result["checkpoints"] == 1


def test_modes_directory_0700_file_0600(tmp_path: t.Any) -> None:
    previous = os.umask(0o022)  # the modes must not depend on the caller's umask
    try:
        path = str(tmp_path / "deep" / "audit" / "a.jsonl")
        _audit.append(path, records(1))
    finally:
        os.umask(previous)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(os.path.dirname(path)).st_mode) == 0o700


def test_existing_loose_file_is_tightened(tmp_path: t.Any) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text("")
    os.chmod(path, 0o644)
    _audit.append(str(path), records(1))
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_append_nothing_creates_nothing(tmp_path: t.Any) -> None:
    assert _audit.append(str(tmp_path / "x" / "a.jsonl"), []) == []
    assert not (tmp_path / "x").exists()


def test_chain_continues_after_a_long_last_line(tmp_path: t.Any) -> None:
    path = str(tmp_path / "a.jsonl")
    big = _audit.build_records(META, block(op("t1", after={"blob": "x" * 20000})), failed=False)
    (first,) = _audit.append(path, big)
    (second,) = _audit.append(path, records(1))
    assert second["prev"] == first["hash"] and _audit.verify(path).verified


def test_torn_last_line_is_kept_apart_and_reported(tmp_path: t.Any) -> None:
    path = tmp_path / "a.jsonl"
    _audit.append(str(path), records(1))
    whole = path.read_text()
    with open(path, "a") as handle:
        handle.write(whole[: len(whole) // 2])  # a writer that died mid-line: the start of a line it was writing
    _audit.append(str(path), records(1))
    lines = path.read_text().splitlines()
    assert len(lines) == 3 and json.loads(lines[2])["target_id"] == "t0"
    result = _audit.verify(str(path))
    # reported and skipped: the line after it chains from it and still verifies
    assert result.verified and result.lines == 3
    assert result.torn_lines == [{"file": str(path), "line": 2, "reason": "an incomplete line the next line chains from (a writer interrupted mid-write)"}]


def test_write_failure_names_path_and_fix(tmp_path: t.Any) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")  # a directory path under a regular file fails for every user, root included
    with pytest.raises(_audit.AuditWriteError) as info:
        _audit.append(str(blocker / "audit" / "a.jsonl"), records(1))
    assert str(blocker) in str(info.value) and "DESCOPE_AUDIT_DIR" in str(info.value)


def test_write_failure_messages() -> None:
    import errno

    assert "disk space" in _audit.write_failure("/x", OSError(errno.ENOSPC, "No space left on device"))
    assert "writable" in _audit.write_failure("/x", OSError(errno.EACCES, "Permission denied"))
    assert "check the path" in _audit.write_failure("/x", OSError(errno.ENOENT, "No such file"))


def _writer(path: str, worker: int, count: int) -> None:
    for i in range(count):
        _audit.append(path, _audit.build_records(dict(META, run_id=f"w{worker}"), block(op(f"w{worker}-{i}")), failed=False))


def test_parallel_processes_lose_nothing_and_keep_one_chain(tmp_path: t.Any) -> None:
    path = str(tmp_path / "a.jsonl")
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_writer, args=(path, w, 40)) for w in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    lines = pathlib.Path(path).read_text().splitlines()
    assert len(lines) == 160 and len({json.loads(x)["target_id"] for x in lines}) == 160
    assert _audit.verify(path).verified


# ------------------------------------------------------------------------------------------ verify


def _write_three(tmp_path: t.Any) -> tuple[str, list[str]]:
    path = str(tmp_path / "2025-01-02.jsonl")
    _audit.append(path, records(3))
    return path, pathlib.Path(path).read_text().splitlines()


def test_edited_line_is_detected(tmp_path: t.Any) -> None:
    path, lines = _write_three(tmp_path)
    lines[1] = lines[1].replace('"t1"', '"t9"')
    pathlib.Path(path).write_text("\n".join(lines) + "\n")
    result = _audit.verify(str(tmp_path))
    assert not result.verified and result.first_broken_line == 2 and result.broken_file == path and "edited" in str(result.reason)


def test_edited_line_with_recomputed_hash_breaks_the_next_link(tmp_path: t.Any) -> None:
    path, lines = _write_three(tmp_path)
    entry = json.loads(lines[1])
    entry["target_id"] = "t9"
    entry["hash"] = _audit.line_hash(entry)
    lines[1] = _audit.serialise(entry)
    pathlib.Path(path).write_text("\n".join(lines) + "\n")
    result = _audit.verify(path)
    assert not result.verified and result.first_broken_line == 3 and "line 2" in str(result.reason)


@pytest.mark.parametrize(
    "mutate, line, words",
    [
        (lambda ls: [ls[0], ls[2]], 2, "removed"),
        (lambda ls: [ls[1], ls[0], ls[2]], 1, "genesis"),
        (lambda ls: ls[1:], 1, "genesis"),
        # an inserted non-audit line is tampering itself, not a torn write
        (lambda ls: [ls[0], "", ls[1], ls[2]], 2, "blank line: tampering"),
        (lambda ls: [ls[0], "[1]", ls[1]], 2, "not a sealed audit record"),
    ],
)
def test_removed_reordered_or_inserted_lines_are_detected(tmp_path: t.Any, mutate: t.Any, line: int, words: str) -> None:
    path, lines = _write_three(tmp_path)
    pathlib.Path(path).write_text("\n".join(mutate(lines)) + "\n")
    result = _audit.verify(path)
    assert not result.verified and result.first_broken_line == line and words in str(result.reason)


def test_verify_of_missing_or_empty_path_is_not_verified(tmp_path: t.Any) -> None:
    missing = _audit.verify(str(tmp_path / "nothing"))
    assert not missing.verified and missing.files == 0 and "no audit trail" in str(missing.reason) and "does not exist" in str(missing.reason)
    empty = _audit.verify(str(tmp_path))
    assert not empty.verified and "no .jsonl file" in str(empty.reason)


def test_each_daily_file_has_its_own_chain(tmp_path: t.Any) -> None:
    for day in ("2025-01-01", "2025-01-02"):
        _audit.append(str(tmp_path / f"{day}.jsonl"), records(2))
    result = _audit.verify(str(tmp_path))
    assert result.verified and result.files == 2 and result.lines == 4


# ------------------------------------------------------------------------------------------ reading


def _dated(ts: str, **kw: t.Any) -> list[dict[str, t.Any]]:
    return _audit.build_records(dict(META, **kw.pop("meta", {})), block(op(**kw)), failed=False, now=_audit.parse_bound(ts, end=False))


def test_read_filters(tmp_path: t.Any) -> None:
    path = str(tmp_path / "2025-01-02.jsonl")
    _audit.append(path, _dated("2025-01-02T10:00:00Z", target="a"))
    _audit.append(path, _dated("2025-01-02T11:00:00Z", target="b", operation="delete", meta={"run_id": "r2"}))
    _audit.append(path, _dated("2025-01-02T12:00:00Z", target="c", outcome="failed", changed=False))
    with open(path, "a") as handle:
        handle.write("not json\n")

    def ids(**filters: t.Any) -> list[str]:
        return [e["target_id"] for e in _audit.read_entries(str(tmp_path), filters)[0]]

    assert ids() == ["a", "b", "c"]
    assert ids(since="2025-01-02T10:30:00Z") == ["b", "c"]
    assert ids(until="2025-01-02T11:00:00+00:00") == ["a", "b"]
    assert ids(since="2025-01-02T10:30:00", until="2025-01-02T11:30:00Z") == ["b"]
    assert ids(operation="delete") == ["b"] and ids(run_id="r2") == ["b"] and ids(target_id=["a", "c"]) == ["a", "c"]
    assert ids(outcome="failed") == ["c"] and ids(changed_only=True) == ["a", "b"]
    assert ids(project="P1") == ["a", "b", "c"] and ids(project="P2") == []
    assert ids(module="descope.mgmt.descope_tenant") == ["a", "b", "c"] and ids(host="other") == []
    assert _audit.read_entries(path)[1] == [path]


def test_read_skips_whole_days_before_since(tmp_path: t.Any) -> None:
    _audit.append(str(tmp_path / "2025-01-01.jsonl"), _dated("2025-01-01T23:00:00Z", target="old"))
    _audit.append(str(tmp_path / "2025-01-03.jsonl"), _dated("2025-01-03T01:00:00Z", target="new"))
    (tmp_path / "notes.jsonl").write_text(_audit.serialise(_dated("2025-01-04T00:00:00Z", target="odd")[0]) + "\n")
    entries, files = _audit.read_entries(str(tmp_path), {"since": "2025-01-02"})
    assert [e["target_id"] for e in entries] == ["new", "odd"] and len(files) == 3


def test_parse_time_rejects_garbage() -> None:
    with pytest.raises(ValueError, match="ISO 8601"):
        _audit.parse_bound("last tuesday", end=False)
    assert _audit.parse_bound("2025-01-02", end=False).tzinfo is not None


# ------------------------------------------------------------------------------------------ locations


def test_default_dir_precedence(tmp_path: t.Any) -> None:
    assert _audit.default_dir({"DESCOPE_AUDIT_DIR": str(tmp_path), "AWX_ISOLATED_DATA_DIR": "/runner/artifacts/1"}) == str(tmp_path)
    assert _audit.default_dir({"AWX_ISOLATED_DATA_DIR": "/runner/artifacts/1"}) == "/runner/artifacts/1/descope_audit"
    assert _audit.default_dir({}) == os.path.expanduser("~/.descope-mgmt/audit")


def test_file_for_uses_the_utc_day() -> None:
    ts = datetime.datetime(2025, 1, 2, 23, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=-5)))
    assert _audit.file_for("/d", ts) == "/d/2025-01-03.jsonl"


def test_no_python_311_only_names_in_controller_audit_code() -> None:
    # ansible-core 2.16 admits Python 3.10 controllers: datetime.UTC (3.11+) broke every audit write there
    root = pathlib.Path(_audit.__file__).resolve().parents[2]
    sources = [*sorted((root / "module_utils" / "_audit").glob("*.py")), root / "callback" / "descope_audit.py", root / "action" / "descope_audit_info.py"]
    offenders = [str(path) for path in sources if "datetime.UTC" in path.read_text(encoding="utf-8")]
    assert offenders == []
    assert _audit.UTC.utcoffset(None) == datetime.timedelta(0)
