#!/usr/bin/env python
# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Requests and wall time of descope_flow deploying a directory of 50 flows (a script, not a test).

Starts the emulator on 127.0.0.1, seeds 50 flows, writes the same 50 flows as exports, then deploys
the directory with ``src_dir`` (a) when nothing changed and (b) when five files changed, both through
ansible-playbook (the real path: action plugin in process) and through the engine directly. Prints one
table; figures go to docs/performance.md ("Flows").

    .venv/bin/python benchmarks/bench_flows.py [--flows 50] [--changed 5]
"""

from __future__ import annotations

import argparse
import collections
import copy
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time
import typing as t

import requests

REPO = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
import collection_path  # noqa: E402  # pylint: disable=wrong-import-position

collection_path.ensure()
from emulator import seed_data  # noqa: E402  # pylint: disable=wrong-import-position
from emulator.launcher import EmulatorProcess  # noqa: E402  # pylint: disable=wrong-import-position


def make_flow(i: int) -> dict[str, t.Any]:
    flow = copy.deepcopy(seed_data.SIGN_UP_OR_IN)
    flow["flowId"] = f"bench-flow-{i:03d}"
    flow["metadata"]["name"] = f"Bench flow {i}"
    return flow


def count(env: dict[str, str], since: int) -> tuple[int, int, collections.Counter[str]]:
    log = requests.get(env["DESCOPE_BASE_URL"] + "/_emulator/requests", params={"since": since}, timeout=10).json()["requests"]
    log = [r for r in log if r["seq"] > since]
    return len(log), sum(1 for r in log if r["write"]), collections.Counter(r["path"] for r in log)


def last_seq(env: dict[str, str]) -> int:
    log = requests.get(env["DESCOPE_BASE_URL"] + "/_emulator/requests", timeout=10).json()["requests"]
    return log[-1]["seq"] if log else 0


def write_exports(directory: pathlib.Path, flows: list[dict[str, t.Any]]) -> None:
    for flow in flows:
        (directory / f"{flow['flowId']}.json").write_text(json.dumps({"flow": flow}, sort_keys=True, indent=2) + "\n", encoding="utf-8")


def run_playbook(workdir: pathlib.Path, env: dict[str, str], src_dir: pathlib.Path, collections_path: str) -> float:
    play = workdir / "play.yml"
    play.write_text(
        f"- hosts: localhost\n  gather_facts: false\n  tasks:\n    - descope.mgmt.descope_flow:\n        src_dir: {src_dir}\n",
        encoding="utf-8",
    )
    (workdir / "inv.ini").write_text(f"localhost ansible_connection=local ansible_python_interpreter={sys.executable}\n", encoding="utf-8")
    run_env = dict(os.environ, **env, ANSIBLE_COLLECTIONS_PATH=collections_path, ANSIBLE_NOCOLOR="1")
    start = time.monotonic()
    proc = subprocess.run(
        [str(pathlib.Path(sys.executable).parent / "ansible-playbook"), "-i", str(workdir / "inv.ini"), str(play)],
        env=run_env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    elapsed = time.monotonic() - start
    if proc.returncode != 0:
        raise SystemExit(proc.stdout + proc.stderr)
    return elapsed


def run_engine(env: dict[str, str], src_dir: pathlib.Path) -> tuple[float, dict[str, t.Any]]:
    from ansible_collections.descope.mgmt.plugins.module_utils import _flow
    from ansible_collections.descope.mgmt.plugins.module_utils._pipeline import run_task

    args = {"src_dir": str(src_dir), "state": "present", "prune": False, "protected_ids": [], "concurrency": 4}
    start = time.monotonic()
    result = run_task(_flow.SPEC, args, check_mode=False, diff=False, environ=env, warn=lambda m: None)
    return time.monotonic() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--flows", type=int, default=50)
    parser.add_argument("--changed", type=int, default=5)
    opts = parser.parse_args()
    collections_path = os.environ.get("ANSIBLE_COLLECTIONS_PATH") or next(
        (p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p and (pathlib.Path(p) / "ansible_collections").is_dir()), ""
    )
    if not collections_path:
        raise SystemExit("set PYTHONPATH (or ANSIBLE_COLLECTIONS_PATH) to the directory that contains ansible_collections/descope/mgmt")

    emulator = EmulatorProcess()
    env = emulator.env
    rows = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            work = pathlib.Path(tmp)
            flows = [make_flow(i) for i in range(opts.flows)]
            src = work / "flows"
            src.mkdir()

            def scenario(label: str, path: str, changed: int) -> None:
                seed = {
                    "projects": [
                        {
                            "id": env["DESCOPE_PROJECT_ID"],
                            "managementKey": env["DESCOPE_MANAGEMENT_KEY"],
                            "license": "pro",
                            "flows": copy.deepcopy(flows),
                            "tenants": [],
                        }
                    ]
                }
                requests.post(env["DESCOPE_BASE_URL"] + "/_emulator/seed", json=seed, timeout=30).raise_for_status()
                local = copy.deepcopy(flows)
                for flow in local[:changed]:
                    flow["metadata"]["description"] = "changed for the benchmark"
                for old in src.iterdir():
                    old.unlink()
                write_exports(src, local)
                since = last_seq(env)
                if path == "playbook":
                    elapsed = run_playbook(work, env, src, collections_path)
                else:
                    elapsed, result = run_engine(env, src)
                    if result.get("failed"):
                        raise SystemExit(result["msg"])
                total, writes, by_path = count(env, since)
                rows.append((label, path, total, writes, dict(by_path), elapsed))

            for path in ("engine", "playbook"):
                scenario(f"{opts.flows} flows, nothing changed", path, 0)
                scenario(f"{opts.flows} flows, {opts.changed} changed", path, opts.changed)
    finally:
        emulator.stop()

    print(f"{'scenario':32} {'path':9} {'requests':>8} {'writes':>6} {'seconds':>8}  requests by path")
    for label, path, total, writes, by_path, elapsed in rows:
        detail = ", ".join(f"{p.replace('/mgmt', '')} {n}" for p, n in sorted(by_path.items()))
        print(f"{label:32} {path:9} {total:8d} {writes:6d} {elapsed:8.2f}  {detail}")


if __name__ == "__main__":
    main()
