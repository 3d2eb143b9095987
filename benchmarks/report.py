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
import json
import math
import os
import pathlib
import platform
import re
import subprocess
import sys
import tempfile
import time
import typing as t

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


SECTIONS += [
    (
        "Roles and permissions",
        "bench_authz.py",
        [],
        ["--sizes", "50", "--changes", "1,10"],
        """`descope_role` / `descope_permission` set mode (see the script's docstring) on projects of the given size.""",
        "",
    ),
    (
        "Faulty network and rate limits (client and module)",
        "bench_rate_limit.py",
        ["--tenants", "300", "--capacity", "20", "--refill", "50"],
        ["--tenants", "60", "--capacity", "20", "--refill", "50"],
        """First table: one set-mode `descope_tenant` run (in process, default settings) under the emulator's token bucket.
Second table: a 50-tenant sync with `prune: true` (25 updated, 25 created, 10 deleted) through a proxy on 127.0.0.1 that
answers every 2nd request 429, every 3rd 503 and resets the connection of every 5th after forwarding it (so the write
happened and its answer is lost). "client contract" is the same sync written directly against `DescopeClient`;
"descope_tenant module" is the module. Passes to converge counts runs of the whole sync (goal: 1).""",
        """- Updates and deletes are repeated (idempotent), a create whose answer was lost is resolved by a lookup before it is
  sent again, so no create is doubled ("duplicate creates" counts the emulator's "already exists" answers).
- A retry of a request safe to repeat spends the `retries` budget only while the API answers none of the run's other
  requests; while others get through the API is up and the fault is transient (hard cap: 4 x `retries` attempts).""",
    ),
    (
        "Real latency",
        "bench_latency.py",
        ["--tenants", "200", "--flows", "50", "--delay", "0.05"],
        ["--tenants", "40", "--flows", "10", "--delay", "0.05"],
        """The emulator's `delay` fault adds 50 ms to every request, standing in for the round trip to the real API. Each
row runs in process (the action plugin's path, start-up of `ansible-playbook` excluded); the official-SDK script
(the one of the SDK comparison below) runs as its own interpreter. The floor is the least time the requests need at 50 ms
each with `concurrency` in flight: the chain of requests that each wait for an earlier answer (the licence handshake,
whose tier every later request carries, then the list that plans the run: the tenant list, or the flow list whose
ids the exports need), then the writes or exports that list unlocks, spread over the pool; never less than every
request after the handshake spread over the pool. A backup's tenant list, theme and snapshot need no other answer
and go out beside its flow list, so they add no round. "most in flight" is read from the emulator's request log.""",
        """- "ratio to floor" includes the engine's own start-up (imports, argument validation) and client-side CPU per request on the
  shared 2-core machine; the no-op row shows that fixed part (2 requests). The backup row also includes writing its
  files (each fsync'ed before the directory is renamed into place, 8 at a time), which no request count shows.
- "on the wire" is measured by the emulator (first request received to last answer sent); "wire / floor" is how
  well a row uses its concurrency, whatever the local disk and CPU cost around it.""",
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


# (label, capacity, refill per second). Descope publishes "100 requests per 60 seconds" as the general limit and
# "1000 requests per 10 seconds" for backend SDK traffic (https://docs.descope.com/rate-limiting); scaled down in time
# a window of 60 s becomes 6 s (x10) or 2 s (x30): the same bucket size, a 10x or 30x faster refill.
BUCKETS = [
    ("capacity 20, refill 50/s", 20, 50.0),
    ("capacity 50, refill 50/s", 50, 50.0),
    ("Descope 100 / 60 s, time x10", 100, 100 / 6.0),
    ("Descope 100 / 60 s, time x30", 100, 100 / 2.0),
    ("Descope 1000 / 10 s, time x20", 1000, 2000.0),
]


def rate_limit_rows(quick: bool) -> list[tuple[str, int, float, int, int, int, int, float, float]]:
    """The tests/reliability sustained-limit scenario, measured here for the report."""
    from bench_tenants import Emulator  # pylint: disable=import-outside-toplevel

    from ansible_collections.descope.mgmt.plugins.module_utils import _tenant  # pylint: disable=import-outside-toplevel
    from ansible_collections.descope.mgmt.plugins.module_utils._pipeline import run_task  # pylint: disable=import-outside-toplevel

    size = 100 if quick else 300
    rows = []
    emulator = Emulator()
    try:
        for label, capacity, refill in BUCKETS if not quick else BUCKETS[:2]:
            emulator.reset()
            emulator.control("POST", "config", {"rateLimit": {"capacity": capacity, "refillPerSecond": refill}})
            params = {name: opt.get("default") for name, opt in _tenant.ARGUMENT_SPEC.items()}
            params["tenants"] = [{"id": f"rl{n:04d}", "name": f"Rate limited {n}"} for n in range(size)]
            start = time.monotonic()
            result = run_task(_tenant.SPEC, params, check_mode=False, diff=False, environ=emulator.env, warn=lambda _m: None)
            elapsed = time.monotonic() - start
            failed = int(result.get("descope_audit", {}).get("counts", {}).get("failed") or (1 if result.get("failed") else 0))
            log = emulator.control("GET", "requests")["requests"]
            accepted = sum(1 for r in log if r["status"] == 200)
            limited = sum(1 for r in log if r["status"] == 429)
            floor = (accepted - capacity) / refill
            rows.append((label, capacity, refill, size, accepted, limited, failed, elapsed, max(floor, 1e-3)))
    finally:
        emulator.stop()
    return rows


COLOURS = {"debug baseline": "#888888", "no-op": "#1f77b4", "5% changed": "#2ca02c", "create": "#d62728"}


def svg_chart(rows: list[dict[str, t.Any]], key: str, title: str, unit: str) -> str:
    """A log-log line chart of ``key`` against tenants, one line per scenario (plain SVG, no plotting library)."""
    width, height, left, right, top, bottom = 560, 340, 64, 150, 34, 44
    points = [(r["tenants"], r[key]) for r in rows if r[key] > 0]
    xs = sorted({x for x, _y in points})
    lo_y = 10 ** math.floor(math.log10(min(y for _x, y in points)))
    hi_y = 10 ** math.ceil(math.log10(max(y for _x, y in points)))
    lo_x, hi_x = xs[0], xs[-1] if xs[-1] > xs[0] else xs[0] * 10

    def px(x: float) -> float:
        return left + (math.log10(x) - math.log10(lo_x)) / (math.log10(hi_x) - math.log10(lo_x)) * (width - left - right)

    def py(y: float) -> float:
        return height - bottom - (math.log10(y) - math.log10(lo_y)) / max(1e-9, math.log10(hi_y) - math.log10(lo_y)) * (height - top - bottom)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="11">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<text x="{left}" y="18" font-size="13">{title}</text>',
    ]
    for x in xs:
        out.append(f'<line x1="{px(x):.1f}" y1="{top}" x2="{px(x):.1f}" y2="{height - bottom}" stroke="#eee"/>')
        out.append(f'<text x="{px(x):.1f}" y="{height - bottom + 16}" text-anchor="middle">{x:,}</text>')
    y = lo_y
    while y <= hi_y * 1.0001:
        out.append(f'<line x1="{left}" y1="{py(y):.1f}" x2="{width - right}" y2="{py(y):.1f}" stroke="#eee"/>')
        out.append(f'<text x="{left - 6}" y="{py(y) + 4:.1f}" text-anchor="end">{y:g}</text>')
        y *= 10
    out.append(f'<text x="{(left + width - right) / 2:.0f}" y="{height - 8}" text-anchor="middle">tenants (log scale)</text>')
    mid = (top + height - bottom) / 2
    out.append(f'<text x="14" y="{mid:.0f}" transform="rotate(-90 14 {mid:.0f})" text-anchor="middle">{unit} (log scale)</text>')
    for n, (scenario, colour) in enumerate(COLOURS.items()):
        series = sorted((r["tenants"], r[key]) for r in rows if r["scenario"] == scenario and r[key] > 0)
        if not series:
            continue
        path = " ".join(f"{px(x):.1f},{py(v):.1f}" for x, v in series)
        out.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{path}"/>')
        out.extend(f'<circle cx="{px(x):.1f}" cy="{py(v):.1f}" r="3" fill="{colour}"/>' for x, v in series)
        out.append(
            f'<line x1="{width - right + 12}" y1="{top + 10 + n * 18}" x2="{width - right + 32}" y2="{top + 10 + n * 18}" stroke="{colour}" stroke-width="2"/>'
        )
        out.append(f'<text x="{width - right + 38}" y="{top + 14 + n * 18}">{scenario}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


# What a profile of the controller showed (issue 17): py-spy on whole ansible-playbook runs (main process and forked
# worker, all threads) and cProfile of the in-process path, creating 10,000 tenants; static text, measured once.
PROFILE_NOTES = """### Where the controller's CPU goes (profiles)

Profiled once for issue 17 (cProfile of the in-process path with 5,000 creates at `concurrency: 1`, so every call is
in one thread; CPU seconds of the action plugin's steps with `time.process_time` inside whole `ansible-playbook`
runs of 10,000 tenants; before and after in one session on the shared 2-core machine, load average 4 to 8):

- Before: the HTTP stack was 87 % of the busy time of a create run. Within it requests' `Session.request` read the
  environment on every call (`merge_environment_settings`: proxy and CA-bundle variables, `os.environ` scanned twice,
  27 %) and merged session settings through slow runtime type checks (9 %): about 0.35 ms of CPU per request. In
  `ansible-playbook`, ansible-core's argument validator deep-copied the 10,000 tagged `tenants` mappings: 1.9 s per
  run, the no-op included. `current_view` ran 4 times per existing tenant (20 % of a no-op's in-process CPU).
- After: the client reads that environment once per task and prepares the request itself (the same request);
  the validator gets `{}` in place of each mapping, which it never looks inside (0.01 s); `current_view` runs once
  per tenant; indexes replace the scans that were O(n^2) for sub-tenants and default roles; a phase's writes run on
  worker threads instead of one future each (about 0.5 s less per 10,000 writes). Per create the controller now
  spends about 0.5 ms in requests/urllib3/http.client (81 % of the busy time; a bare `http.client` request costs
  0.16 ms), the collection's own code (checks, planning, result, audit block, pacing, threads) about 19 %.
- Not changed, on purpose: the result carries every item and its audit operation (the documented return and the
  audit trail), and ansible-core's own handling of that result (copy, transfer to the controller process, callbacks)
  grows with it; the audit journal (when the callback is enabled) writes and syncs one line before each write."""


def growth_section(quick: bool, out_dir: pathlib.Path) -> str:
    """bench_scale.py: the growth table, two SVG charts next to performance.md, and the no-op ratio to the debug baseline."""
    with tempfile.TemporaryDirectory() as tmp:
        data = pathlib.Path(tmp) / "scale.json"
        output, elapsed = run_script("bench_scale.py", ["--quick" if quick else "--sizes=10,100,1000,10000", "--json", str(data)])
        rows = json.loads(data.read_text(encoding="utf-8"))
    (out_dir / "performance-growth-time.svg").write_text(svg_chart(rows, "wall", "Wall time of one ansible-playbook run", "seconds"), encoding="utf-8")
    (out_dir / "performance-growth-requests.svg").write_text(svg_chart(rows, "requests", "Requests per run", "requests"), encoding="utf-8")
    big = max(r["tenants"] for r in rows)
    noop = next(r for r in rows if r["tenants"] == big and r["scenario"] == "no-op")
    create = next(r for r in rows if r["tenants"] == big and r["scenario"] == "create")
    base = next(r for r in rows if r["tenants"] == big and r["scenario"] == "debug baseline")
    own = create["controller_cpu"] - base["controller_cpu"]  # bench_scale's collection CPU column
    ratio = own / create["emulator_cpu"] if create["emulator_cpu"] > 0 else float("inf")
    writes = create["controller_cpu"] - noop["controller_cpu"]  # independent of the debug row (which also prints the items)
    command = ".venv/bin/python benchmarks/bench_scale.py" + (" --quick" if quick else "")
    return "\n".join(
        [
            "## Growth with the number of tenants",
            "",
            f"Alone: `{command}` ({elapsed:.0f} s here).",
            "",
            "Whole `ansible-playbook` runs of one set-mode `descope_tenant` task (`concurrency: 8`), next to the cost of",
            '`ansible-playbook` itself carrying the same N-item variable to one `ansible.builtin.debug` task (`msg: "{{ tenants }}"`),',
            "measured in the same run. CPU seconds come from `os.wait4` on the playbook (the controller process tree) and from",
            '`/proc` for the emulator; peak RSS is the largest process of the controller tree. "collection CPU" is the',
            "controller's CPU minus the debug baseline's at the same N: what the collection itself adds (plugin imports, argument",
            "validation, planning, one HTTP request per write, the result) once ansible-playbook's own cost of loading and",
            "templating the variable is taken out. It is a difference of two runs, and the debug task also prints the N items,",
            "which a `descope_tenant` task does not: at 10,000 that printing alone moves by seconds on a busy machine, so a no-op's",
            "collection CPU can come out negative. The create - no-op difference given below does not depend on the debug row.",
            "Requests include the licence handshake (`GET /v1/mgmt/license`, once per run, as the official SDKs do): a no-op is",
            "that plus one tenant list.",
            "",
            as_markdown(output),
            "",
            "![wall time against tenants](performance-growth-time.svg)",
            "![requests against tenants](performance-growth-requests.svg)",
            "",
            f"- No-op over {big:,} tenants: {noop['wall']:.2f} s against {base['wall']:.2f} s for the debug task, **{noop['x_debug']:.2f}x**"
            f" (goal: at most 1.3x); controller peak RSS {noop['peak_rss_mb']:.0f} MB against {base['peak_rss_mb']:.0f} MB.",
            f"- Creating {big:,} tenants: the controller used {create['controller_cpu']:.1f} CPU seconds, of which"
            f" {base['controller_cpu']:.1f} are ansible-playbook carrying the variable (the debug row) and {own:.1f} the"
            f" collection's own; the emulator used {create['emulator_cpu']:.1f}. Collection / emulator = **{ratio:.2f}**"
            " (goal: at most 1, the run bounded by the emulator standing in for the API, not by the collection). Counted without"
            f" the debug row, the create run used {writes:.1f} CPU seconds more than the no-op run (the same variable, plugin and"
            f" planning: what the writes cost the controller), {writes / max(create['emulator_cpu'], 1e-9):.2f} of the emulator's."
            " On 2 shared cores both compete for the same CPUs, so the emulator's CPU also grows when the machine is busy.",
            "",
            PROFILE_NOTES,
            "",
        ]
    )


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

    print("running bench_scale.py ...", flush=True)
    parts.insert(0, growth_section(opts.quick, pathlib.Path(opts.out).parent))

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
        "| bucket | capacity | refill (/s) | tenants | accepted requests | answered 429 | failed items | seconds | floor (s) | ratio |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for label, capacity, refill, size, accepted, limited, failed, elapsed, floor in rl:
        lines.append(
            # a bucket the run never empties has no floor: a ratio to ~0 s would read as a slowdown it is not
            f"| {label} | {capacity} | {refill:.4g} | {size} | {accepted} | {limited} | {failed} | {elapsed:.2f} | "
            + (f"{floor:.2f} | {elapsed / floor:.2f} |" if accepted > capacity else "- (never emptied) | - |")
        )
    lines += [
        "",
        "- Descope's published limits (https://docs.descope.com/rate-limiting): 100 requests per 60 s in general, 1000 per",
        "  10 s for backend SDK traffic, with a backoff as long as the window; user-management paths have their own. They are",
        "  scaled down in time (the same bucket, a faster refill) so a run lasts seconds. A bucket larger than the run (the",
        "  last row) has no floor: the run never empties it, and no 429 was answered.",
        "- The client paces itself (`_pacing.py`, the AWS SDKs' adaptive mode): the first 429s measure the rate the API",
        "  accepts, later requests are spaced to it, so a whole run sees a few dozen 429s, not one per request.",
        "- A 429 spends the item's retry budget only while the API serves none of the run's other requests, so no item",
        "  fails under any bucket that refills; an API refusing everything still ends the run (4 x `retries` answers).",
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
