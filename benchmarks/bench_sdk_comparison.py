# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The same tenant sync three ways, measured in one run against one emulator: ratios, not absolute times.

1. ``sdk script``: a plain Python script with the official Descope SDK (``descope``), written the way
   a careful user would: load all tenants once, create the missing ones, update the ones that differ
   (sequentially: the SDK client is synchronous). Run as its own interpreter, so it pays its start-up.
2. ``collection, engine``: ``descope_tenant`` set mode run in process (what the action plugin does).
3. ``collection, playbook``: a whole ``ansible-playbook`` run of one ``descope_tenant`` task.

Scenarios per size: create from empty, no-op, 5 % changed. Requests come from the emulator's log.

    .venv/bin/python benchmarks/bench_sdk_comparison.py [--sizes 100,1000]
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

REPO = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))
import collection_path  # noqa: E402  # pylint: disable=wrong-import-position

collection_path.ensure()

from bench_tenants import Emulator, Runner, declared  # noqa: E402  # pylint: disable=wrong-import-position

# The plain SDK script (executed as its own process; reads the desired tenants from a JSON file).
SDK_SCRIPT = r"""
import json, os, sys
from descope import DescopeClient

desired = json.load(open(sys.argv[1]))
client = DescopeClient(project_id=os.environ["DESCOPE_PROJECT_ID"], management_key=os.environ["DESCOPE_MANAGEMENT_KEY"],
                       base_url=os.environ["DESCOPE_BASE_URL"])
existing = {t["id"]: t for t in client.mgmt.tenant.load_all().get("tenants", [])}
created = updated = 0
for item in desired:
    fields = dict(name=item["name"], self_provisioning_domains=item.get("self_provisioning_domains") or [],
                  custom_attributes=item.get("custom_attributes") or {}, disabled=bool(item.get("disabled")))
    have = existing.get(item["id"])
    if have is None:
        client.mgmt.tenant.create(id=item["id"], **fields)
        created += 1
    elif (have.get("name"), sorted(have.get("selfProvisioningDomains") or []), have.get("customAttributes") or {}, bool(have.get("disabled"))) != (
            fields["name"], sorted(fields["self_provisioning_domains"]), fields["custom_attributes"], fields["disabled"]):
        client.mgmt.tenant.update(id=item["id"], **fields)
        updated += 1
print(json.dumps({"created": created, "updated": updated}))
"""


def as_api(items: list[dict[str, t.Any]]) -> list[dict[str, t.Any]]:
    """The declared tenants as the API stores them (what the emulator is seeded with)."""
    return [
        {
            "id": i["id"],
            "name": i["name"],
            "selfProvisioningDomains": i.get("self_provisioning_domains") or [],
            "customAttributes": i.get("custom_attributes") or {},
            "disabled": bool(i.get("disabled")),
        }
        for i in items
    ]


def engine_run(emulator: Emulator, items: list[dict[str, t.Any]]) -> None:
    from ansible_collections.descope.mgmt.plugins.module_utils import _tenant  # pylint: disable=import-outside-toplevel
    from ansible_collections.descope.mgmt.plugins.module_utils._pipeline import run_task  # pylint: disable=import-outside-toplevel

    params = {name: opt.get("default") for name, opt in _tenant.ARGUMENT_SPEC.items()}
    params.update(tenants=items, concurrency=8)
    result = run_task(_tenant.SPEC, params, check_mode=False, diff=False, environ=emulator.env, warn=lambda _m: None)
    if result.get("failed"):
        raise SystemExit(f"engine run failed: {result.get('msg')}")


def sdk_run(emulator: Emulator, items: list[dict[str, t.Any]], work: pathlib.Path) -> None:
    data = work / "desired.json"
    data.write_text(json.dumps(items), encoding="utf-8")
    script = work / "sdk_sync.py"
    script.write_text(SDK_SCRIPT, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("DESCOPE_")}
    env.update(emulator.env)
    proc = subprocess.run([sys.executable, str(script), str(data)], env=env, capture_output=True, text=True, timeout=1800, check=False)  # noqa: S603
    if proc.returncode != 0:
        raise SystemExit(f"SDK script failed:\n{proc.stderr[-2000:]}")


def measure(emulator: Emulator, runner: Runner, work: pathlib.Path, sizes: list[int]) -> list[dict[str, t.Any]]:
    rows = []
    task = [{"name": "set", "descope.mgmt.descope_tenant": {"tenants": "{{ tenants }}", "concurrency": 8}}]
    ways: list[tuple[str, t.Callable[[list[dict[str, t.Any]]], t.Any]]] = [
        ("sdk script", lambda items: sdk_run(emulator, items, work)),
        ("collection, engine", lambda items: engine_run(emulator, items)),
        ("collection, playbook", lambda items: runner.run(task, vars_={"tenants": items})),
    ]
    for n in sizes:
        for label, items_for in (("create", lambda n=n: declared(n)), ("no-op", lambda n=n: declared(n)), ("5% changed", lambda n=n: declared(n, 20))):
            for way, run in ways:
                # every way starts from the same state: empty for "create", the declared set otherwise
                emulator.reset(None if label == "create" else as_api(declared(n)))
                items = items_for()
                start = time.monotonic()
                run(items)
                elapsed = time.monotonic() - start
                total, writes = emulator.counts()
                rows.append({"size": n, "scenario": label, "way": way, "requests": total, "writes": writes, "seconds": elapsed})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n", maxsplit=1)[0])
    parser.add_argument("--sizes", default="100,1000")
    args = parser.parse_args()
    sizes = [int(x) for x in args.sizes.split(",") if x]
    emulator = Emulator()
    try:
        with tempfile.TemporaryDirectory(prefix="bench-sdk-") as tmp:
            work = pathlib.Path(tmp)
            runner = Runner(emulator, work)
            rows = measure(emulator, runner, work, sizes)
    finally:
        emulator.stop()
    print("| tenants | scenario | way | requests | writes | seconds | time vs SDK script |")
    print("|---:|---|---|---:|---:|---:|---:|")
    sdk = {(r["size"], r["scenario"]): r["seconds"] for r in rows if r["way"] == "sdk script"}
    for r in rows:
        ratio = r["seconds"] / sdk[(r["size"], r["scenario"])]
        print(f"| {r['size']} | {r['scenario']} | {r['way']} | {r['requests']} | {r['writes']} | {r['seconds']:.2f} | {ratio:.2f}x |", flush=True)


if __name__ == "__main__":
    main()
