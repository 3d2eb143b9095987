# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The stored audit formats pinned by golden files written once (golden/descope_audit_block.json, golden/audit_lines_v1.jsonl).

1. ``descope_audit``, the module-to-callback contract, as the shared pipeline builds it for a fixed task
   (check mode, so durations are 0 and nothing is written);
2. the JSONL lines the audit trail stores for that block (format ``v: 1``, hash chain from GENESIS).

Run this file with ``--write`` (collection importable, emulator settings in the environment) only to
create new golden files on purpose, together with a format version bump.
"""

from __future__ import annotations

import datetime
import hashlib
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


def lines_for(block: dict[str, t.Any]) -> list[str]:
    records = _audit.build_records({**META, "module": block["module"]}, block, failed=False, now=NOW)
    return [_audit.serialise(r) for r in _audit.chain(records, _audit.GENESIS)]


def test_descope_audit_block_matches_the_golden_block(emulator: t.Any) -> None:
    golden = json.loads((GOLDEN / "descope_audit_block.json").read_text(encoding="utf-8"))
    assert block_for(emulator) == golden


def test_audit_lines_match_the_golden_lines() -> None:
    block = json.loads((GOLDEN / "descope_audit_block.json").read_text(encoding="utf-8"))
    golden = (GOLDEN / "audit_lines_v1.jsonl").read_text(encoding="utf-8").splitlines()
    assert lines_for(block) == golden


def test_golden_lines_form_a_plain_sha256_chain() -> None:
    """Checked with hashlib and json only: the chain rule itself, independent of the code under test."""
    prev = "0" * 64
    for text in (GOLDEN / "audit_lines_v1.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(text)
        body = {k: v for k, v in record.items() if k != "hash"}
        assert record["prev"] == prev and record["v"] == 1
        assert record["hash"] == hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")).hexdigest()
        prev = record["hash"]


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
    (GOLDEN / "audit_lines_v1.jsonl").write_text("\n".join(lines_for(written)) + "\n", encoding="utf-8")
