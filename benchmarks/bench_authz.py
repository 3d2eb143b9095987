# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark descope_role / descope_permission: requests per sync next to the minimum.

Starts its own emulator (tests/emulator, loopback only), seeds N roles and N permissions, and runs set-mode
syncs in process (the controller path every local task takes). For each scenario it prints the reads and
writes the emulator logged, the minimum a client needs (one read of what exists, one write per kind of
change), and what one request per changed object would cost. No timing is asserted; wall time is printed.

Usage: python benchmarks/bench_authz.py [--sizes 100,1000] [--changes 1,10,100]
"""

from __future__ import annotations

import argparse
import pathlib
import sys
import time
import typing as t

REPO = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
import collection_path  # noqa: E402  # pylint: disable=wrong-import-position

collection_path.ensure()
from emulator.control_client import EmulatorControl  # noqa: E402  # pylint: disable=wrong-import-position
from emulator.launcher import EmulatorProcess  # noqa: E402  # pylint: disable=wrong-import-position

from ansible_collections.descope.mgmt.plugins.module_utils import _authz  # noqa: E402  # pylint: disable=wrong-import-position
from ansible_collections.descope.mgmt.plugins.module_utils._pipeline import run_task  # noqa: E402  # pylint: disable=wrong-import-position


def seed(ctl: EmulatorControl, n: int) -> None:
    perms = [{"name": f"p{i:05d}"} for i in range(n)]
    roles = [{"name": f"r{i:05d}", "permissionNames": [f"p{i:05d}"]} for i in range(n)]
    ctl.seed(permissions=perms, roles=roles)
    ctl.clear_log()


def roles_declared(n: int, k: int, kind: str) -> list[dict[str, t.Any]]:
    roles = [{"name": f"r{i:05d}", "permission_names": [f"p{i:05d}"]} for i in range(n)]
    if kind == "update":
        for role in roles[:k]:
            role["description"] = "changed"
    elif kind == "create":
        roles += [{"name": f"new{i:05d}", "permission_names": ["p00000"]} for i in range(k)]
    elif kind == "delete":
        roles = roles[k:]
    elif kind == "mixed":  # k of each: update, create, delete
        roles = roles[k:]
        for role in roles[:k]:
            role["description"] = "changed"
        roles += [{"name": f"new{i:05d}"} for i in range(k)]
    return roles


def run(ctl: EmulatorControl, env: dict[str, str], spec: t.Any, params: dict[str, t.Any]) -> tuple[int, int, float, bool]:
    ctl.clear_log()
    start = time.monotonic()
    result = run_task(spec, {**params, "max_delete_ratio": 1}, False, False, env, lambda _m: None, in_process=True)
    wall = time.monotonic() - start
    if result.get("failed"):
        raise SystemExit(f"benchmark task failed: {result.get('msg')}")
    log = ctl.requests()
    return sum(1 for r in log if not r["write"]), sum(1 for r in log if r["write"]), wall, bool(result.get("changed"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000")
    parser.add_argument("--changes", default="1,10,100")
    args = parser.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")]
    changes = [int(x) for x in args.changes.split(",")]
    proc = EmulatorProcess()
    ctl = EmulatorControl(proc.env)
    env = dict(proc.env)
    rows: list[tuple[str, int, int, int, int, str, int, float]] = []
    try:
        for n in sizes:
            seed(ctl, n)
            reads, writes, wall, _c = run(ctl, env, _authz.ROLE_SPEC, {"roles": roles_declared(n, 0, "none"), "prune": True})
            rows.append(("roles no-op", n, 0, reads, writes, "1 / 0", 0, wall))
            reads, writes, wall, _c = run(ctl, env, _authz.PERMISSION_SPEC, {"permissions": [{"name": f"p{i:05d}"} for i in range(n)], "prune": True})
            rows.append(("permissions no-op", n, 0, reads, writes, "1 / 0", 0, wall))
            for k in (c for c in changes if c <= n // 2):
                for kind, minimum, naive in (("update", "1 / 1", k), ("create", "1 / 1", k), ("delete", "1 / 1", k), ("mixed", "1 / 3", 3 * k)):
                    seed(ctl, n)
                    reads, writes, wall, _c = run(ctl, env, _authz.ROLE_SPEC, {"roles": roles_declared(n, k, kind), "prune": True})
                    rows.append((f"roles {kind}", n, k, reads, writes, minimum, naive, wall))
                seed(ctl, n)
                perms = [{"name": f"p{i:05d}"} for i in range(n)] + [{"name": f"q{i:05d}"} for i in range(k)]
                roles = roles_declared(n, 0, "none") + [{"name": f"nr{i:05d}", "permission_names": [f"q{i:05d}"]} for i in range(k)]
                reads, writes, wall, _c = run(ctl, env, _authz.ROLE_SPEC, {"roles": roles, "permissions": perms, "prune": True})
                rows.append(("k permissions + k roles using them", n, k, reads, writes, "2 / 2", 2 * k, wall))
    finally:
        proc.stop()
    print(f"{'scenario':36} {'N':>5} {'k':>4} {'reads':>5} {'writes':>6} {'minimum r/w':>11} {'1 per object':>12} {'wall s':>7}")
    for name, n, k, reads, writes, minimum, naive, wall in rows:
        print(f"{name:36} {n:>5} {k:>4} {reads:>5} {writes:>6} {minimum:>11} {naive:>12} {wall:>7.2f}")


if __name__ == "__main__":
    main()
