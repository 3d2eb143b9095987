# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark descope_tenant: requests and wall time, measured with real ansible-playbook runs.

Starts its own emulator (tests/emulator, loopback only) and prints two tables:

1. set mode with 10 / 100 / 1000 tenants: create from empty, no-op re-run, 5 % changed;
   requests come from the emulator's request log, wall time is the whole ansible-playbook run.
2. per-item cost of a 100-item loop of single-mode tasks (every item an unchanged tenant, so each
   item is one read): the in-process action path, the module path (DESCOPE_MGMT_IN_PROCESS=false)
   and a loop of ansible.builtin.uri tasks doing the same reads. Per-item cost subtracts the wall
   time of a one-task playbook (ansible-playbook start-up).

Usage: python benchmarks/bench_tenants.py [--sizes 10,100,1000] [--loop 100]
Needs ansible-playbook next to the running interpreter (the dev venv) and requests.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time
import typing as t

import requests
import yaml

REPO = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
import collection_path  # noqa: E402  # pylint: disable=wrong-import-position

collection_path.ensure()
from emulator.launcher import EmulatorProcess  # noqa: E402  # pylint: disable=wrong-import-position

PLAYBOOK_BIN = str(pathlib.Path(sys.executable).parent / "ansible-playbook")


class Emulator:
    def __init__(self) -> None:
        self.process = EmulatorProcess()
        self.env = self.process.env
        self.url = self.env["DESCOPE_BASE_URL"]
        self.session = requests.Session()

    def control(self, method: str, name: str, body: t.Any = None) -> t.Any:
        resp = self.session.request(method, f"{self.url}/_emulator/{name}", json=body, timeout=30)
        resp.raise_for_status()
        return resp.json()

    def reset(self, tenants: list[dict[str, t.Any]] | None = None) -> None:
        self.control("POST", "reset", {})
        project = {"id": self.env["DESCOPE_PROJECT_ID"], "managementKey": self.env["DESCOPE_MANAGEMENT_KEY"], "tenants": tenants or []}
        project["customAttributes"] = [{"id": "plan", "type": "string"}]  # the strict emulator refuses undefined tenant attributes
        self.control("POST", "seed", {"projects": [project]})
        self.control("DELETE", "requests")

    def counts(self) -> tuple[int, int]:
        log = self.control("GET", "requests")["requests"]
        return len(log), sum(1 for r in log if r["write"])

    def stop(self) -> None:
        self.process.stop()


class Runner:
    def __init__(self, emulator: Emulator, work: pathlib.Path) -> None:
        self.emulator = emulator
        self.work = work
        farm = work / "collections" / "ansible_collections" / "descope"
        farm.mkdir(parents=True)
        (farm / "mgmt").symlink_to(REPO)
        (work / "inventory.ini").write_text(f"localhost ansible_connection=local ansible_python_interpreter={sys.executable}\n")
        self.runs = 0

    def prepare(
        self, tasks: list[dict[str, t.Any]], extra_env: dict[str, str] | None = None, vars_: dict[str, t.Any] | None = None
    ) -> tuple[pathlib.Path, dict[str, str]]:
        """The next playbook file and its environment (shared with bench_scale's measured runs)."""
        self.runs += 1
        play: dict[str, t.Any] = {"hosts": "localhost", "gather_facts": False, "tasks": tasks}
        if vars_:
            varsfile = self.work / f"vars{self.runs}.json"
            varsfile.write_text(json.dumps(vars_))
            play["vars_files"] = [str(varsfile)]
        book = self.work / f"play{self.runs}.yml"
        book.write_text(yaml.safe_dump([play], sort_keys=False))
        env = {k: v for k, v in os.environ.items() if not k.startswith(("ANSIBLE_", "DESCOPE_"))}
        env.update(self.emulator.env)
        env.update(
            {
                "ANSIBLE_COLLECTIONS_PATH": str(self.work / "collections"),
                "ANSIBLE_NOCOLOR": "1",
                "ANSIBLE_RETRY_FILES_ENABLED": "0",
                "ANSIBLE_LOCAL_TEMP": str(self.work / "tmp"),
                "ANSIBLE_REMOTE_TMP": str(self.work / "rtmp"),
                "ANSIBLE_DEPRECATION_WARNINGS": "0",
            }
        )
        env.update(extra_env or {})
        return book, env

    def run(self, tasks: list[dict[str, t.Any]], extra_env: dict[str, str] | None = None, vars_: dict[str, t.Any] | None = None) -> float:
        book, env = self.prepare(tasks, extra_env, vars_)
        start = time.monotonic()
        proc = subprocess.run(
            [PLAYBOOK_BIN, "-i", str(self.work / "inventory.ini"), str(book)],
            env=env,
            capture_output=True,
            text=True,  # noqa: S603
            check=False,
            timeout=1800,
        )
        elapsed = time.monotonic() - start
        if proc.returncode != 0:
            raise SystemExit(f"playbook failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-2000:]}")
        return elapsed


def declared(n: int, changed_every: int = 0) -> list[dict[str, t.Any]]:
    items = []
    for i in range(n):
        item: dict[str, t.Any] = {
            "id": f"bench{i:05d}",
            "name": f"Bench tenant {i}",
            "self_provisioning_domains": [f"b{i}.example.com"],
            "custom_attributes": {"plan": "pro"},
        }
        if changed_every and i % changed_every == 0:
            item["disabled"] = True
        items.append(item)
    return items


def set_mode(emulator: Emulator, runner: Runner, sizes: list[int]) -> list[tuple[str, int, int, int, float]]:
    rows = []
    task = [{"name": "set", "descope.mgmt.descope_tenant": {"tenants": "{{ tenants }}", "concurrency": 8}}]
    for n in sizes:
        emulator.reset()
        for label, items in (("create", declared(n)), ("no-op", declared(n)), ("5% changed", declared(n, 20))):
            emulator.control("DELETE", "requests")
            wall = runner.run(task, vars_={"tenants": items})
            total, writes = emulator.counts()
            rows.append((label, n, total, writes, wall))
    return rows


def loops(emulator: Emulator, runner: Runner, size: int) -> list[tuple[str, int, int, float, float]]:
    ids = [f"loop{i:04d}" for i in range(size)]
    baseline_tasks = [{"name": "one", "ansible.builtin.debug": {"msg": "start-up"}}]
    baseline = min(runner.run(baseline_tasks) for _attempt in range(2))
    single = [{"name": "loop", "descope.mgmt.descope_tenant": {"id": "{{ item }}", "name": "Loop {{ item }}"}, "loop": "{{ ids }}"}]
    uri = [
        {
            "name": "uri loop",
            "ansible.builtin.uri": {
                "url": "{{ lookup('env', 'DESCOPE_BASE_URL') }}/v1/mgmt/tenant?id={{ item }}",
                "headers": {"Authorization": "Bearer {{ lookup('env', 'DESCOPE_PROJECT_ID') }}:{{ lookup('env', 'DESCOPE_MANAGEMENT_KEY') }}"},
                "return_content": True,
            },
            "loop": "{{ ids }}",
            "no_log": True,
        }
    ]
    rows = []
    cases = (
        ("descope_tenant, action plugin in process", single, {}),
        ("descope_tenant, module (DESCOPE_MGMT_IN_PROCESS=false)", single, {"DESCOPE_MGMT_IN_PROCESS": "false"}),
        ("ansible.builtin.uri, same reads", uri, {}),
    )
    for label, tasks, env in cases:
        emulator.reset([{"id": i, "name": f"Loop {i}"} for i in ids])
        wall = runner.run(tasks, extra_env=env, vars_={"ids": ids})
        total, writes = emulator.counts()
        rows.append((label, total, writes, wall, (wall - baseline) / size))
    rows.append(("(ansible-playbook start-up, one debug task)", 0, 0, baseline, 0.0))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n", maxsplit=1)[0])
    parser.add_argument("--sizes", default="10,100,1000")
    parser.add_argument("--loop", type=int, default=100)
    args = parser.parse_args()
    sizes = [int(x) for x in args.sizes.split(",") if x]
    emulator = Emulator()
    try:
        with tempfile.TemporaryDirectory(prefix="bench-tenants-") as tmp:
            runner = Runner(emulator, pathlib.Path(tmp))
            print("## Set mode (one descope_tenant task, concurrency 8)\n")
            print("| scenario | tenants | requests | writes | wall time (s) |")
            print("|---|---:|---:|---:|---:|")
            for label, n, total, writes, wall in set_mode(emulator, runner, sizes):
                print(f"| {label} | {n} | {total} | {writes} | {wall:.2f} |", flush=True)
            print(f"\n## Loop of {args.loop} single-mode tasks (each item: one unchanged tenant)\n")
            print("| path | requests | writes | wall time (s) | per item (ms) |")
            print("|---|---:|---:|---:|---:|")
            for label, total, writes, wall, per_item in loops(emulator, runner, args.loop):
                print(f"| {label} | {total} | {writes} | {wall:.2f} | {per_item * 1000:.0f} |", flush=True)
    finally:
        emulator.stop()


if __name__ == "__main__":
    main()
