# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Hostile local paths: traversal, symlinks pointing outside, files where directories belong, no permission.

Every case runs next to an ``outside`` directory with a sentinel file and checks afterwards that
nothing outside what the task was given was created, changed or removed. The tests run as root in
CI, where permission bits do not stop anything: those cases skip there (with the reason) and the
"a file where a directory is expected" cases cover the same failure paths.
"""

from __future__ import annotations

import copy
import json
import os
import pathlib
import typing as t

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
FLOW = json.loads((REPO / "tests" / "fixtures" / "flows" / "v2" / "sign-up-or-in.json").read_text(encoding="utf-8"))
FAST = {"retries": 1, "retry_max_wait": 1, "timeout": 5}
ROOT = os.geteuid() == 0


def snapshot(root: pathlib.Path) -> dict[str, t.Any]:
    """Every entry under root with its type, mode, size and content: what 'untouched' is compared with."""
    out: dict[str, t.Any] = {}
    for path in sorted(root.rglob("*")):
        st = path.lstat()
        content = path.read_bytes() if path.is_file() and not path.is_symlink() else (os.readlink(path) if path.is_symlink() else None)
        out[str(path.relative_to(root))] = (st.st_mode, st.st_size, st.st_mtime_ns, content)
    return out


@pytest.fixture
def outside(tmp_path: pathlib.Path) -> t.Iterator[pathlib.Path]:
    """A directory the task was never given; it must look exactly the same afterwards."""
    root = tmp_path / "outside"
    root.mkdir()
    (root / "sentinel.json").write_text('{"keep": true}\n', encoding="utf-8")
    (root / "sign-in.json").write_text('{"not": "a flow export"}\n', encoding="utf-8")
    before = snapshot(root)
    yield root
    assert snapshot(root) == before, "something outside the paths given to the task changed"


def flow_doc(flow_id: str) -> dict[str, t.Any]:
    doc = copy.deepcopy(FLOW)
    doc["flow"]["flowId"] = flow_id
    return doc


def serve_hostile_flow(emulator: t.Any, flow_id: str) -> None:
    """A compromised or buggy API (or a proxy) answering the flow list and export with a traversal id."""
    listing = {"flows": [{"id": flow_id, "name": "Hostile"}, {"id": "sign-in", "name": "Sign In"}], "total": 2}
    export = {"flow": dict(flow_doc(flow_id)["flow"])}
    emulator.faults(
        {"path": "/v1/mgmt/flow/list", "kind": "status", "status": 200, "body": json.dumps(listing), "count": None},
        {"path": "/v2/mgmt/flow/export", "kind": "status", "status": 200, "body": json.dumps(export), "count": None},
    )


def assert_clean_failure(out: t.Any, kind: str, *phrases: str) -> None:
    assert out.failed, out.result
    assert out.result["error"]["kind"] == kind, out.result["error"]
    text = out.result["msg"] + " " + json.dumps(out.result.get("validation_errors") or [])
    for phrase in phrases:
        assert phrase in text, text
    assert "Traceback" not in out.printed and out.writes == []


# ------------------------------------------------------------------------------------ traversal


def test_flow_info_never_writes_outside_dest_for_hostile_flow_ids(engine: t.Any, emulator: t.Any, tmp_path: pathlib.Path, outside: pathlib.Path) -> None:
    """The server's flow ids become file names: ids such as '../outside/sentinel' must not escape dest."""
    serve_hostile_flow(emulator, "../outside/sentinel")
    dest = tmp_path / "export"
    out = engine.run("descope_flow_info", {**FAST, "dest": str(dest)})
    assert_clean_failure(out, "validation", "cannot be used as a file name", "../outside/sentinel")
    assert not dest.exists() or not list(dest.iterdir()), "nothing is written when one id is unsafe"
    # without dest nothing is written, so the listing itself is still returned
    listed = engine.run("descope_flow_info", FAST)
    assert not listed.failed and "../outside/sentinel" in [f["id"] for f in listed.result["flows"]]


def test_backup_never_writes_outside_backup_dir_for_hostile_flow_ids(engine: t.Any, emulator: t.Any, tmp_path: pathlib.Path, outside: pathlib.Path) -> None:
    serve_hostile_flow(emulator, "../../../outside/sentinel")
    out = engine.run("descope_backup", {**FAST, "backup_dir": str(tmp_path / "backups"), "include": ["flows"]})
    assert_clean_failure(out, "validation", "cannot be used as a file name")
    assert not list((tmp_path / "backups").rglob("*.json")) if (tmp_path / "backups").exists() else True


@pytest.mark.parametrize("ref", ["../../outside", "../outside/sentinel.json", "/etc"])
def test_restore_refuses_a_backup_reference_that_is_not_a_backup(engine: t.Any, tmp_path: pathlib.Path, outside: pathlib.Path, ref: str) -> None:
    backups = tmp_path / "backups"
    taken = engine.run("descope_backup", {**FAST, "backup_dir": str(backups), "include": ["tenants"]})
    assert not taken.failed, taken.result.get("msg")
    out = engine.run("descope_backup", {**FAST, "backup_dir": str(backups), "state": "restored", "backup": ref})
    assert out.failed and out.result["error"]["kind"] in ("file", "validation"), out.result
    assert out.writes == [] and "Traceback" not in out.printed


def test_restore_refuses_a_manifest_that_points_outside_the_backup(engine: t.Any, tmp_path: pathlib.Path, outside: pathlib.Path) -> None:
    backups = tmp_path / "backups"
    taken = engine.run("descope_backup", {**FAST, "backup_dir": str(backups), "include": ["tenants", "snapshot"]})
    path = pathlib.Path(taken.result["backup"]["path"])
    manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    files = manifest["files"]
    key = next(iter(files)) if isinstance(files, dict) else None
    if isinstance(files, dict):
        files["../../outside/sentinel.json"] = files.pop(key)
    else:
        files[0]["path"] = "../../outside/sentinel.json"
    os.chmod(path / "manifest.json", 0o600)
    (path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    out = engine.run("descope_backup", {**FAST, "backup_dir": str(backups), "state": "restored", "backup": "latest"})
    assert out.failed and out.writes == [], out.result.get("msg")
    assert out.result["error"]["kind"] in ("file", "validation")


# ------------------------------------------------------------------------------------ symlinks


def test_flow_info_replaces_a_symlink_in_dest_instead_of_writing_through_it(engine: t.Any, tmp_path: pathlib.Path, outside: pathlib.Path) -> None:
    dest = tmp_path / "export"
    dest.mkdir()
    (dest / "sign-in.json").symlink_to(outside / "sign-in.json")
    out = engine.run("descope_flow_info", {**FAST, "dest": str(dest)})
    assert not out.failed, out.result.get("msg")
    assert not (dest / "sign-in.json").is_symlink() and json.loads((dest / "sign-in.json").read_text(encoding="utf-8"))["flowId"] == "sign-in"


def test_src_dir_symlink_to_an_outside_file_is_read_not_echoed(engine: t.Any, tmp_path: pathlib.Path, outside: pathlib.Path) -> None:
    """A flow file that links to a secret-looking file: validation names the file, never prints its content."""
    secret = outside / "credentials.txt"
    secret.write_text("password=hunter2-do-not-print\n", encoding="utf-8")
    src = tmp_path / "flows"
    src.mkdir()
    (src / "leak.json").symlink_to(secret)
    out = engine.run("descope_flow", {**FAST, "src_dir": str(src)})
    assert_clean_failure(out, "validation", "leak.json", "invalid JSON")
    assert "hunter2" not in json.dumps(out.result) and "hunter2" not in out.printed
    secret.unlink()  # the fixture compares with what existed before this test added it


def test_backup_dir_project_symlink_outside_is_followed_only_as_given(engine: t.Any, emulator: t.Any, tmp_path: pathlib.Path, outside: pathlib.Path) -> None:
    """backup_dir itself may be a symlink (a mount point); a backup goes into it and nowhere else."""
    target = tmp_path / "mounted"
    target.mkdir()
    link = tmp_path / "backups"
    link.symlink_to(target, target_is_directory=True)
    out = engine.run("descope_backup", {**FAST, "backup_dir": str(link), "include": ["tenants"]})
    assert not out.failed, out.result.get("msg")
    assert list(target.glob(f"{emulator.project_id}/*/manifest.json"))


# ------------------------------------------------------------------------------------ files where directories belong


@pytest.mark.parametrize(
    ("module", "params", "kind", "phrase"),
    [
        ("descope_backup", {"backup_dir": "{file}"}, "file", "not a directory"),
        ("descope_backup", {"backup_dir": "{file}/sub"}, "file", "backup"),
        ("descope_backup", {"backup_dir": "{file}", "state": "restored", "backup": "latest"}, "file", "not a directory"),
        ("descope_flow", {"src_dir": "{file}"}, "validation", "is not a directory"),
        ("descope_flow", {"src_dir": "{file}/sub"}, "validation", "is not a directory"),
        ("descope_flow", {"src": "{file}/sub.json"}, "validation", "sub.json"),
        ("descope_flow_info", {"dest": "{file}"}, "validation", "not a directory"),
        ("descope_flow_info", {"dest": "{file}/sub"}, "file", "cannot create the directory"),
    ],
    ids=[
        "backup-dir-is-file",
        "backup-dir-under-file",
        "restore-dir-is-file",
        "src-dir-is-file",
        "src-dir-under-file",
        "src-under-file",
        "dest-is-file",
        "dest-under-file",
    ],
)
def test_a_file_where_a_directory_is_expected_fails_clearly(
    engine: t.Any, tmp_path: pathlib.Path, outside: pathlib.Path, module: str, params: dict[str, t.Any], kind: str, phrase: str
) -> None:
    blocker = outside / "sentinel.json"
    resolved = {k: v.format(file=blocker) if isinstance(v, str) else v for k, v in params.items()}
    out = engine.run(module, {**FAST, **resolved})
    assert_clean_failure(out, kind, phrase)


def test_audit_dir_that_is_a_file_warns_once_and_the_run_continues(engine: t.Any, outside: pathlib.Path) -> None:
    engine.callback.dir = str(outside / "sentinel.json")
    out = engine.run("descope_tenant", {**FAST, "id": "audited", "name": "Audited"})
    assert not out.failed and out.result["changed"]
    assert "cannot write the Descope audit trail" in out.printed or "audit" in out.printed, out.printed
    assert engine.callback.write_failed


def test_required_audit_dir_that_is_a_file_blocks_changes(engine: t.Any, outside: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ansible_collections.descope.mgmt.plugins.callback import descope_audit

    # setenv first so that monkeypatch restores "unset" afterwards: the callback sets the variable in this
    # process, and left there it blocks every later ansible-playbook run this pytest worker starts
    monkeypatch.setenv(descope_audit.BLOCK_ENV, "")
    monkeypatch.delenv(descope_audit.BLOCK_ENV)
    engine.callback.dir = str(outside / "sentinel.json" / "audit")
    engine.callback.required = True
    with pytest.raises(Exception, match="audit"):
        engine.run("descope_tenant", {**FAST, "id": "blocked", "name": "Blocked"})
    assert os.environ.get(descope_audit.BLOCK_ENV)


# ------------------------------------------------------------------------------------ permissions


@pytest.mark.skipif(ROOT, reason="running as root: permission bits do not stop root (the file-instead-of-directory cases cover these paths)")
@pytest.mark.parametrize(("module", "key"), [("descope_backup", "backup_dir"), ("descope_flow_info", "dest")])
def test_unwritable_directory_fails_clearly(engine: t.Any, tmp_path: pathlib.Path, module: str, key: str) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    try:
        out = engine.run(module, {**FAST, key: str(locked / "inner")})
        assert out.failed and out.result["error"]["kind"] == "file" and "ermission" in out.result["msg"]
    finally:
        locked.chmod(0o700)


@pytest.mark.skipif(ROOT, reason="running as root: permission bits do not stop root")
def test_unreadable_flow_file_is_a_validation_error(engine: t.Any, tmp_path: pathlib.Path) -> None:
    src = tmp_path / "flows"
    src.mkdir()
    (src / "hidden.json").write_text(json.dumps(flow_doc("hidden")), encoding="utf-8")
    (src / "hidden.json").chmod(0)
    out = engine.run("descope_flow", {**FAST, "src_dir": str(src)})
    assert_clean_failure(out, "validation", "hidden.json", "cannot read")
