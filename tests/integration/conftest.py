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
import subprocess
import sys
import typing as t

import pytest
import yaml

REPO = pathlib.Path(__file__).resolve().parents[2]
HERE = pathlib.Path(__file__).resolve().parent


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
        proc = subprocess.run(cmd, env=run_env, cwd=self.workdir, capture_output=True, text=True, timeout=timeout, check=False)
        tasks_out = json.loads(results.read_text(encoding="utf-8")) if results.exists() else []
        return PlaybookResult(proc.returncode, proc.stdout, proc.stderr, tasks_out)


@pytest.fixture
def playbook(emulator: t.Any, tmp_path: pathlib.Path, tmp_path_factory: pytest.TempPathFactory) -> PlaybookRunner:
    root = tmp_path_factory.getbasetemp()
    return PlaybookRunner(emulator, tmp_path, collections_path(root))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in pathlib.Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.integration)
