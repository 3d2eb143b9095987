# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Growth of a set-mode descope_tenant run with N tenants, next to ansible-playbook's own cost.

Starts its own emulator (tests/emulator, loopback only). For each N it runs whole ``ansible-playbook``
processes and prints one table row per scenario:

* ``debug baseline``: one ``ansible.builtin.debug`` task given the same N-item variable
  (``msg: "{{ tenants }}"``), the cost of ansible-playbook itself carrying that variable to a task;
* ``create`` (from an empty project), ``no-op`` (the same list again), ``5% changed`` (every 20th disabled):
  one ``descope.mgmt.descope_tenant`` task with ``tenants:`` and ``concurrency: 8``.

Per row: wall time, requests and writes (emulator request log), CPU seconds of the controller (the
ansible-playbook process tree, from ``os.wait4``), the collection's own CPU seconds (the controller's minus the
debug baseline's at the same N: what ansible-playbook spends on the variable is not the collection's), CPU seconds
of the emulator process over the same run (``/proc/<pid>/stat``), the controller's peak RSS, and ``x debug``: wall
time / the debug baseline's. A last line gives the split for creating the largest N: collection CPU / emulator CPU
(at or below 1: the run is bounded by the emulator, standing in for the API, not by the collection), and the same
with the create run's CPU beyond the no-op run's in place of the debug-baseline difference (the debug task also
prints the N items, which moves its CPU by seconds at 10,000).

Usage: python benchmarks/bench_scale.py [--sizes 10,100,1000,10000] [--quick] [--json FILE]
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

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import bench_tenants as bt  # noqa: E402  # pylint: disable=wrong-import-position

TICK = os.sysconf("SC_CLK_TCK")


def emulator_cpu(emulator: bt.Emulator) -> float:
    fields = pathlib.Path(f"/proc/{emulator.process.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime


class MeasuredRunner(bt.Runner):
    """bt.Runner, but each run also reports controller CPU time and peak RSS (os.wait4 on the playbook)."""

    def measure(self, tasks: list[dict[str, t.Any]], vars_: dict[str, t.Any]) -> dict[str, float]:
        book, env = self.prepare(tasks, vars_=vars_)
        emu_before = emulator_cpu(self.emulator)
        out = open(self.work / f"out{self.runs}.txt", "w+")  # noqa: SIM115  # pylint: disable=consider-using-with
        start = time.monotonic()
        proc = subprocess.Popen([bt.PLAYBOOK_BIN, "-i", str(self.work / "inventory.ini"), str(book)], env=env, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.monotonic() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read()
        out.close()
        if proc.returncode != 0:
            raise SystemExit(f"playbook failed:\n{text[-3000:]}")
        return {
            "wall": wall,
            "controller_cpu": usage.ru_utime + usage.ru_stime,
            "emulator_cpu": emulator_cpu(self.emulator) - emu_before,
            "peak_rss_mb": usage.ru_maxrss / 1024.0,  # kilobytes on Linux; the largest process of the tree
        }


def run(sizes: list[int]) -> list[dict[str, t.Any]]:
    emulator = bt.Emulator()
    rows: list[dict[str, t.Any]] = []
    try:
        with tempfile.TemporaryDirectory(prefix="descope-bench-scale-") as tmp:
            runner = MeasuredRunner(emulator, pathlib.Path(tmp))
            task = [{"name": "set", "descope.mgmt.descope_tenant": {"tenants": "{{ tenants }}", "concurrency": 8}}]
            debug = [{"name": "debug", "ansible.builtin.debug": {"msg": "{{ tenants }}"}}]
            for n in sizes:
                emulator.reset()
                scenarios = (("debug baseline", debug, bt.declared(n)), ("create", task, bt.declared(n)), ("no-op", task, bt.declared(n)))
                for label, tasks, items in (*scenarios, ("5% changed", task, bt.declared(n, 20))):
                    emulator.control("DELETE", "requests")
                    figures = runner.measure(tasks, {"tenants": items})
                    requests_, writes = emulator.counts()
                    rows.append({"scenario": label, "tenants": n, "requests": requests_, "writes": writes, **figures})
    finally:
        emulator.stop()
    base = {r["tenants"]: r for r in rows if r["scenario"] == "debug baseline"}
    for r in rows:
        r["x_debug"] = r["wall"] / base[r["tenants"]]["wall"]
        if r["scenario"] != "debug baseline":
            r["collection_cpu"] = r["controller_cpu"] - base[r["tenants"]]["controller_cpu"]
    return rows


def split(rows: list[dict[str, t.Any]]) -> dict[str, t.Any] | None:
    """Creating the largest N: the collection's CPU against the emulator's (None when no create row has emulator CPU)."""
    creates = [r for r in rows if r["scenario"] == "create" and r["emulator_cpu"] > 0]
    if not creates:
        return None
    create = max(creates, key=lambda r: r["tenants"])
    found = {"tenants": create["tenants"], "collection_cpu": create["collection_cpu"], "emulator_cpu": create["emulator_cpu"]}
    found["ratio"] = create["collection_cpu"] / create["emulator_cpu"]
    # The debug task also prints the N items (the descope_tenant task does not), which moves its CPU by seconds at 10,000:
    # the create run's CPU beyond the no-op run's (same variable, same plugin, same planning; only the writes differ)
    # does not depend on it, and is an upper bound for the writes' share when the no-op's own part is small.
    noop = next((r for r in rows if r["scenario"] == "no-op" and r["tenants"] == create["tenants"]), None)
    if noop is not None:
        found["writes_cpu"] = create["controller_cpu"] - noop["controller_cpu"]
        found["writes_ratio"] = found["writes_cpu"] / create["emulator_cpu"]
    return found


def split_line(found: dict[str, t.Any]) -> str:
    bound = "by the emulator, the API's stand-in, not by the collection" if found["ratio"] <= 1 else "by the collection, not by the emulator"
    line = (
        f"Create {found['tenants']:,} tenants: collection CPU {found['collection_cpu']:.1f} s / emulator CPU {found['emulator_cpu']:.1f} s"
        f" = {found['ratio']:.2f}: bounded {bound}."
    )
    if "writes_cpu" in found:
        line += f" Without the debug baseline: create - no-op controller CPU {found['writes_cpu']:.1f} s / emulator = {found['writes_ratio']:.2f}."
    return line


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n", maxsplit=1)[0])
    parser.add_argument("--sizes", default="10,100,1000,10000")
    parser.add_argument("--quick", action="store_true", help="sizes 10 and 100, to check the script")
    parser.add_argument("--json", help="also write the rows to this file (benchmarks/report.py reads it)")
    opts = parser.parse_args()
    sizes = [10, 100] if opts.quick else [int(s) for s in opts.sizes.split(",")]
    rows = run(sizes)
    print(
        "| scenario | tenants | requests | writes | wall (s) | x debug | controller CPU (s) | collection CPU (s) | emulator CPU (s) |"
        " controller peak RSS (MB) |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        own = f"{r['collection_cpu']:.2f}" if "collection_cpu" in r else "-"
        print(
            f"| {r['scenario']} | {r['tenants']} | {r['requests']} | {r['writes']} | {r['wall']:.2f} | {r['x_debug']:.2f} | "
            f"{r['controller_cpu']:.2f} | {own} | {r['emulator_cpu']:.2f} | {r['peak_rss_mb']:.0f} |"
        )
    found = split(rows)
    if found is not None:
        print(f"\n{split_line(found)}")
    if opts.json:
        pathlib.Path(opts.json).write_text(json.dumps(rows, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
