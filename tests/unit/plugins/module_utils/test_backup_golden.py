# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The backup format pinned by golden files: tests/unit/plugins/module_utils/golden/backup_v2 (the format
written now) and golden/backup_v1 (the previous format, kept as a read test: it must stay readable).

The golden files were written ONCE from ``content()`` (this file run with ``--write`` and the collection
importable); the tests never regenerate them and compare bytes, checksums and the content hash with them.
A change of the backup format shows up as a diff of those files, which then needs a manifest
format_version bump and new golden files on purpose.

Format 2 (issue 15, interop with the Descope CLI): flows/<id>.json and theme.json hold the bare objects
descopecli writes and reads (flow/crud.go, theme/crud.go); snapshot images are stored decoded
(descopecli snapshot/export.go), manifest kind "binary".
"""

from __future__ import annotations

import datetime
import hashlib
import json
import pathlib
import shutil
import sys
import typing as t

FIXTURES = pathlib.Path(__file__).resolve().parents[3] / "fixtures" / "flows"
GOLDEN = pathlib.Path(__file__).resolve().parent / "golden" / "backup_v2"
GOLDEN_V1 = pathlib.Path(__file__).resolve().parent / "golden" / "backup_v1"
# an 8-byte PNG signature plus a few bytes: the snapshot sends it base64, the CLI (and format 2) store the bytes
PNG = bytes([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 0x49, 0x48, 0x44, 0x52])
PNG_B64 = "iVBORw0KGgoAAAANSUhEUg=="
CONTENT_SHA256 = "8fdbc8279d03378c0705ee39b614ae4d56d945cc5fd0a08f32a3c5142755703a"
PROJECT_ID = "P2GoldenProject0000000000000001"
NAME = "20260102T030405Z"
CREATED = datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)  # noqa: UP017


def content() -> dict[str, t.Any]:
    flow = json.loads((FIXTURES / "v2" / "sign-up-or-in.json").read_text(encoding="utf-8"))["flow"]
    flow = {**flow, "flowId": "sign-up-or-in", "metadata": {**flow.get("metadata", {}), "version": 7, "etag": "e1", "modifiedTime": 1}}
    theme = json.loads((FIXTURES / "theme.json").read_text(encoding="utf-8"))["theme"]
    return {
        "tenants": [
            {"id": "acme", "name": "Acme", "self_provisioning_domains": ["acme.com"], "custom_attributes": {"tier": "gold"}},
            {"id": "globex", "name": "Globex", "disabled": True},
            {"id": "acme-eu", "name": "Acme EU", "parent_tenant_id": "acme", "default_roles": ["viewer"]},
        ],
        "flows": {"sign-up-or-in": flow},
        "theme": theme,
        "snapshot_files": {"project.json": {"name": "Golden", "version": 3}, "notes/readme.txt": "plain text\n", "assets/logo.png": PNG_B64},
    }


def render(backup: t.Any) -> tuple[dict[str, bytes], dict[str, t.Any]]:
    """The backup's files and manifest, from the production code (``backup`` is the _backup package)."""
    cap = backup.Capture(include=list(backup.SECTIONS), snapshot_status="ok", **content())
    files, kinds = backup.render_files(cap)
    manifest = backup.build_manifest(cap, PROJECT_ID, CREATED, NAME, files, kinds)
    return files, manifest


from ansible_collections.descope.mgmt.plugins.module_utils import _backup, _flow  # noqa: E402


def golden_files(root: pathlib.Path = GOLDEN) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file() and p.name != "manifest.json"}


def test_backup_files_are_byte_for_byte_the_golden_ones() -> None:
    files, _manifest = render(_backup)
    assert files == golden_files()


def test_manifest_matches_the_golden_manifest() -> None:
    _files, manifest = render(_backup)
    golden = json.loads((GOLDEN / "manifest.json").read_text(encoding="utf-8"))
    # the collection version moves with releases (a unit test keeps it equal to galaxy.yml); the format does not
    assert golden.pop("collection_version") == "0.1.0"
    manifest.pop("collection_version")
    assert manifest == golden


def test_content_hash_is_pinned() -> None:
    """content_sha256 decides whether a new backup is written: a changed normalisation would rewrite every backup."""
    cap = _backup.Capture(include=list(_backup.SECTIONS), snapshot_status="ok", **content())
    assert cap.content_sha256() == CONTENT_SHA256


def test_golden_checksums_are_plain_sha256_of_the_bytes() -> None:
    golden = json.loads((GOLDEN / "manifest.json").read_text(encoding="utf-8"))
    assert golden["files"] == {rel: hashlib.sha256(data).hexdigest() for rel, data in golden_files().items()}


def test_the_golden_backup_verifies(tmp_path: pathlib.Path) -> None:
    """A backup written by this format version stays readable: verify_contents accepts it and returns its bytes."""
    target = tmp_path / PROJECT_ID / NAME
    shutil.copytree(GOLDEN, target)
    manifest, contents = _backup.verify_contents(str(target), PROJECT_ID)
    assert manifest["content_sha256"] == CONTENT_SHA256
    assert contents == golden_files()


def test_format_2_files_are_what_the_cli_writes() -> None:
    """Pinned by hand, not by the code: bare flow and theme objects, the image as its decoded bytes."""
    files = golden_files()
    flow = json.loads(files["flows/sign-up-or-in.json"])
    assert "flow" not in flow and flow["flowId"] == "sign-up-or-in" and "metadata" in flow
    theme = json.loads(files["theme.json"])
    assert "theme" not in theme and "styles" in theme
    assert files["snapshot/assets/logo.png"] == PNG
    manifest = json.loads((GOLDEN / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["format_version"] == 2 and manifest["snapshot"]["files"]["assets/logo.png"] == "binary"


def test_the_golden_v1_backup_still_verifies_and_reads(tmp_path: pathlib.Path) -> None:
    """The previous format stays readable: wrapped flow/theme files and base64 text snapshot values."""
    target = tmp_path / PROJECT_ID / NAME
    shutil.copytree(GOLDEN_V1, target)
    manifest, contents = _backup.verify_contents(str(target), PROJECT_ID)
    assert manifest["format_version"] == 1 and manifest["content_sha256"] == "832d86cc370fe53c8edfd3a24b0e324dc5d2da9a739064c6718908b2a2779c83"
    assert contents == golden_files(GOLDEN_V1)
    from ansible_collections.descope.mgmt.plugins.module_utils._backup import _load

    files, problems = _load.snapshot_files(contents, manifest)
    assert problems == [] and files == {"project.json": {"name": "Golden", "version": 3}, "notes/readme.txt": "plain text\n"}
    ((name, _shown, data, read_problems),) = _load.flow_files(str(target), contents)
    doc, flow_problems = _flow.parse_flow(data, name, "sign-up-or-in")
    assert read_problems == [] and flow_problems == [] and doc is not None and doc.flow["metadata"]["name"] == "Sign Up or In"
    theme, theme_problems = _flow.parse_theme(json.loads(contents["theme.json"]), "theme.json")
    assert theme_problems == [] and theme is not None and theme["styles"]


def test_the_golden_v2_snapshot_reads_back_as_the_api_values(tmp_path: pathlib.Path) -> None:
    target = tmp_path / PROJECT_ID / NAME
    shutil.copytree(GOLDEN, target)
    manifest, contents = _backup.verify_contents(str(target), PROJECT_ID)
    from ansible_collections.descope.mgmt.plugins.module_utils._backup import _load

    files, problems = _load.snapshot_files(contents, manifest)
    assert problems == [] and files == content()["snapshot_files"]


if __name__ == "__main__" and "--write" in sys.argv:  # pragma: no cover - run once by hand
    out_files, out_manifest = render(_backup)
    for rel, data in out_files.items():
        target = GOLDEN / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    (GOLDEN / "manifest.json").write_text(json.dumps(out_manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
