# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every YAML, INI and shell example of the documentation, checked as a reader would use it (scripts/test stage examples).

One test per Markdown file: its fenced blocks are checked in order, in one sandbox, against one emulator seeded
with the demo projects (examples/demo/emulator-seed.json), and every failure is reported as ``file:line: problem``.

- ``yaml``: parsed. A block that starts with ``# <path>`` and names a file the sandbox does not have yet is written
  there (``site.yml`` of the getting-started guide), so the shell blocks after it can run it. A list of tasks is run
  in a play on localhost in check mode; a list of plays in check mode too.
- ``ini``: parsed; an inline ``#`` or ``;`` comment after a value fails (Ansible keeps it as part of the value).
- ``bash``: ``bash -n``; each ``ansible-playbook`` command whose playbook is a ``descope.mgmt.*`` playbook or a
  file the sandbox has is run as written (``cd`` lines followed) against the emulator, with ``-v`` added so the
  config file in effect is known: it must be one that enables the ``descope.mgmt.descope_audit`` callback, as every
  documented setup does. ``descope.mgmt.drift`` may fail only with its drift report. Other commands are not run.
- ``<!-- doc-test: parse-only REASON -->`` on the line before a block: parse it, do not run it.

The sandbox is a copy of examples/ at ``<root>/examples`` with the per-host ``vault.yml`` files the example
inventory asks for (unencrypted: the emulator's keys are no secrets). README.md and examples/README.md start in
``<root>`` (the repository root); docs/*.md and roles/*/README.md start in ``<root>/examples``, the layout the
guides call "your repository". HOME is the sandbox, so ``~/.descope-mgmt`` stays inside it. A doc whose examples read
the audit trail (``descope.mgmt.audit_report``, ``descope_audit_info``) gets one first: a check-mode run with the
callback on, sealed with a test ``DESCOPE_AUDIT_KEY`` that the doc's runs share.
"""

from __future__ import annotations

import configparser
import dataclasses
import os
import pathlib
import re
import shlex
import shutil
import subprocess
import sys
import typing as t

import pytest
import yaml

REPO = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests"))
from emulator.launcher import EmulatorProcess  # noqa: E402  # pylint: disable=wrong-import-position

DOCS = sorted(
    [REPO / "README.md", REPO / "examples" / "README.md", *(REPO / "docs").glob("*.md"), *(REPO / "roles").glob("*/README.md")],
)
ROOT_STARTED = {REPO / "README.md", REPO / "examples" / "README.md"}
PLAYBOOKS = {p.stem for p in (REPO / "playbooks").glob("*.yml")}
SEED = REPO / "examples" / "demo" / "emulator-seed.json"
VAULT = {"staging": "K2StagingExampleKeyNotASecret01", "production": "K2ProductionExampleKeyNotASecret"}
CHECKED_LANGS = {"yaml", "yml", "ini", "cfg", "bash", "sh", "shell", "console"}
# docs whose examples read the audit trail: the sandbox gets one first (a reader runs them after some real runs)
TRAIL_READERS = re.compile(r"descope\.mgmt\.(audit_report|descope_audit_info)\b")
AUDIT_KEY = "doc-examples-audit-key-not-a-secret"
PARSE_ONLY = re.compile(r"<!--\s*doc-test:\s*parse-only\b")
# absolute paths a reader picks for their machine (/srv/descope-backups): re-rooted into the sandbox before a run
MACHINE_PATH = re.compile(r"(?<![\w.~/-])/(srv|var|opt|mnt|data|backups|etc|home|tmp)(?=/)")


@dataclasses.dataclass
class Block:
    path: pathlib.Path
    line: int  # 1-based line of the opening fence
    lang: str
    text: str
    parse_only: bool

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(REPO)}:{self.line}"


def blocks(path: pathlib.Path) -> list[Block]:
    lines = path.read_text(encoding="utf-8").splitlines()
    found: list[Block] = []
    i = 0
    while i < len(lines):
        opening = re.match(r"^(\s*)(```+|~~~+)\s*([\w+-]*)", lines[i])
        if not opening:
            i += 1
            continue
        fence, lang = opening.group(2), opening.group(3).lower()
        end = i + 1
        while end < len(lines) and not lines[end].strip().startswith(fence):
            end += 1
        previous = next((lines[k] for k in range(i - 1, -1, -1) if lines[k].strip()), "")
        indent = len(opening.group(1))
        body = "\n".join(x[indent:] for x in lines[i + 1 : end])
        if lang in CHECKED_LANGS:
            found.append(Block(path, i + 1, lang, body + "\n", bool(PARSE_ONLY.search(previous))))
        i = end + 1
    return found


def test_machine_paths_are_rerooted_into_the_sandbox(tmp_path: pathlib.Path) -> None:
    sandbox = Sandbox.__new__(Sandbox)
    sandbox.root = tmp_path
    text = "ansible-playbook x -e descope_backup_dir=/srv/b -i ./srv/x\n  backup_dir: /var/lib/b\n~/srv/keep /srvx/keep"
    assert sandbox.rerooted(text) == (
        f"ansible-playbook x -e descope_backup_dir={tmp_path}/fs/srv/b -i ./srv/x\n  backup_dir: {tmp_path}/fs/var/lib/b\n~/srv/keep /srvx/keep"
    )


def test_broken_examples_are_reported_with_file_and_line() -> None:
    readme = REPO / "README.md"
    unquoted = Block(readme, 10, "yaml", "- name: ok\n  debug:\n\n- name: Adopt an existing project: export its flows\n  x: 1\n", False)
    problems, documents = yaml_problems(unquoted)
    assert problems == ["README.md:14: YAML does not parse: mapping values are not allowed here"] and documents == []
    inline = Block(readme, 20, "ini", "[descope_audit]\ndir = ~/.descope-mgmt/audit     # default\nrequired = false\n", False)
    assert [x.split(": Ansible", maxsplit=1)[0] for x in ini_problems(inline)] == ["README.md:22: [descope_audit] dir = '~/.descope-mgmt/audit     # default'"]
    assert ini_problems(Block(readme, 1, "ini", "no section\n", False))[0].startswith("README.md:1: INI does not parse")
    assert list(logical_lines("a \\\n  b  # c\n# only\n\ncd x\n")) == [(0, "a b"), (4, "cd x")]
    assert playbook_argument(["-i", "inventory", "-e", "x=1", "--check", "descope.mgmt.sync", "--limit", "a"]) == "descope.mgmt.sync"


def test_block_extraction_finds_fences_and_annotations(tmp_path: pathlib.Path) -> None:
    doc = tmp_path / "doc.md"
    doc.write_text("text\n\n<!-- doc-test: parse-only needs a real AWX -->\n```bash\necho hi\n```\n\n```\nplain\n```\n\n  ```yaml\n  a: 1\n  ```\n")
    found = blocks(doc)
    assert [(b.line, b.lang, b.text, b.parse_only) for b in found] == [(4, "bash", "echo hi\n", True), (12, "yaml", "a: 1\n", False)]


# ---------------------------------------------------------------- checks per language
def ini_problems(block: Block) -> list[str]:
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(block.text)
    except configparser.Error as exc:
        return [f"{block.where}: INI does not parse: {exc}"]
    problems = []
    lines = block.text.splitlines()
    for section in parser.sections():
        for key, value in parser.items(section, raw=True):
            if re.search(r"\s[#;]", value):
                offset = next((n for n, x in enumerate(lines) if re.match(rf"\s*{re.escape(key)}\s*[=:]", x)), -1)
                problems.append(
                    f"{block.path.relative_to(REPO)}:{block.line + 1 + offset}: [{section}] {key} = {value!r}: Ansible does not "
                    "strip inline comments, the value would include them; put the comment on its own line"
                )
    return problems


def yaml_problems(block: Block) -> tuple[list[str], list[t.Any]]:
    try:
        return [], list(yaml.safe_load_all(block.text))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = block.line + 1 + mark.line if mark is not None else block.line
        problem = getattr(exc, "problem", None) or str(exc)
        return [f"{block.path.relative_to(REPO)}:{line}: YAML does not parse: {problem}"], []


def logical_lines(text: str) -> t.Iterator[tuple[int, str]]:
    """(offset in the block, command) with backslash continuations joined and comments dropped."""
    pending, start = "", 0
    for n, raw in enumerate(text.splitlines()):
        if not pending:
            start = n
        if raw.rstrip().endswith("\\"):
            pending += raw.rstrip()[:-1] + " "
            continue
        line = pending + raw
        pending = ""
        words = shlex.split(line, comments=True)
        if words:
            yield start, shlex.join(words)


class Sandbox:
    def __init__(self, root: pathlib.Path, emulator: EmulatorProcess, doc: pathlib.Path) -> None:
        self.root = root
        self.emulator = emulator
        shutil.copytree(REPO / "examples", root / "examples", ignore=shutil.ignore_patterns("demo"))
        for host, key in VAULT.items():
            (root / "examples" / "inventory" / "host_vars" / host / "vault.yml").write_text(f"vault_descope_management_key: {key}\n")
        # relative paths in task snippets (flows/, tenants.yml) resolve next to the playbook
        self.start = root if doc in ROOT_STARTED else root / "examples"
        for name in ("flows", "tenants.yml"):
            target = self.start / name
            if not target.exists():
                source = REPO / "examples" / "project" / name
                (shutil.copytree if source.is_dir() else shutil.copy)(source, target)
        (root / "home").mkdir()
        self.runs = 0
        self.extra_env: dict[str, str] = {}
        if TRAIL_READERS.search(doc.read_text()):
            # sealed as docs/audit-trail.md tells readers to, so verify examples can demand forgery_detectable
            self.extra_env["DESCOPE_AUDIT_KEY"] = AUDIT_KEY
            self.record_trail()

    def record_trail(self) -> None:
        """One real run with the examples' ansible.cfg (callback on), so the trail a reader of the report has exists."""
        cwd = self.root / "examples"
        playbook = cwd / "doc-example-trail.yml"
        play = {
            "name": "leave an audit trail",
            "hosts": "localhost",
            "connection": "local",
            "gather_facts": False,
            # a planned change is recorded (reads are not); check mode leaves the shared emulator as seeded
            "tasks": [{"name": "Plan a tenant", "descope.mgmt.descope_tenant": {"id": "doc-trail", "name": "Doc trail"}}],
        }
        playbook.write_text(yaml.safe_dump([play], sort_keys=False))
        proc = self.run([str(pathlib.Path(sys.executable).parent / "ansible-playbook"), playbook.name, "--check"], cwd)
        trail = list((self.root / "home" / ".descope-mgmt" / "audit").glob("*.jsonl"))
        assert proc.returncode == 0 and trail, f"could not record an audit trail for the examples that read one:\n{tail(proc)}"
        playbook.unlink()

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("ANSIBLE_", "DESCOPE_"))}
        env.update(self.emulator.env)
        env.update(
            {
                "HOME": str(self.root / "home"),
                "ANSIBLE_COLLECTIONS_PATH": os.environ.get("DESCOPE_TEST_COLLECTIONS_PATH", str(self.collections())),
                "ANSIBLE_LOCAL_TEMP": str(self.root / "tmp"),
                "ANSIBLE_REMOTE_TMP": str(self.root / "tmp"),
                "ANSIBLE_NOCOLOR": "1",
                "ANSIBLE_DEPRECATION_WARNINGS": "0",
                "PATH": f"{pathlib.Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
            }
        )
        env.update(self.extra_env)
        return env

    def collections(self) -> pathlib.Path:
        farm = self.root / "collections"
        link = farm / "ansible_collections" / "descope" / "mgmt"
        if not link.exists():
            link.parent.mkdir(parents=True)
            link.symlink_to(REPO)
        return farm

    def run(self, argv: list[str], cwd: pathlib.Path) -> subprocess.CompletedProcess[str]:
        self.runs += 1
        return subprocess.run(argv, cwd=cwd, env=self.env(), capture_output=True, text=True, timeout=300, check=False)

    def run_tasks(self, block: Block, document: t.Any) -> list[str]:
        is_play = all(isinstance(x, dict) and "hosts" in x for x in document)
        is_tasks = all(isinstance(x, dict) and ("name" in x or "block" in x) and "hosts" not in x for x in document)
        if not (is_play or is_tasks):
            return []
        plays = document if is_play else [{"name": "doc example", "hosts": "localhost", "connection": "local", "gather_facts": False, "tasks": document}]
        playbook = self.start / f"doc-example-{block.line}.yml"
        playbook.write_text(yaml.safe_dump(plays, sort_keys=False))
        proc = self.run([str(pathlib.Path(sys.executable).parent / "ansible-playbook"), playbook.name, "--check", "--diff"], self.start)
        if proc.returncode != 0:
            return [f"{block.where}: the example fails in check mode against the emulator (rc={proc.returncode}):\n{tail(proc)}"]
        return []

    def rerooted(self, text: str) -> str:
        return MACHINE_PATH.sub(lambda m: f"{self.root}/fs/{m.group(1)}", text)

    def run_shell(self, block: Block) -> list[str]:
        cwd = self.start
        problems = []
        for offset, command in logical_lines(self.rerooted(block.text)):
            words = shlex.split(command)
            where = f"{block.path.relative_to(REPO)}:{block.line + 1 + offset}"
            if words[0] == "cd" and len(words) == 2:
                cwd = (cwd / words[1]).resolve()
                if not cwd.is_dir():
                    problems.append(f"{where}: cd {words[1]}: no such directory in a checkout of the repository")
                    return problems
                continue
            if words[0] != "ansible-playbook":
                continue
            playbook = playbook_argument(words[1:])
            if playbook is None:
                continue
            name = playbook.removeprefix("descope.mgmt.")
            if not ((playbook.startswith("descope.mgmt.") and name in PLAYBOOKS) or (cwd / playbook).is_file()):
                continue  # not a playbook of this collection nor one the docs define (awx/register.yml needs AWX)
            argv = [str(pathlib.Path(sys.executable).parent / "ansible-playbook"), *words[1:], "-v"]
            proc = self.run(argv, cwd)
            used = re.search(r"^Using (\S+) as config file", proc.stdout, re.M)
            if used is None or "descope.mgmt.descope_audit" not in pathlib.Path(used.group(1)).read_text():
                problems.append(
                    f"{where}: `{command}` run from {cwd.relative_to(self.root) or '.'} reads "
                    f"{used.group(1) if used else 'no ansible.cfg'}: the descope_audit callback is not enabled"
                )
            drift_report = name == "drift" and "differs from its declared state" in proc.stdout
            if proc.returncode != 0 and not drift_report:
                problems.append(f"{where}: `{command}` failed (rc={proc.returncode}):\n{tail(proc)}")
        return problems


def playbook_argument(args: list[str]) -> str | None:
    takes_value = {"-i", "--inventory", "-e", "--extra-vars", "-l", "--limit", "-f", "--forks", "-t", "--tags", "--skip-tags", "-u", "--vault-id"}
    skip = False
    for arg in args:
        if skip:
            skip = False
            continue
        if arg in takes_value:
            skip = True
            continue
        if arg.startswith("-"):
            continue
        return arg
    return None


def tail(proc: subprocess.CompletedProcess[str], lines: int = 25) -> str:
    text = (proc.stdout + proc.stderr).strip().splitlines()
    return "\n".join("    " + x for x in text[-lines:])


# ---------------------------------------------------------------- the test
@pytest.fixture(scope="module")
def seeded_emulator() -> t.Iterator[EmulatorProcess]:
    running = EmulatorProcess(args=("--seed", str(SEED)), strict=True)
    try:
        yield running
    finally:
        running.stop()


@pytest.mark.parametrize("doc", DOCS, ids=[str(p.relative_to(REPO)) for p in DOCS])
def test_doc_examples(doc: pathlib.Path, tmp_path: pathlib.Path, seeded_emulator: EmulatorProcess) -> None:
    sandbox = Sandbox(tmp_path, seeded_emulator, doc)
    problems: list[str] = []
    for block in blocks(doc):
        if block.lang in ("ini", "cfg"):
            problems += ini_problems(block)
        elif block.lang in ("yaml", "yml"):
            found, documents = yaml_problems(block)
            problems += found
            if found or not documents:
                continue
            first = block.text.splitlines()[0]
            named = re.match(r"^#\s*([\w./-]+\.ya?ml)\s*$", first)
            if named and not (sandbox.start / named.group(1)).exists():
                target = sandbox.start / named.group(1)
                target.parent.mkdir(parents=True, exist_ok=True)  # customers/initech.yml: the reader creates the folder too
                target.write_text(block.text)
            if not block.parse_only and isinstance(documents[0], list) and len(documents) == 1:
                problems += sandbox.run_tasks(block, yaml.safe_load(sandbox.rerooted(block.text)))
        else:
            syntax = subprocess.run(["bash", "-n"], input=block.text, capture_output=True, text=True, check=False)
            if syntax.returncode != 0:
                problems.append(f"{block.where}: shell syntax: {syntax.stderr.strip()}")
            elif not block.parse_only:
                problems += sandbox.run_shell(block)
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)
