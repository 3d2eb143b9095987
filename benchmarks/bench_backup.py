#!/usr/bin/env python
# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Requests and wall time of descope_backup backing up and restoring a large project (a script, not a test).

Starts the emulator on 127.0.0.1, seeds 1,000 tenants and 50 flows (plus the theme) through
``/_emulator/seed``, then runs the module logic in process (what the action plugin does on the controller):
back up, back up again (unchanged), change the project (5 % of tenants updated, 10 deleted, 10 added,
5 flows edited, 2 deleted), restore in check mode, restore, restore again. Prints one table; figures go to
docs/performance.md ("Backups").

    .venv/bin/python benchmarks/bench_backup.py [--tenants 1000] [--flows 50]
"""

from __future__ import annotations

import argparse
import collections
import copy
import pathlib
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

from ansible_collections.descope.mgmt.plugins.module_utils import _backup  # noqa: E402  # pylint: disable=wrong-import-position
from ansible_collections.descope.mgmt.plugins.module_utils._pipeline import run_task  # noqa: E402  # pylint: disable=wrong-import-position


def seed(env: dict[str, str], tenants: int, flows: int) -> None:
    tenant_list = [
        {"id": f"bench-t{i:04d}", "name": f"Bench tenant {i}", "selfProvisioningDomains": [f"t{i}.example.com"], "customAttributes": {"n": i}}
        for i in range(tenants)
    ]
    flow_list = []
    for i in range(flows):
        flow = copy.deepcopy(seed_data.SIGN_UP_OR_IN)
        flow["flowId"] = f"bench-flow-{i:03d}"
        flow["metadata"]["name"] = f"Bench flow {i}"
        flow_list.append(flow)
    body = {
        "projects": [
            {
                "id": env["DESCOPE_PROJECT_ID"],
                "managementKey": env["DESCOPE_MANAGEMENT_KEY"],
                "license": "pro",
                "customAttributes": [{"id": "n", "type": "number"}],  # tenant attributes must be defined (typed)
                "tenants": tenant_list,
                "flows": flow_list,
                "theme": seed_data.THEME,
            }
        ]
    }
    requests.post(env["DESCOPE_BASE_URL"] + "/_emulator/seed", json=body, timeout=60).raise_for_status()


def api(env: dict[str, str], path: str, body: dict[str, t.Any]) -> dict[str, t.Any]:
    headers = {"Authorization": f"Bearer {env['DESCOPE_PROJECT_ID']}:{env['DESCOPE_MANAGEMENT_KEY']}"}
    response = requests.post(env["DESCOPE_BASE_URL"] + path, json=body, headers=headers, timeout=30)
    response.raise_for_status()
    return t.cast(dict[str, t.Any], response.json() if response.text.strip() else {})


def mutate(env: dict[str, str], tenants: int, flows: int) -> None:
    for i in range(0, tenants, 20):  # 5 %
        api(
            env,
            "/v1/mgmt/tenant/update",
            {
                "id": f"bench-t{i:04d}",
                "name": f"Bench tenant {i}",
                "selfProvisioningDomains": [f"t{i}.example.com"],
                "customAttributes": {"n": -i},
                "disabled": True,
            },
        )
    for i in range(1, min(10, tenants // 2) + 1):
        api(env, "/v1/mgmt/tenant/delete", {"id": f"bench-t{tenants - i:04d}"})
        api(env, "/v1/mgmt/tenant/create", {"id": f"bench-new{i}", "name": f"New {i}"})
    for i in range(min(5, flows)):
        flow = api(env, "/v2/mgmt/flow/export", {"flowId": f"bench-flow-{i:03d}"})["flow"]
        flow["metadata"]["description"] = "edited"
        api(env, "/v2/mgmt/flow/import", {"flow": flow})
    doomed = [f"bench-flow-{flows - i:03d}" for i in (1, 2) if flows - i >= 5]  # flows not edited above
    if doomed:
        api(env, "/v1/mgmt/flow/delete", {"ids": doomed})


def log(env: dict[str, str], since: int) -> list[dict[str, t.Any]]:
    entries = requests.get(env["DESCOPE_BASE_URL"] + "/_emulator/requests", params={"since": since}, timeout=10).json()["requests"]
    return [r for r in entries if r["seq"] > since]


def last_seq(env: dict[str, str]) -> int:
    entries = log(env, 0)
    return int(entries[-1]["seq"]) if entries else 0


def measure(env: dict[str, str], label: str, check: bool, **params: t.Any) -> tuple[str, int, int, float, str, dict[str, t.Any]]:
    since = last_seq(env)
    args = {"force": False, "prune": False, "protected_ids": [], "include": list(_backup.SECTIONS), "concurrency": 8, **params}
    start = time.monotonic()
    result = run_task(_backup.SPEC, args, check_mode=check, diff=False, environ=env, warn=lambda m: None)
    elapsed = time.monotonic() - start
    if result.get("failed"):
        raise SystemExit(f"{label} failed: {result.get('msg')}")
    entries = log(env, since)
    by_path = collections.Counter(r["path"] for r in entries)
    paths = ", ".join(f"`{p}` {n}" for p, n in sorted(by_path.items(), key=lambda kv: -kv[1]))
    return label, len(entries), sum(1 for r in entries if r["write"]), elapsed, paths, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--tenants", type=int, default=1000)
    parser.add_argument("--flows", type=int, default=50)
    opts = parser.parse_args()
    emulator = EmulatorProcess()
    env = emulator.env
    rows = []
    try:
        seed(env, opts.tenants, opts.flows)
        with tempfile.TemporaryDirectory() as tmp:
            common = {"backup_dir": tmp}
            rows.append(measure(env, "backup", False, state="present", **common))
            rows.append(measure(env, "backup again (unchanged)", False, state="present", **common))
            mutate(env, opts.tenants, opts.flows)
            rows.append(measure(env, "restore, check mode", True, state="restored", backup="latest", prune=True, **common))
            rows.append(measure(env, "restore", False, state="restored", backup="latest", prune=True, **common))
            rows.append(measure(env, "restore again (unchanged)", False, state="restored", backup="latest", prune=True, **common))
            size = sum(f.stat().st_size for f in pathlib.Path(tmp).rglob("*") if f.is_file())
    finally:
        emulator.stop()
    print(f"{opts.tenants} tenants, {opts.flows} flows; backup on disk: {size / 1024:.0f} KiB\n")
    print("| scenario | requests | writes | seconds | requests by path |")
    print("|---|---:|---:|---:|---|")
    for label, total, writes, elapsed, paths, _result in rows:
        print(f"| {label} | {total} | {writes} | {elapsed:.2f} | {paths} |")


if __name__ == "__main__":
    main()
