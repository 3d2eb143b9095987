# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The audit documentation executed as written: the stand-alone verification recipe, the ini snippets, the EE."""

from __future__ import annotations

import configparser
import json
import pathlib
import re
import subprocess
import sys

import pytest
import yaml

from ansible_collections.descope.mgmt.plugins.module_utils import _audit

REPO = pathlib.Path(__file__).resolve().parents[3]
AUDIT_DOC = REPO / "docs" / "audit-trail.md"
AWX_DOC = REPO / "docs" / "awx-aap.md"
KEY = "docs-recipe-key-0123456789abcdef"


def _blocks(doc: pathlib.Path, lang: str) -> list[str]:
    return re.findall(rf"^ *```{lang}\n(.*?)^ *```", doc.read_text(encoding="utf-8"), flags=re.MULTILINE | re.DOTALL)


@pytest.fixture
def recipe(tmp_path: pathlib.Path) -> pathlib.Path:
    (script,) = [b for b in _blocks(AUDIT_DOC, "python") if "verify_trail.py" in b]
    path = tmp_path / "verify_trail.py"
    path.write_text(script, encoding="utf-8")
    return path


def _trail(directory: pathlib.Path) -> pathlib.Path:
    path = directory / "2026-11-28.jsonl"
    for run in ("run-a", "run-b"):
        _audit.append(str(path), [{"v": 2, "run_id": run, "target_id": f"{run}-{n}", "after": {"name": "Ünïcode"}} for n in range(3)], key=KEY)
    whole = path.read_text(encoding="utf-8")
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(whole[:40])  # a writer killed mid-line: the start of a line as it emits them
    _audit.append(str(path), [{"v": 2, "run_id": "run-b", "target_id": "after-torn"}], key=KEY)
    return path


def _run(recipe: pathlib.Path, directory: pathlib.Path, key: str | None = KEY) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", **({"DESCOPE_AUDIT_KEY": key} if key else {})}
    return subprocess.run([sys.executable, str(recipe), str(directory)], env=env, capture_output=True, text=True, check=False, timeout=60)


def test_recipe_accepts_an_intact_trail_and_agrees_with_the_module(recipe: pathlib.Path, tmp_path: pathlib.Path) -> None:
    _trail(tmp_path)
    out = _run(recipe, tmp_path)
    assert out.returncode == 0 and out.stdout.strip().endswith("OK"), out.stdout + out.stderr
    assert _audit.verify(str(tmp_path), KEY).verified
    unkeyed = _run(recipe, tmp_path, key=None)
    assert unkeyed.returncode == 0 and "forgery is not detectable" in unkeyed.stdout


@pytest.mark.parametrize(
    ("attack", "line", "words"),
    [
        ("edit", 2, "edited or forged"),
        ("truncate", 8, "lines cut off"),
        ("forged_append", 9, "not sealed with the key"),
    ],
)
def test_recipe_detects_and_locates_tampering(recipe: pathlib.Path, tmp_path: pathlib.Path, attack: str, line: int, words: str) -> None:
    path = _trail(tmp_path)
    lines = path.read_text(encoding="utf-8").splitlines()
    if attack == "edit":
        lines[1] = lines[1].replace("run-a-1", "run-a-9")
    elif attack == "truncate":
        lines = lines[:-1]
    else:
        last = json.loads(lines[-1])
        forged = {**last, "target_id": "evil", "prev": last["hash"], "alg": "sha256", "key_id": None}
        forged["hash"] = __import__("hashlib").sha256(_audit.canonical(forged).encode()).hexdigest()
        lines.append(_audit.serialise(forged))
    path.write_text("".join(x + "\n" for x in lines), encoding="utf-8")
    out = _run(recipe, tmp_path)
    assert out.returncode == 1 and f"line {line}: {words}" in out.stdout, out.stdout
    assert any(p["line"] == line for p in _audit.verify(str(tmp_path), KEY).problems)


def test_recipe_refuses_an_empty_directory(recipe: pathlib.Path, tmp_path: pathlib.Path) -> None:
    out = _run(recipe, tmp_path)
    assert out.returncode == 1 and "no trail here" in out.stdout


@pytest.mark.parametrize("source", ["docs/audit-trail.md", "docs/awx-aap.md", "examples/ansible.cfg"])
def test_ini_snippets_parse_and_carry_no_inline_comments(source: str) -> None:
    path = REPO / source
    blocks = [path.read_text(encoding="utf-8")] if path.suffix == ".cfg" else _blocks(path, "ini")
    assert blocks
    for block in blocks:
        parser = configparser.ConfigParser(interpolation=None)  # how Ansible reads ansible.cfg: the rest of the line is the value
        parser.read_string(block)
        for section in parser.sections():
            for key, value in parser.items(section):
                assert "#" not in value and ";" not in value, f"{source} [{section}] {key} = {value!r}: Ansible would take the comment as part of the value"
    if source != "docs/awx-aap.md":
        assert any("callbacks_enabled = descope.mgmt.descope_audit" in b for b in blocks)


def test_execution_environment_enables_the_callback() -> None:
    ee = yaml.safe_load((REPO / "execution-environment.yml").read_text(encoding="utf-8"))
    assert "ENV ANSIBLE_CALLBACKS_ENABLED=descope.mgmt.descope_audit" in ee["additional_build_steps"]["append_final"]


def test_awx_doc_names_the_documented_settings() -> None:
    text = AWX_DOC.read_text(encoding="utf-8")
    for needle in (
        "AWX_ISOLATION_SHOW_PATHS",
        "DESCOPE_AUDIT_URL",
        "splunk_hec",
        "DESCOPE_AUDIT_KEY",
        "ANSIBLE_CALLBACKS_ENABLED",
        "AWX_MOUNT_ISOLATED_PATHS_ON_K8S",
    ):
        assert needle in text


def test_awx_doc_cites_where_the_container_group_setting_is_defined() -> None:
    # the setting was once cited from memory: its name, what it does and the source it was checked against
    text = " ".join(AWX_DOC.read_text(encoding="utf-8").split())
    assert "Expose host paths for Container Groups** (`AWX_MOUNT_ISOLATED_PATHS_ON_K8S`, a boolean, default false)" in text
    assert "`awx/main/conf.py`" in text and "`awx/main/tasks/receptor.py`" in text and "https://github.com/ansible/awx" in text


def test_awx_audit_credential_type_injects_what_the_callback_reads() -> None:
    source = (REPO / "plugins" / "callback" / "descope_audit.py").read_text(encoding="utf-8")
    options = yaml.safe_load(source.split('DOCUMENTATION = r"""', 1)[1].split('"""', 1)[0])["options"]
    env_names = {env["name"] for option in options.values() for env in option.get("env", [])}
    cred = yaml.safe_load((REPO / "awx" / "audit_credential_type.yml").read_text(encoding="utf-8"))
    injected = set(cred["injectors"]["env"])
    assert injected <= env_names and {"DESCOPE_AUDIT_URL", "DESCOPE_AUDIT_TOKEN", "DESCOPE_AUDIT_KEY"} <= injected
    secret = {field["id"] for field in cred["inputs"]["fields"] if field.get("secret")}
    assert secret == {"token", "key"}
    formats = next(f for f in cred["inputs"]["fields"] if f["id"] == "format")["choices"]
    assert formats == options["format"]["choices"]


@pytest.mark.parametrize(
    ("tail", "line"),
    [
        (b"forged text\n", 9),
        (b"\xff\xfe\x00garbage", 9),
        (b'{"after":null,"al\nmore text', 9),
    ],
)
def test_recipe_reports_text_appended_by_hand_like_the_module(recipe: pathlib.Path, tmp_path: pathlib.Path, tail: bytes, line: int) -> None:
    path = _trail(tmp_path)
    with open(path, "ab") as handle:
        handle.write(tail)
    out = _run(recipe, tmp_path)
    assert out.returncode == 1 and f"line {line}: text the writer never writes (tampering)" in out.stdout, out.stdout
    result = _audit.verify(str(tmp_path), KEY)
    assert result.first_broken_line == line and "tampering" in str(result.reason)
