# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A backup's reads share one bounded pool and overlap (``_backup/_reads.py``), proven without timing anything:
barriers for the pool itself, and the emulator's request log (``in_flight``: how many requests were being
handled when each one arrived; ``started``/``ended`` on the emulator's clock) under a delay fault."""

from __future__ import annotations

import copy
import dataclasses
import pathlib
import threading
import typing as t

import pytest
from emulator import seed_data
from harness import run_spec

from ansible_collections.descope.mgmt.plugins.module_utils import _backup
from ansible_collections.descope.mgmt.plugins.module_utils._backup._reads import Once, Reads, Stopped

# Long enough that requests sent together are still being handled when the others arrive on any machine load;
# nothing is asserted about time, only about which requests were in the emulator at once.
DELAY = 0.3
SECTION_READS = ("/v1/mgmt/tenant/all", "/v1/mgmt/flow/list", "/v2/mgmt/theme/export", "/v1/mgmt/project/snapshot/export")
EXPORT = "/v2/mgmt/flow/export"


# -- the pool itself ------------------------------------------------------------------------------------


def test_map_runs_exactly_concurrency_items_at_once_and_keeps_their_order() -> None:
    # a barrier of 3 only opens when 3 items wait at once: a pool of fewer workers breaks it (timeout = safety net)
    barrier = threading.Barrier(3, timeout=30)
    lock = threading.Lock()
    running = [0, 0]  # now, most

    def item(n: int) -> int:
        with lock:
            running[0] += 1
            running[1] = max(running[1], running[0])
        barrier.wait()
        with lock:
            running[0] -= 1
        return n * 10

    reads = Reads(3)
    try:
        assert reads.map(item, list(range(9))) == [n * 10 for n in range(9)]
    finally:
        reads.stop()
    assert running[1] == 3  # never more than the pool


def test_a_section_stopped_by_another_ones_failure_does_not_hide_that_failure() -> None:
    b_failed = threading.Event()

    def slow_item(n: int) -> int:
        b_failed.wait(30)
        return n

    def section_a(reads: Reads) -> list[int]:
        return reads.map(slow_item, list(range(5)))  # Stopped, or done: either way not the error reported

    def section_b(_reads: Reads) -> None:
        b_failed.set()
        raise ValueError("b failed")

    with pytest.raises(ValueError, match="b failed"):
        Reads(1).run([("a", section_a), ("b", section_b)])

    # two real errors: the section listed first is reported, whichever failed first
    a_may_fail = threading.Event()

    def late_a(_reads: Reads) -> None:
        a_may_fail.wait(30)
        raise KeyError("a")

    def early_b(_reads: Reads) -> None:
        a_may_fail.set()
        raise ValueError("b")

    with pytest.raises(KeyError):
        Reads(2).run([("a", late_a), ("b", early_b)])


def test_map_after_stop_raises_stopped() -> None:
    reads = Reads(2)
    reads.stop()
    with pytest.raises(Stopped):
        reads.map(str, [1])


def test_once_calls_once_and_hands_the_same_error_to_every_caller() -> None:
    calls: list[int] = []

    def failing() -> int:
        calls.append(1)
        raise RuntimeError("list failed")

    once = Once(failing)
    for _attempt in range(3):
        with pytest.raises(RuntimeError, match="list failed"):
            once()
    assert calls == [1]
    ok = Once(lambda: [1, 2])
    assert ok() is ok()


# -- against the emulator ------------------------------------------------------------------------------


def seed(emulator: t.Any, flows: int, tenants: int = 6) -> None:
    flow_list = []
    for i in range(flows):
        flow = copy.deepcopy(seed_data.SIGN_UP_OR_IN)
        flow["flowId"] = f"par-flow-{i:02d}"
        flow["metadata"]["name"] = f"Parallel flow {i}"
        flow_list.append(flow)
    emulator.seed(tenants=[{"id": f"par-t{i}", "name": f"Tenant {i}"} for i in range(tenants)], flows=flow_list, theme=seed_data.THEME, license="pro")
    emulator.clear_log()


def backup(emulator: t.Any, backup_dir: pathlib.Path, **params: t.Any) -> dict[str, t.Any]:
    warnings: list[str] = []
    params = {"backup_dir": str(backup_dir), "force": True, **params}
    result = run_spec(_backup.SPEC, params, check=False, diff=False, environ=emulator.env, warn=warnings.append)
    assert not result.get("failed"), result.get("msg")
    return result


def overlapping(log: list[dict[str, t.Any]], paths: t.Iterable[str]) -> bool:
    """Whether every pair of these requests (one each) was in the emulator at the same moment."""
    picked = [next(r for r in log if r["path"] == p) for p in paths]
    return all(a["started"] < b["ended"] and b["started"] < a["ended"] for a in picked for b in picked)


def delayed(emulator: t.Any, *first: dict[str, t.Any]) -> None:
    emulator.faults([*first, {"path": "*", "kind": "delay", "seconds": DELAY, "count": None}])


def test_flow_exports_overlap_up_to_concurrency_and_the_section_reads_go_out_together(emulator: t.Any, tmp_path: pathlib.Path) -> None:
    seed(emulator, flows=10)
    delayed(emulator)
    result = backup(emulator, tmp_path, concurrency=4)
    assert result["backup"]["counts"]["flows"] == 10
    log = emulator.requests()
    exports = [r for r in log if r["path"] == EXPORT]
    assert len(exports) == 10 and len(log) == 14  # nothing read twice
    assert max(r["in_flight"] for r in log) == 4  # overlapping, and never more than concurrency
    assert max(r["in_flight"] for r in exports) > 1
    # the tenant list, the flow list, the theme and the snapshot need no other answer: they are in flight together
    assert overlapping(log, SECTION_READS)
    # the exports need the flow list, and wait for it
    flow_list = next(r for r in log if r["path"] == "/v1/mgmt/flow/list")
    assert all(r["started"] >= flow_list["ended"] for r in exports)


def test_concurrency_one_sends_one_request_at_a_time_and_writes_the_same_bytes(emulator: t.Any, tmp_path: pathlib.Path) -> None:
    seed(emulator, flows=6)
    wide = pathlib.Path(backup(emulator, tmp_path, concurrency=8)["backup"]["path"])
    emulator.clear_log()
    delayed(emulator)
    narrow = pathlib.Path(backup(emulator, tmp_path, concurrency=1)["backup"]["path"])
    log = emulator.requests()
    assert [r["in_flight"] for r in log] == [1] * len(log)

    def files(root: pathlib.Path) -> dict[str, bytes]:
        return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file() and p.name != "manifest.json"}

    assert files(wide) == files(narrow) and len(files(wide)) > 6
    manifests = [_backup.read_manifest(str(p)) for p in (wide, narrow)]
    assert manifests[0]["content_sha256"] == manifests[1]["content_sha256"]
    assert manifests[0]["files"] == manifests[1]["files"]


def test_what_the_workers_render_is_what_render_files_renders_itself(emulator: t.Any) -> None:
    seed(emulator, flows=3)
    cap = _backup.capture(_backup_client(emulator), ["flows", "theme", "snapshot"], 4)
    assert set(cap.flow_files) == set(cap.flows or {}) == set(cap.flow_forms) and len(cap.flow_files) == 3
    assert set(cap.snapshot_encoded) == set(cap.snapshot_files or {}) and len(cap.snapshot_encoded) > 3
    bare = dataclasses.replace(cap, flow_files={}, flow_forms={}, snapshot_encoded={})
    assert _backup.render_files(cap) == _backup.render_files(bare)
    assert cap.content_sha256() == bare.content_sha256()


def _backup_client(emulator: t.Any) -> t.Any:
    from ansible_collections.descope.mgmt.plugins.module_utils._client import DescopeClient  # noqa: PLC0415
    from ansible_collections.descope.mgmt.plugins.module_utils._options import settings_from_params  # noqa: PLC0415

    return DescopeClient(settings_from_params({}, emulator.env))


def test_per_tenant_sections_overlap_on_the_pool(emulator: t.Any, tmp_path: pathlib.Path) -> None:
    seed(emulator, flows=0, tenants=6)
    delayed(emulator)
    result = backup(emulator, tmp_path, concurrency=4, include=["tenant_settings", "sso"])
    assert result["backup"]["counts"]["tenant_settings"] == 6
    log = emulator.requests()
    per_tenant = [r for r in log if r["path"] != "/v1/mgmt/tenant/all"]
    assert len(per_tenant) == 18  # session + password policy + SSO per tenant, once each
    assert max(r["in_flight"] for r in per_tenant) == 4
    assert len([r for r in log if r["path"] == "/v1/mgmt/tenant/all"]) == 1  # one list for both sections


def test_a_failed_read_reports_the_first_section_and_sends_no_queued_export(emulator: t.Any, tmp_path: pathlib.Path) -> None:
    seed(emulator, flows=20)
    # the flow list answers; the first export is refused (a 400, and the re-read list still holds the flow: not retried)
    delayed(emulator, {"path": EXPORT, "kind": "status", "status": 400, "count": 1})
    result = run_spec(_backup.SPEC, {"backup_dir": str(tmp_path), "concurrency": 2}, check=False, diff=False, environ=emulator.env, warn=lambda _m: None)
    assert result.get("failed") and result["error"]["path"] == EXPORT, result
    assert len([r for r in emulator.requests() if r["path"] == EXPORT]) < 10  # the queued exports were cancelled
    assert not (tmp_path / emulator.env["DESCOPE_PROJECT_ID"]).exists() or list((tmp_path / emulator.env["DESCOPE_PROJECT_ID"]).iterdir()) == []

    # both the tenant list and the flow list fail: the tenant list's error, the first a one-at-a-time backup meets
    emulator.clear_faults()
    delayed(
        emulator,
        {"path": "/v1/mgmt/flow/list", "kind": "status", "status": 400, "count": 1},
        {"path": "/v1/mgmt/tenant/all", "kind": "status", "status": 400, "count": 1},
    )
    result = run_spec(_backup.SPEC, {"backup_dir": str(tmp_path), "concurrency": 4}, check=False, diff=False, environ=emulator.env, warn=lambda _m: None)
    assert result.get("failed") and result["error"]["path"] == "/v1/mgmt/tenant/all", result
