# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run every benchmark script in one go and regenerate docs/performance.md from what they print.

    .venv/bin/python benchmarks/report.py [--quick] [--out docs/performance.md]

Each script starts its own emulator on 127.0.0.1 and needs nothing else. All figures of one report come
from one run on one machine, so the ratios between rows are comparable; absolute times are not comparable
between machines or runs (loopback timings on the 2-core dev machine vary by about +-15-40 %). ``--quick``
uses small sizes (for checking the script, not for publishing).
"""

from __future__ import annotations

import argparse
import datetime
import os
import pathlib
import platform
import re
import subprocess
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
import collection_path  # noqa: E402  # pylint: disable=wrong-import-position

collection_path.ensure()

REPRODUCE = ".venv/bin/python benchmarks/report.py"

# (title, script, full-size arguments, quick arguments, text before the figures, notes after them)
SECTIONS: list[tuple[str, str, list[str], list[str], str, str]] = [
    (
        "Tenants",
        "bench_tenants.py",
        [],
        ["--sizes", "10,100", "--loop", "20"],
        """Every figure is a whole `ansible-playbook` run (start-up included) against the emulator on loopback; requests and
writes come from the emulator's request log. Set mode: one `descope_tenant` task with `tenants:` (each tenant has a
name, a domain and a custom attribute), `concurrency: 8`; "5% changed" sets `disabled: true` on every 20th tenant.
The loop rows run 100 single-mode tasks over existing, unchanged tenants (each item one `GET /v1/mgmt/tenant?id=`),
next to a loop of `ansible.builtin.uri` tasks sending the same reads; per item = (wall time - start-up of a one-task
playbook) / items.""",
        """- Set mode needs exactly 1 + the number of changed tenants: one `GET /v1/mgmt/tenant/all`, then one write per
  difference (a tenant whose `default_roles` also change adds one `updateDefaultRoles` call). A no-op run is one request.
- The action plugin runs the engine in the controller process and reuses one keep-alive connection across loop items,
  so a loop item costs milliseconds; the module path (and `uri`) pays AnsiballZ packaging and a new interpreter per item.
- Against the real API each write is a round trip of tens of milliseconds; with `concurrency: 8` expect about
  `changes / 8` round trips. A 429 pauses every worker for `Retry-After` (capped by `retry_max_wait`).""",
    ),
    (
        "Flows",
        "bench_flows.py",
        ["--flows", "50", "--changed", "5"],
        ["--flows", "10", "--changed", "2"],
        """`descope_flow` with `src_dir` of exported flows, all already deployed (`nothing changed`) and with some files
edited. "engine" calls the module logic in process; "playbook" is a whole `ansible-playbook` run through the action plugin.""",
        """- The minimum for comparing contents: the flow list carries no content digest, so every declared flow that exists
  is exported once (v2) and compared locally; only differing flows are imported. Pruned flows add one `flow/delete`
  request in total.
- Exports and imports run on a bounded pool (`concurrency`, default 4); against the real API expect roughly
  `flows / concurrency` round trips for the exports.""",
    ),
    (
        "Backups",
        "bench_backup.py",
        ["--tenants", "1000", "--flows", "50"],
        ["--tenants", "100", "--flows", "10"],
        """`descope_backup` on a project of tenants (each with a domain and a custom attribute), flows and a theme, run in
process (what the action plugin does on the controller; a playbook adds its start-up), `concurrency: 8`. Between the
backups and the restores the project is changed (5 % of tenants updated, 10 deleted, 10 added, 5 flows edited,
2 deleted); the restore uses `prune: true`.""",
        """- A backup reads everything once (one tenant list, one flow list, one v2 export per flow, the theme, the snapshot):
  flows + 4 requests, the minimum. Nothing is written to disk when the content equals the newest backup.
- A restore makes the same reads, compares locally through the tenant and flow engines and writes exactly the
  differences; check mode makes the reads and no write.""",
    ),
    (
        "The same tenant sync with the official Python SDK",
        "bench_sdk_comparison.py",
        ["--sizes", "100,1000"],
        ["--sizes", "50"],
        """The tenant sync of the set-mode rows written as a plain script with the official SDK (`descope`): load all
tenants once, create the missing ones, update the ones that differ, sequentially (the SDK client is synchronous). It
runs as its own interpreter, so it pays Python start-up and `import descope`, the way a user would run it. "collection,
engine" is `descope_tenant` in process; "collection, playbook" a whole `ansible-playbook` run. The last column is the
row's wall time divided by the SDK script's for the same scenario, measured in the same run.""",
        """- The SDK script makes one extra request per run: the SDK client's constructor reads the project licence
  (`GET /v1/mgmt/license`) before anything else. Otherwise both make the minimum: one list, one write per difference.
- The collection's writes run on `concurrency` workers where the plain script writes one at a time; the playbook row
  adds `ansible-playbook` start-up, which dominates small runs.""",
    ),
]


def run_script(script: str, args: list[str]) -> tuple[str, float]:
    start = time.monotonic()
    proc = subprocess.run([sys.executable, str(HERE / script), *args], capture_output=True, text=True, timeout=3600, check=False)  # noqa: S603
    elapsed = time.monotonic() - start
    if proc.returncode != 0:
        raise SystemExit(f"{script} failed (rc {proc.returncode}):\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}")
    return proc.stdout.strip(), elapsed


def as_markdown(output: str) -> str:
    """Markdown tables stay as they are (their headings one level down); a plain-text table goes into a code block."""
    if "|---" in output:
        return re.sub(r"^(#+) ", r"\1# ", output, flags=re.M)
    return f"```text\n{output}\n```"


def rate_limit_rows(quick: bool) -> list[tuple[int, float, int, int, int, float, float]]:
    """The tests/reliability sustained-limit scenario, measured here for the report."""
    from bench_tenants import Emulator  # pylint: disable=import-outside-toplevel

    from ansible_collections.descope.mgmt.plugins.module_utils import _tenant  # pylint: disable=import-outside-toplevel
    from ansible_collections.descope.mgmt.plugins.module_utils._pipeline import run_task  # pylint: disable=import-outside-toplevel

    size = 100 if quick else 300
    rows = []
    emulator = Emulator()
    try:
        for capacity, refill in ((50, 50.0), (20, 50.0)):
            emulator.reset()
            emulator.control("POST", "config", {"rateLimit": {"capacity": capacity, "refillPerSecond": refill}})
            params = {name: opt.get("default") for name, opt in _tenant.ARGUMENT_SPEC.items()}
            params["tenants"] = [{"id": f"rl{n:04d}", "name": f"Rate limited {n}"} for n in range(size)]
            start = time.monotonic()
            result = run_task(_tenant.SPEC, params, check_mode=False, diff=False, environ=emulator.env, warn=lambda _m: None)
            elapsed = time.monotonic() - start
            if result.get("failed"):
                raise SystemExit(f"rate-limited run failed: {result.get('msg')}")
            log = emulator.control("GET", "requests")["requests"]
            accepted = sum(1 for r in log if r["status"] == 200)
            limited = sum(1 for r in log if r["status"] == 429)
            floor = (accepted - capacity) / refill
            rows.append((capacity, refill, size, accepted, limited, elapsed, floor))
    finally:
        emulator.stop()
    return rows


def minimum_rows(tenant_output: str) -> list[str]:
    """Requests made next to the minimum, for the set-mode rows (1 list + 1 write per changed tenant)."""
    out = []
    for match in re.finditer(r"^\| (create|no-op|5% changed) \| (\d+) \| (\d+) \| (\d+) \|", tenant_output, re.M):
        label, n, requests, writes = match.group(1), int(match.group(2)), int(match.group(3)), int(match.group(4))
        changed = {"create": n, "no-op": 0, "5% changed": (n + 19) // 20}[label]
        out.append(f"| tenants, set mode, {label} | {n} | {1 + changed} | {requests} | {writes} |")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n", maxsplit=1)[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, to check the script")
    parser.add_argument("--out", default=str(REPO / "docs" / "performance.md"))
    opts = parser.parse_args()

    import ansible  # pylint: disable=import-outside-toplevel

    started = time.monotonic()
    parts: list[str] = []
    outputs: dict[str, str] = {}
    for title, script, full, quick, intro, notes in SECTIONS:
        args = quick if opts.quick else full
        print(f"running {script} {' '.join(args)} ...", flush=True)
        output, elapsed = run_script(script, args)
        outputs[script] = output
        command = f".venv/bin/python benchmarks/{script} {' '.join(args)}".rstrip()
        parts.append(f"## {title}\n\nAlone: `{command}` ({elapsed:.0f} s here).\n\n{intro}\n\n{as_markdown(output)}\n\n{notes}\n")

    print("running the sustained rate limit ...", flush=True)
    rl = rate_limit_rows(opts.quick)
    lines = [
        "## Sustained rate limit",
        "",
        "The emulator's token bucket (capacity C, refill R per second) against one set-mode `descope_tenant` task creating",
        "N tenants with the default retry settings (`retries: 4`, `retry_max_wait: 60`, `concurrency: 4`). No client can",
        "finish faster than the floor (accepted requests - C) / R. The same scenario is the test",
        "`tests/reliability/test_sustained_rate_limit.py` (which asserts convergence and prints the ratio).",
        "",
        "| capacity | refill (/s) | tenants | accepted requests | answered 429 | seconds | floor (s) | ratio |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for capacity, refill, size, accepted, limited, elapsed, floor in rl:
        lines.append(f"| {capacity} | {refill:g} | {size} | {accepted} | {limited} | {elapsed:.2f} | {floor:.2f} | {elapsed / floor:.2f} |")
    lines += [
        "",
        "- Every run converged with no failed tenant; each 429 was retried (never a duplicate write).",
        "- Retry-After comes in whole seconds, so after a pause the client finds at most C tokens: when C is at least one",
        "  second of refill the run stays close to the floor; with a smaller bucket (second row) even a perfect client",
        "  waits about R / C times longer than the floor. That is the server's Retry-After granularity, not client overhead.",
        "",
    ]
    parts.append("\n".join(lines))

    minimum = minimum_rows(outputs.get("bench_tenants.py", ""))
    if minimum:
        parts.append(
            "\n".join(
                [
                    "## Requests: the minimum next to what was made",
                    "",
                    "The minimum for a declared-state sync is one list plus one write per object that differs (a flow sync adds one",
                    "export per existing declared flow, since the list carries no content digest; a backup is flows + 4 reads).",
                    "",
                    "| operation | objects | minimum requests | requests made | writes |",
                    "|---|---:|---:|---:|---:|",
                    *minimum,
                    "",
                ]
            )
        )

    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")  # noqa: UP017
    header = [
        "# Performance",
        "",
        f"Generated by `benchmarks/report.py` on {now}: {os.cpu_count()} CPU(s), Python {platform.python_version()}, "
        f"ansible-core {ansible.__version__ if hasattr(ansible, '__version__') else '?'}, against the emulator on 127.0.0.1"
        + (" (quick sizes: not for publishing)" if opts.quick else "")
        + f"; the whole report took {time.monotonic() - started:.0f} s.",
        "",
        "Reproduce everything from a clone (`scripts/test build` or `scripts/demo` creates `.venv` first; each script",
        "starts its own emulator and uses the working tree's collection, nothing else is needed):",
        "",
        "```",
        REPRODUCE,
        "```",
        "",
        "All figures below come from that one run, so rows can be compared with each other; loopback timings vary between",
        "runs on the 2-core dev machine by about +-15-40 %, request counts do not vary.",
        "",
    ]
    pathlib.Path(opts.out).write_text("\n".join(header) + "\n" + "\n".join(parts), encoding="utf-8")
    print(f"wrote {opts.out}")


if __name__ == "__main__":
    main()
