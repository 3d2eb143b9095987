# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Signed backups, through real ansible-playbook -vvvv runs (issue 12, docs/backups-and-restore.md).

The sha256 in the manifest catches accidents; an attacker who edits a file recomputes it. With a signing key the
manifest is HMAC-SHA256-signed: an edited backup is refused (check mode included) and a forged newer directory is
never taken as ``latest``.
"""

from __future__ import annotations

import hashlib
import json
import pathlib
import shutil
import typing as t

BACKUP = "descope.mgmt.descope_backup"
KEY = "signing-key-for-tests-0123456789abcdef"


def _seed(emulator: t.Any) -> None:
    emulator.seed(tenants=[{"id": "acme", "name": "Acme"}, {"id": "globex", "name": "Globex"}, {"id": "initech", "name": "Initech"}])
    emulator.clear_log()


def _backup_root(playbook: t.Any, emulator: t.Any) -> pathlib.Path:
    return pathlib.Path(playbook.workdir) / "backups" / emulator.project_id


def _forge(directory: pathlib.Path, tenants: list[dict[str, t.Any]], **manifest_changes: t.Any) -> None:
    """What an attacker with write access does: edit tenants.json and recompute its sha256 in the manifest."""
    data = json.dumps({"tenants": tenants}).encode()
    (directory / "tenants.json").write_bytes(data)
    manifest = json.loads((directory / "manifest.json").read_text())
    manifest["files"]["tenants.json"] = hashlib.sha256(data).hexdigest()
    manifest.update(manifest_changes)
    (directory / "manifest.json").write_text(json.dumps(manifest))


def _everything(run: t.Any, playbook: t.Any) -> str:
    files = [p for p in pathlib.Path(playbook.workdir).rglob("*") if p.is_file() and p.suffix in (".json", ".jsonl", "")]
    return run.stdout + run.stderr + json.dumps(run.tasks) + "".join(p.read_text(encoding="utf-8", errors="replace") for p in files)


def test_an_edited_backup_with_recomputed_sha256_is_refused_with_a_key(playbook: t.Any, emulator: t.Any) -> None:
    _seed(emulator)
    first = playbook.run([{"name": "backup", BACKUP: {"backup_dir": "backups", "signing_key": KEY}}], args=["-vvvv"])
    assert first.rc == 0 and first.task("backup")["backup"]["signed"] is True
    (name,) = [p.name for p in _backup_root(playbook, emulator).iterdir()]
    directory = _backup_root(playbook, emulator) / name
    assert json.loads((directory / "manifest.json").read_text())["signature"]["algorithm"] == "hmac-sha256"
    _forge(directory, [{"id": "acme", "name": "Acme"}, {"id": "intruder", "name": "Intruder"}])
    emulator.clear_log()
    restore = {BACKUP: {"backup_dir": "backups", "state": "restored", "backup": name, "prune": True, "include": ["tenants"]}, "ignore_errors": True}
    run = playbook.run(
        [{"name": "check", **restore}, {"name": "real", **restore}],
        check=False,
        env={"DESCOPE_BACKUP_SIGNING_KEY": KEY},
        args=["-vvvv"],
        callbacks=["descope.mgmt.descope_audit"],
    )
    checked = playbook.run([{"name": "check", **restore}], check=True, env={"DESCOPE_BACKUP_SIGNING_KEY": KEY})
    for result in (run.task("check"), run.task("real"), checked.task("check")):
        assert result["failed"] is True and "does not verify with the configured signing key" in result["msg"], result["msg"]
    assert emulator.writes() == [] and sorted(x["id"] for x in emulator.state()["tenants"]) == ["acme", "globex", "initech"]
    assert KEY not in _everything(run, playbook) and KEY not in _everything(first, playbook)
    # the same edit without a key passes the sha256 check ("accidents only", and restore says so); here only the
    # delete guard stops it (2 of 3 tenants), a forgery that deletes less would be restored
    plain = playbook.run([{"name": "check", **restore}], check=True)
    assert "accidental damage only" in plain.stdout + json.dumps(plain.tasks)
    assert "does not verify" not in plain.task("check")["msg"] and "would delete 2 of 3 existing tenant(s)" in plain.task("check")["msg"]
    assert emulator.writes() == []


def test_a_forged_newer_directory_is_not_taken_as_latest(playbook: t.Any, emulator: t.Any) -> None:
    _seed(emulator)
    env = {"DESCOPE_BACKUP_SIGNING_KEY": KEY}
    assert playbook.run([{"name": "backup", BACKUP: {"backup_dir": "backups"}}], env=env).rc == 0
    root = _backup_root(playbook, emulator)
    (real,) = [p.name for p in root.iterdir()]
    forged = root / "29991231T235959Z"
    shutil.copytree(root / real, forged)
    _forge(forged, [{"id": "evil", "name": "Evil"}], name=forged.name, created="2999-12-31T23:59:59Z")
    unsigned = root / "29991231T235958Z"
    shutil.copytree(forged, unsigned)
    manifest = json.loads((unsigned / "manifest.json").read_text())
    manifest.pop("signature")
    (unsigned / "manifest.json").write_text(json.dumps(manifest))
    emulator.clear_log()
    latest = {BACKUP: {"backup_dir": "backups", "state": "restored", "backup": "latest", "prune": True, "max_delete_ratio": 1, "include": ["tenants"]}}
    check = playbook.run([{"name": "restore", **latest}], check=True, env=env)
    result = check.task("restore")
    assert result.get("failed") is not True and result["backup"]["name"] == real, result.get("msg")
    assert not [x for x in result["tenants"] if x["action"] in ("created", "deleted")]
    assert emulator.writes() == []
    # without the key, the forged directory's checksums match: latest would be the forgery (documented limit)
    blind = playbook.run([{"name": "restore", **latest}], check=True)
    assert blind.task("restore")["backup"]["name"] == forged.name
    assert emulator.writes() == []
