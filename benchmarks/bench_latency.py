# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Real latency: every request delayed (the emulator's ``delay`` fault), measured in one run.

Starts its own emulator (tests/emulator, loopback only), adds ``--delay`` seconds to every request and runs,
in process (what the action plugin does on the controller):

* ``descope_tenant`` creating N tenants (``concurrency`` 8), and the no-op re-run;
* ``descope_flow`` deploying F new flows from ``src_dir`` (``concurrency`` 4);
* ``descope_backup`` of a project with F flows (``concurrency`` 8);
* ``descope_backup`` of every section (tenant settings, password policies, SSO: reads per tenant), a restore of it
  into an emptied project, and the same restore again (nothing to write: the reads that compare);
* the official-SDK script of ``bench_sdk_comparison.py`` creating the same N tenants (sequential, as a user writes it).

The floor of a row is the least time its requests need at ``delay`` each, whatever the client does, in rounds of
``concurrency`` requests in flight: the longest chain of requests that each need an earlier answer (``chain``, then
the ``fanned`` requests that chain unlocks, spread over the workers), and never less than every request but the
licence handshake spread over the workers::

    floor = max(chain + ceil(fanned / concurrency), 1 + ceil((requests - 1) / concurrency)) x delay

* tenant create / no-op: handshake -> tenant list (plans the run) -> the writes; chain 2, fanned = the writes.
* flow deploy: handshake -> flow list (plans the run; each file is compared with its flow's export) -> the imports
  (new flows need no export); chain 2, fanned = the imports.
* backup: handshake -> flow list -> one export per listed flow; chain 2, fanned = the exports. The tenant list, the
  theme and the snapshot need no other answer and go out beside the flow list (concurrency 4 or more): they add
  no round. The handshake is sequential because every later request carries its answer (the rate-limit tier).
* the official-SDK script: one request at a time (concurrency 1), as a user writes it.

"most in flight" is the largest number of requests the emulator was handling at once (its request log). "on the
wire" is the span from the first request the emulator received to the last answer it sent (its request log's
``started``/``ended``): the row's seconds minus that span is local work (start-up, planning, writing files).

Usage: python benchmarks/bench_latency.py [--tenants 200] [--flows 50] [--delay 0.05]
"""

from __future__ import annotations

import argparse
import json
import math
import pathlib
import sys
import tempfile
import time
import typing as t

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import bench_backup  # noqa: E402  # pylint: disable=wrong-import-position
import bench_flows  # noqa: E402  # pylint: disable=wrong-import-position
import bench_sdk_comparison as sdk  # noqa: E402  # pylint: disable=wrong-import-position
import bench_tenants as bt  # noqa: E402  # pylint: disable=wrong-import-position

from ansible_collections.descope.mgmt.plugins.module_utils import _backup, _flow, _tenant  # noqa: E402
from ansible_collections.descope.mgmt.plugins.module_utils._backup._layout import ALL_SECTIONS  # noqa: E402
from ansible_collections.descope.mgmt.plugins.module_utils._pipeline import run_task  # noqa: E402


def delayed(emulator: bt.Emulator, seconds: float) -> None:
    emulator.control("POST", "faults", {"faults": [{"path": "*", "kind": "delay", "seconds": seconds, "count": None}]})


PER_TENANT_READS = ("/v1/mgmt/tenant/settings", "/v1/mgmt/password/settings", "/v2/mgmt/sso/settings/all")


def row(
    label: str,
    elapsed: float,
    log: list[dict[str, t.Any]],
    concurrency: int,
    delay: float,
    chain: int,
    fanned_path: str | None,
    fanned: int | None = None,
) -> dict[str, t.Any]:
    """One table row; ``fanned_path``: the requests the chain unlocks (None: the writes), or their count ``fanned``."""
    if fanned is None:
        fanned = sum(1 for r in log if (r["path"] == fanned_path if fanned_path else r["write"]))
    stamped = [r for r in log if r.get("started") is not None and r.get("ended") is not None]
    wire = (max(r["ended"] for r in stamped) - min(r["started"] for r in stamped)) if stamped else float("nan")
    rounds = max(chain + math.ceil(fanned / concurrency), 1 + math.ceil((len(log) - 1) / concurrency))
    return {
        "label": label,
        "requests": len(log),
        "writes": sum(1 for r in log if r["write"]),
        "in_flight": max((int(r.get("in_flight") or 1) for r in log), default=0),
        "concurrency": concurrency,
        "seconds": elapsed,
        "wire": wire,
        "floor": rounds * delay,
    }


def explain(log: list[dict[str, t.Any]]) -> None:
    """Per path: how many requests, the most in flight at once and the span they took (where a run waits)."""
    paths: dict[str, list[dict[str, t.Any]]] = {}
    for entry in log:
        paths.setdefault(f"{entry['method']} {entry['path']}", []).append(entry)
    print("| path | requests | most in flight | first start (s) | last end (s) |", file=sys.stderr)
    origin = min(e["started"] for e in log)
    for name, entries in sorted(paths.items(), key=lambda kv: min(e["started"] for e in kv[1])):
        print(
            f"| {name} | {len(entries)} | {max(int(e.get('in_flight') or 1) for e in entries)} | "
            f"{min(e['started'] for e in entries) - origin:.2f} | {max(e['ended'] for e in entries) - origin:.2f} |",
            file=sys.stderr,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n", maxsplit=1)[0])
    parser.add_argument("--tenants", type=int, default=200)
    parser.add_argument("--flows", type=int, default=50)
    parser.add_argument("--delay", type=float, default=0.05)
    parser.add_argument("--explain", action="store_true", help="per path: requests, most in flight, span (restore)")
    opts = parser.parse_args()
    emulator = bt.Emulator()
    env = emulator.env
    rows = []
    try:
        with tempfile.TemporaryDirectory(prefix="bench-latency-") as tmp:
            work = pathlib.Path(tmp)
            items = bt.declared(opts.tenants)
            for label in (f"descope_tenant: create {opts.tenants}", f"descope_tenant: no-op {opts.tenants}"):
                if "create" in label:
                    emulator.reset()
                emulator.control("DELETE", "requests")
                delayed(emulator, opts.delay)
                params = {name: opt.get("default") for name, opt in _tenant.ARGUMENT_SPEC.items()}
                params.update(tenants=items, concurrency=8)
                start = time.monotonic()
                result = run_task(_tenant.SPEC, params, check_mode=False, diff=False, environ=env, warn=lambda _m: None)
                elapsed = time.monotonic() - start
                if result.get("failed"):
                    raise SystemExit(f"{label} failed: {result.get('msg')}")
                emulator.control("DELETE", "faults")
                rows.append(row(label, elapsed, emulator.control("GET", "requests")["requests"], 8, opts.delay, 2, None))

            emulator.reset()
            delayed(emulator, opts.delay)
            start = time.monotonic()
            sdk.sdk_run(emulator, items, work)  # type: ignore[arg-type]
            elapsed = time.monotonic() - start
            emulator.control("DELETE", "faults")
            log = emulator.control("GET", "requests")["requests"]
            rows.append(row(f"official SDK script, sequential: create {opts.tenants}", elapsed, log, 1, opts.delay, 2, None))

            emulator.reset()
            src = work / "flows"
            src.mkdir()
            bench_flows.write_exports(src, [bench_flows.make_flow(i) for i in range(opts.flows)])
            emulator.control("DELETE", "requests")
            delayed(emulator, opts.delay)
            args = {"src_dir": str(src), "state": "present", "prune": False, "protected_ids": [], "concurrency": 4}
            start = time.monotonic()
            result = run_task(_flow.SPEC, args, check_mode=False, diff=False, environ=env, warn=lambda _m: None)
            elapsed = time.monotonic() - start
            if result.get("failed"):
                raise SystemExit(f"flow deploy failed: {result.get('msg')}")
            emulator.control("DELETE", "faults")
            log = emulator.control("GET", "requests")["requests"]
            rows.append(row(f"descope_flow: deploy {opts.flows} new flows", elapsed, log, 4, opts.delay, 2, "/v2/mgmt/flow/import"))

            bench_backup.seed(env, 100, opts.flows)
            emulator.control("DELETE", "requests")
            delayed(emulator, opts.delay)
            args = {"backup_dir": str(work / "backups"), "state": "present", "force": False, "prune": False, "protected_ids": []}
            args["include"] = list(_backup.SECTIONS)
            args["concurrency"] = 8
            start = time.monotonic()
            result = run_task(_backup.SPEC, args, check_mode=False, diff=False, environ=env, warn=lambda _m: None)
            elapsed = time.monotonic() - start
            if result.get("failed"):
                raise SystemExit(f"backup failed: {result.get('msg')}")
            emulator.control("DELETE", "faults")
            log = emulator.control("GET", "requests")["requests"]
            rows.append(row(f"descope_backup: {opts.flows} flows, 100 tenants", elapsed, log, 8, opts.delay, 2, "/v2/mgmt/flow/export"))

            # every section: the per-tenant reads (settings, password policy, SSO) fan out from the tenant list
            emulator.control("DELETE", "requests")
            delayed(emulator, opts.delay)
            full = {**args, "include": list(ALL_SECTIONS), "force": True}
            start = time.monotonic()
            result = run_task(_backup.SPEC, full, check_mode=False, diff=False, environ=env, warn=lambda _m: None)
            elapsed = time.monotonic() - start
            if result.get("failed"):
                raise SystemExit(f"full backup failed: {result.get('msg')}")
            emulator.control("DELETE", "faults")
            log = emulator.control("GET", "requests")["requests"]
            per_tenant = sum(1 for r in log if r["path"] in PER_TENANT_READS)
            rows.append(row(f"descope_backup: every section, {opts.flows} flows, 100 tenants", elapsed, log, 8, opts.delay, 2, None, per_tenant + opts.flows))

            # restore into an emptied project: chain handshake -> the reads that plan it -> the writes
            bench_backup.seed(env, 0, 0)  # the same project (attribute definitions), no tenant and no flow
            emulator.control("DELETE", "requests")
            delayed(emulator, opts.delay)
            restore = {**args, "state": "restored", "backup": "latest", "include": list(ALL_SECTIONS)}
            start = time.monotonic()
            result = run_task(_backup.SPEC, restore, check_mode=False, diff=False, environ=env, warn=lambda _m: None)
            elapsed = time.monotonic() - start
            if result.get("failed"):
                raise SystemExit(f"restore failed: {result.get('msg')}")
            emulator.control("DELETE", "faults")
            log = emulator.control("GET", "requests")["requests"]
            rows.append(row(f"descope_backup: restore {opts.flows} flows, 100 tenants", elapsed, log, 8, opts.delay, 3, None))
            if opts.explain:
                explain(log)

            # the same restore again: nothing to write, every tenant's settings, policy and SSO read to compare
            emulator.control("DELETE", "requests")
            delayed(emulator, opts.delay)
            start = time.monotonic()
            result = run_task(_backup.SPEC, restore, check_mode=False, diff=False, environ=env, warn=lambda _m: None)
            elapsed = time.monotonic() - start
            if result.get("failed") or result.get("changed"):
                raise SystemExit(f"second restore: {result.get('msg')}")
            emulator.control("DELETE", "faults")
            log = emulator.control("GET", "requests")["requests"]
            per_tenant = sum(1 for r in log if r["path"] in PER_TENANT_READS)
            rows.append(row("descope_backup: restore again, nothing to write, 100 tenants", elapsed, log, 8, opts.delay, 2, None, per_tenant + opts.flows))
    finally:
        emulator.stop()
    print(f"Every request delayed {opts.delay * 1000:.0f} ms by the emulator.\n")
    print("| run | requests | writes | concurrency | most in flight | seconds | floor (s) | ratio to floor | on the wire (s) | wire / floor |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        cells = f"{r['requests']} | {r['writes']} | {r['concurrency']} | {r['in_flight']} | {r['seconds']:.2f} | {r['floor']:.2f}"
        cells += f" | {r['seconds'] / r['floor']:.2f} | {r['wire']:.2f} | {r['wire'] / r['floor']:.2f}"
        print(f"| {r['label']} | {cells} |")
    print(json.dumps(rows), file=sys.stderr)


if __name__ == "__main__":
    main()
