# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Integration fixtures: run real ``ansible-playbook`` against the emulator.

The collection under test is found through ANSIBLE_COLLECTIONS_PATH: scripts/test points
DESCOPE_TEST_COLLECTIONS_PATH at the built-and-installed tarball; a developer run falls back to a
symlink farm pointing at this working tree.
"""

from __future__ import annotations

import dataclasses
import json
import os
import pathlib
import secrets
import subprocess
import sys
import typing as t
import warnings

import pytest
import yaml

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))  # tests/, where the emulator package lives
from emulator.control_client import EmulatorControl  # noqa: E402  # pylint: disable=wrong-import-position
from emulator.launcher import EmulatorProcess  # noqa: E402  # pylint: disable=wrong-import-position

REPO = pathlib.Path(__file__).resolve().parents[2]
HERE = pathlib.Path(__file__).resolve().parent

# Canary mode (DESCOPE_TEST_CANARY=1, scripts/test stage "canary"): the emulator's default project gets a
# fresh canary management key, every ansible-playbook run gets -vvvv, and after each test the key is looked
# for in stdout, stderr, the structured results and every file under the test's tmp_path.
CANARY = os.environ.get("DESCOPE_TEST_CANARY", "").lower() in ("1", "true", "yes")
CANARY_KEY = "K2Canary" + secrets.token_hex(16) if CANARY else ""
# inputs the tests themselves write (a play may carry the key in module_defaults), and ansible-runner's
# artifacts/<job>/command, its record of the environment it was handed (AWX passes the credential that way);
# input-* files are what a test hands a module on purpose (a flow file with the key pasted in, to be refused)
CANARY_INPUTS = ("play*.yml", "inventory*", "env/*", "artifacts/*/command", "input-*")
_canary_results: list[t.Any] = []


def collections_path(tmp_root: pathlib.Path) -> str:
    configured = os.environ.get("DESCOPE_TEST_COLLECTIONS_PATH")
    if configured:
        return configured
    farm = tmp_root / "collections"
    link = farm / "ansible_collections" / "descope" / "mgmt"
    if not link.exists():
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(REPO)
    return str(farm)


@dataclasses.dataclass
class PlaybookResult:
    rc: int
    stdout: str
    stderr: str
    tasks: list[dict[str, t.Any]]

    def task(self, name: str) -> dict[str, t.Any]:
        """The result of the (last) task with that name."""
        found = [task["result"] for task in self.tasks if task["name"] == name]
        if not found:
            raise KeyError(f"no task named {name!r}; tasks: {[x['name'] for x in self.tasks]}\n{self.stdout}\n{self.stderr}")
        return found[-1]

    def status(self, name: str) -> str:
        return [task["status"] for task in self.tasks if task["name"] == name][-1]

    @property
    def failed(self) -> bool:
        return self.rc != 0


class PlaybookRunner:
    def __init__(self, emulator: t.Any, workdir: pathlib.Path, collections: str) -> None:
        self.emulator = emulator
        self.workdir = workdir
        self.collections = collections
        self.runs = 0

    def base_env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DESCOPE_", "ANSIBLE_"))}
        env.update(self.emulator.env if self.emulator is not None else {})
        env.update(
            {
                "ANSIBLE_COLLECTIONS_PATH": self.collections,
                "ANSIBLE_CALLBACK_PLUGINS": str(HERE / "callback_plugins"),
                "ANSIBLE_NOCOLOR": "1",
                "ANSIBLE_FORCE_COLOR": "0",
                "ANSIBLE_RETRY_FILES_ENABLED": "0",
                "ANSIBLE_LOCAL_TEMP": str(self.workdir / "ansible-local"),
                "ANSIBLE_REMOTE_TMP": str(self.workdir / "ansible-remote"),
                "ANSIBLE_DEPRECATION_WARNINGS": "0",
                "DESCOPE_AUDIT_DIR": str(self.workdir / "audit"),
            }
        )
        return env

    def run(
        self,
        tasks: list[dict[str, t.Any]] | str,
        check: bool = False,
        diff: bool = False,
        extra_vars: dict[str, t.Any] | None = None,
        env: dict[str, str | None] | None = None,
        callbacks: t.Sequence[str] = (),
        play_vars: dict[str, t.Any] | None = None,
        args: t.Sequence[str] = (),
        play: dict[str, t.Any] | None = None,
        timeout: float = 300,
    ) -> PlaybookResult:
        """Run one play on localhost (connection local) with the given tasks."""
        self.runs += 1
        if isinstance(tasks, str):
            tasks = yaml.safe_load(tasks)
        play_doc: dict[str, t.Any] = {"name": "descope test play", "hosts": "localhost", "gather_facts": False, "tasks": tasks}
        if play_vars:
            play_doc["vars"] = play_vars
        if play:
            play_doc.update(play)
        playbook = self.workdir / f"play{self.runs}.yml"
        playbook.write_text(yaml.safe_dump([play_doc], sort_keys=False), encoding="utf-8")
        inventory = self.workdir / "inventory.ini"
        inventory.write_text(f"localhost ansible_connection=local ansible_python_interpreter={sys.executable}\n", encoding="utf-8")
        results = self.workdir / f"results{self.runs}.json"
        run_env = self.base_env()
        run_env["DESCOPE_TEST_RESULTS"] = str(results)
        run_env["ANSIBLE_CALLBACKS_ENABLED"] = ",".join(["results_json", *callbacks])
        for key, value in (env or {}).items():
            if value is None:
                run_env.pop(key, None)
            else:
                run_env[key] = value
        cmd = [str(pathlib.Path(sys.executable).parent / "ansible-playbook"), "-i", str(inventory), str(playbook)]
        if check:
            cmd.append("--check")
        if diff:
            cmd.append("--diff")
        if extra_vars:
            cmd += ["-e", json.dumps(extra_vars)]
        cmd += list(args)
        if CANARY:
            cmd.append("-vvvv")
        proc = subprocess.run(cmd, env=run_env, cwd=self.workdir, capture_output=True, text=True, timeout=timeout, check=False)
        tasks_out = json.loads(results.read_text(encoding="utf-8")) if results.exists() else []
        result = PlaybookResult(proc.returncode, proc.stdout, proc.stderr, tasks_out)
        if CANARY:
            _canary_results.append(result)
        return result


@pytest.fixture
def playbook(emulator: t.Any, tmp_path: pathlib.Path, tmp_path_factory: pytest.TempPathFactory) -> PlaybookRunner:
    root = tmp_path_factory.getbasetemp()
    return PlaybookRunner(emulator, tmp_path, collections_path(root))


@pytest.fixture(scope="session")
def emulator_server(emulator_server: t.Any) -> t.Iterator[t.Any]:  # pylint: disable=redefined-outer-name
    """In canary mode, the session emulator whose default project answers only to the canary key."""
    if not CANARY:
        yield emulator_server
        return
    running = EmulatorProcess(args=("--management-key", CANARY_KEY), strict=True)
    try:
        if running.env.get("DESCOPE_MANAGEMENT_KEY") != CANARY_KEY:
            raise RuntimeError("the canary emulator did not start")
        # the same environment as the ordinary session emulator (tests/conftest.py): exact request counts, no handshake
        yield EmulatorControl({**running.env, "DESCOPE_LICENSE_HANDSHAKE": "false"})
    finally:
        running.stop()


def _ansible_exec_echo(line: str) -> bool:
    """ansible-core's -vvvv 'EXEC' line, which spells out a task's ``environment:`` keyword (module path only)."""
    return line.lstrip().startswith("<") and "> EXEC " in line


def _canary_hits(tmp_path: pathlib.Path) -> list[str]:
    hits = []
    for n, result in enumerate(_canary_results, start=1):
        for name, text in (("stdout", result.stdout), ("stderr", result.stderr), ("results", json.dumps(result.tasks, default=str))):
            for line in (x for x in text.splitlines() if CANARY_KEY in x):
                shown = f"run {n} {name}: {line.replace(CANARY_KEY, '<CANARY>')[:300]}"
                if _ansible_exec_echo(line):
                    # not the collection's output: documented as a known issue (keep the key out of environment:)
                    warnings.warn(f"ansible-core echoed the task's environment: keyword at -vvvv: {shown}", stacklevel=1)
                    continue
                hits.append(shown)
    for path in sorted(p for p in tmp_path.rglob("*") if p.is_file() and not p.is_symlink()):
        rel = path.relative_to(tmp_path)
        if any(rel.match(pattern) or path.match(pattern) for pattern in CANARY_INPUTS) or "collections" in rel.parts[:1]:
            continue
        if CANARY_KEY.encode() in path.read_bytes():
            hits.append(f"file {rel}")
    return hits


@pytest.fixture(autouse=True)
def canary_scan(request: pytest.FixtureRequest) -> t.Iterator[None]:
    """Canary mode: fail the test when the management key shows up in anything it produced."""
    if not CANARY or "emulator" not in request.fixturenames:
        yield
        return
    _canary_results.clear()
    tmp_path: pathlib.Path = request.getfixturevalue("tmp_path")
    yield
    hits = _canary_hits(tmp_path)
    _canary_results.clear()
    if hits:
        pytest.fail("the canary management key leaked:\n  " + "\n  ".join(hits), pytrace=False)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in pathlib.Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.integration)
