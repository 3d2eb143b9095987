# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""descope_audit_info: main() on the module path, and the shared info() both paths call."""

from __future__ import annotations

import pathlib
import typing as t

import pytest

from ansible_collections.descope.mgmt.plugins.module_utils import _audit
from ansible_collections.descope.mgmt.plugins.modules import descope_audit_info

META = {"run_id": "r1", "playbook": "p.yml", "play": "p", "task": "t", "task_uuid": "u", "module": "descope_tenant", "host": "localhost"}


def write_trail(directory: pathlib.Path) -> str:
    path = str(directory / "2025-01-02.jsonl")
    for n, (target, operation, outcome, project) in enumerate(
        [("a", "create", "ok", "P1"), ("b", "delete", "ok", "P2"), ("c", "update", "check", "P1"), ("d", "update", "failed", "P1")]
    ):
        block = {
            "module": "descope_tenant",
            "project_id": project,
            "check_mode": outcome == "check",
            "operations": [
                {
                    "operation": operation,
                    "target_type": "tenant",
                    "target_id": target,
                    "changed": outcome != "failed",
                    "outcome": outcome,
                    "error": {"status": 500} if outcome == "failed" else None,
                }
            ],
        }
        now = _audit.parse_bound(f"2025-01-02T1{n}:00:00Z", end=False)
        _audit.append(path, _audit.build_records(dict(META, run_id=f"r{n % 2}"), block, failed=outcome == "failed", now=now))
    return path


def test_main_reads_filters_and_verifies(tmp_path: pathlib.Path, run_module: t.Any) -> None:
    path = write_trail(tmp_path)
    result = run_module(descope_audit_info, {"path": str(tmp_path), "project": ["P1"], "changed_only": True, "verify": True, "_ansible_check_mode": True})
    assert result["changed"] is False and [e["target_id"] for e in result["entries"]] == ["a", "c"] and result["count"] == 2
    assert result["verified"] is True and result["lines_checked"] == 4 and result["files"] == [path] and result["first_broken_line"] is None


def test_main_reports_the_first_broken_line(tmp_path: pathlib.Path, run_module: t.Any) -> None:
    path = pathlib.Path(write_trail(tmp_path))
    lines = path.read_text().splitlines()
    lines[2] = lines[2].replace('"update"', '"delete"')
    path.write_text("\n".join(lines) + "\n")
    result = run_module(descope_audit_info, {"path": str(path), "verify": True})
    assert result["verified"] is False and result["first_broken_line"] == 3 and result["broken_file"] == str(path) and "edited" in result["reason"]
    assert result["count"] == 4  # reading still returns what is there


def test_main_bad_timestamp_fails_clearly(tmp_path: pathlib.Path, run_module: t.Any) -> None:
    result = run_module(descope_audit_info, {"path": str(tmp_path), "since": "last tuesday"})
    assert result["failed"] and "since" in result["msg"] and "ISO 8601" in result["msg"]


@pytest.mark.parametrize(
    "filters, expected",
    [
        ({"operation": ["update"]}, ["c", "d"]),
        ({"outcome": ["failed"]}, ["d"]),
        ({"target_id": ["b", "d"]}, ["b", "d"]),
        ({"run_id": ["r1"]}, ["b", "d"]),
        ({"since": "2025-01-02T11:00:00Z", "until": "2025-01-02T12:00:00Z"}, ["b", "c"]),
        ({"outcome": ["check"]}, ["c"]),
    ],
)
def test_info_filters(tmp_path: pathlib.Path, filters: dict[str, t.Any], expected: list[str]) -> None:
    write_trail(tmp_path)
    result = _audit.info(dict({"path": str(tmp_path)}, **filters), {})
    assert [e["target_id"] for e in result["entries"]] == expected and "verified" not in result


def test_info_default_path_follows_the_callback(tmp_path: pathlib.Path) -> None:
    write_trail(tmp_path)
    result = _audit.info({}, {"DESCOPE_AUDIT_DIR": str(tmp_path)})
    assert result["path"] == str(tmp_path) and result["count"] == 4


def test_info_missing_path_is_empty_and_not_verified(tmp_path: pathlib.Path) -> None:
    result = _audit.info({"path": str(tmp_path / "none"), "verify": True}, {})
    assert result["entries"] == [] and result["files"] == [] and result["verified"] is False and "no audit trail" in result["reason"]


def test_info_since_after_until_is_refused(tmp_path: pathlib.Path) -> None:
    with pytest.raises(_audit.AuditInfoError, match="swap"):
        _audit.info({"path": str(tmp_path), "since": "2025-01-03", "until": "2025-01-02"}, {})


def test_info_unreadable_file_fails_clearly(tmp_path: pathlib.Path) -> None:
    (tmp_path / "2025-01-02.jsonl").mkdir()  # a directory where a file is expected
    with pytest.raises(_audit.AuditInfoError, match="Cannot read the audit trail"):
        _audit.info({"path": str(tmp_path)}, {})


def test_a_failed_verification_says_what_and_where_in_msg(tmp_path: pathlib.Path, run_module: t.Any) -> None:
    """failed_when: not result.verified shows msg; without one Ansible prints "Unknown error"."""
    path = pathlib.Path(write_trail(tmp_path))
    lines = path.read_text().splitlines()
    lines[2] = lines[2].replace('"update"', '"delete"')
    path.write_text("\n".join(lines) + "\n")
    result = run_module(descope_audit_info, {"path": str(path), "verify": True})
    assert result["msg"].startswith(f"Audit trail verification failed at {path}:3: content does not match its seal"), result["msg"]
    assert "Next steps: 1) do not trust the entries of that file from that line on" in result["msg"]


def test_a_verified_trail_without_a_key_says_it_is_not_provable(tmp_path: pathlib.Path) -> None:
    write_trail(tmp_path)
    result = _audit.info({"path": str(tmp_path), "verify": True}, {})
    assert result["verified"] is True and result["forgery_detectable"] is False
    assert result["msg"].startswith("Audit trail intact but not provable: 4 line(s) in 1 file(s)") and "DESCOPE_AUDIT_KEY" in result["msg"]


def test_a_verified_keyed_trail_says_so(tmp_path: pathlib.Path) -> None:
    key = "an-audit-key-of-32-characters-00"
    path = str(tmp_path / "2025-01-02.jsonl")
    block = {
        "module": "descope_tenant",
        "project_id": "P1",
        "check_mode": False,
        "operations": [{"operation": "create", "target_type": "tenant", "target_id": "a", "changed": True, "outcome": "ok", "error": None}],
    }
    _audit.append(path, _audit.build_records(META, block, failed=False), key=key)
    result = _audit.info({"path": str(tmp_path), "verify": True}, {"DESCOPE_AUDIT_KEY": key})
    assert result["verified"] is True and result["msg"].startswith("Audit trail verified: 1 line(s) in 1 file(s)"), result


def test_no_trail_to_verify_names_the_path_in_msg(tmp_path: pathlib.Path) -> None:
    result = _audit.info({"path": str(tmp_path / "none"), "verify": True}, {})
    assert result["msg"].startswith(f"Audit trail verification failed: no audit trail at {tmp_path / 'none'}") and "callbacks_enabled" in result["msg"]


def test_reading_without_verify_reports_what_was_read(tmp_path: pathlib.Path) -> None:
    write_trail(tmp_path)
    assert _audit.info({"path": str(tmp_path), "outcome": ["failed"]}, {})["msg"] == f"Read 1 audit entry from 1 file(s) under {tmp_path}."
