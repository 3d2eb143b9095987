# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The stored audit formats pinned by golden files written once (golden/descope_audit_block.json, golden/audit_lines_v*.jsonl).

1. ``descope_audit``, the module-to-callback contract, as the shared pipeline builds it for a fixed task
   (check mode, so durations are 0 and nothing is written);
2. the JSONL lines the audit trail stores for that block: format 2, sealed with SHA-256 (no key) and with
   HMAC-SHA256 (key ``GOLDEN_KEY``), chained from GENESIS; format 1 lines (written before the keyed chain)
   must still verify.

Run this file with ``--write`` (collection importable, emulator settings in the environment) only to
create new golden files on purpose, together with a format version bump.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import pathlib
import sys
import typing as t

from harness import run_spec

from ansible_collections.descope.mgmt.plugins.module_utils import _audit

GOLDEN = pathlib.Path(__file__).resolve().parent / "golden"
NOW = datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)  # noqa: UP017
META = {"run_id": "run-1", "playbook": "site.yml", "play": "tenants", "task": "declare tenants", "task_uuid": "uuid-1", "host": "localhost"}
TASK = {
    "tenants": [
        {"id": "keep", "name": "Keep"},
        {"id": "rename", "name": "Renamed", "self_provisioning_domains": ["New.example.com"]},
        {"id": "new", "name": "New", "parent_tenant_id": "keep", "custom_attributes": {"tier": "gold"}},
        {"id": "gone", "state": "absent"},
    ]
}
SEED = [{"id": "keep", "name": "Keep"}, {"id": "rename", "name": "Old name"}, {"id": "gone", "name": "Gone"}]


def block_for(emulator: t.Any) -> dict[str, t.Any]:
    emulator.seed(tenants=SEED)
    result = run_spec("descope_tenant", TASK, check=True, environ=emulator.env)
    block = result["descope_audit"]
    block["project_id"] = "P2GoldenAudit"  # the emulator's project id is not part of the format
    return t.cast(dict[str, t.Any], block)


GOLDEN_KEY = "golden-audit-key-0123456789"


def lines_for(block: dict[str, t.Any], key: str | None = None) -> list[str]:
    records = _audit.build_records({**META, "module": block["module"]}, block, failed=False, now=NOW)
    return [_audit.serialise(r) for r in _audit.seal(records, _audit.GENESIS, key)]


def test_descope_audit_block_matches_the_golden_block(emulator: t.Any) -> None:
    golden = json.loads((GOLDEN / "descope_audit_block.json").read_text(encoding="utf-8"))
    assert block_for(emulator) == golden


def test_audit_lines_match_the_golden_lines() -> None:
    block = json.loads((GOLDEN / "descope_audit_block.json").read_text(encoding="utf-8"))
    assert lines_for(block) == (GOLDEN / "audit_lines_v2.jsonl").read_text(encoding="utf-8").splitlines()
    assert lines_for(block, GOLDEN_KEY) == (GOLDEN / "audit_lines_v2_keyed.jsonl").read_text(encoding="utf-8").splitlines()


def _body(record: dict[str, t.Any]) -> bytes:
    body = {k: v for k, v in record.items() if k not in ("hash", "sig")}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def test_golden_lines_form_a_plain_chain() -> None:
    """Checked with hashlib, hmac and json only: the chain rule itself, independent of the code under test."""
    for name, key, version in (("audit_lines_v1.jsonl", None, 1), ("audit_lines_v2.jsonl", None, 2), ("audit_lines_v2_keyed.jsonl", GOLDEN_KEY, 2)):
        prev = "0" * 64
        for text in (GOLDEN / name).read_text(encoding="utf-8").splitlines():
            record = json.loads(text)
            assert record["prev"] == prev and record["v"] == version, name
            if key:
                assert record["alg"] == "hmac-sha256"
                assert record["hash"] == hmac.new(key.encode(), _body(record), hashlib.sha256).hexdigest()
            else:
                assert record["hash"] == hashlib.sha256(_body(record)).hexdigest()
            prev = record["hash"]


def test_format_1_lines_still_verify(tmp_path: pathlib.Path) -> None:
    """A trail written before the keyed chain (format 1) is still read and verified as intact, unkeyed."""
    (tmp_path / "2026-01-02.jsonl").write_text((GOLDEN / "audit_lines_v1.jsonl").read_text(encoding="utf-8"), encoding="utf-8")
    result = _audit.verify(str(tmp_path))
    assert result.lines == len((GOLDEN / "audit_lines_v1.jsonl").read_text(encoding="utf-8").splitlines())
    assert result.problems == [] and result.torn_lines == []
    assert result.forgery_detectable is False


if __name__ == "__main__" and "--write" in sys.argv:  # pragma: no cover - run once by hand
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3]))
    from emulator.control_client import EmulatorControl
    from emulator.launcher import EmulatorProcess

    running = EmulatorProcess(timeout=20, strict=True)
    try:
        control = EmulatorControl(running.env)
        control.reset()
        written = block_for(control)
    finally:
        running.stop()
    (GOLDEN / "descope_audit_block.json").write_text(json.dumps(written, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    (GOLDEN / "audit_lines_v2.jsonl").write_text("\n".join(lines_for(written)) + "\n", encoding="utf-8")
    (GOLDEN / "audit_lines_v2_keyed.jsonl").write_text("\n".join(lines_for(written, GOLDEN_KEY)) + "\n", encoding="utf-8")
