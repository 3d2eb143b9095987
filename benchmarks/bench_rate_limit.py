# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Rate limits and faulty networks: how close the client gets to the floor, and whether it converges.

Starts its own emulator (tests/emulator, loopback only) and prints two tables.

1. Sustained token bucket: one set-mode ``descope_tenant`` run (in process, as the action plugin runs it,
   default retries and concurrency) creating N tenants under the emulator's ``rateLimit``. No client can
   finish faster than the floor ``(accepted - capacity) / refill``; the table prints the ratio and the 429s.
2. Faulty network, at the client level: a proxy in front of the emulator answers every 2nd request 429,
   every 3rd 503 and resets the connection of every 5th (after forwarding it, so the write happened).
   A 50-tenant sync with prune runs through ``DescopeClient`` with the retry classes the pipeline is meant
   to use (creates with a ``resolve`` callback, updates and deletes ``idempotent=True``, reads ``read=True``)
   and must converge in one pass with no duplicate write and no lost tenant. The same sync through today's
   ``descope_tenant`` module is reported beside it (runs until it converges, at most 8).

Usage: python benchmarks/bench_rate_limit.py [--tenants 300] [--capacity 20] [--refill 50] [--skip-faults]
"""

from __future__ import annotations

import argparse
import http.client
import http.server
import json
import pathlib
import socket
import struct
import sys
import threading
import time
import typing as t
import urllib.parse

import requests

REPO = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
import collection_path  # noqa: E402  # pylint: disable=wrong-import-position

collection_path.ensure()
from emulator.launcher import EmulatorProcess  # noqa: E402  # pylint: disable=wrong-import-position

from ansible_collections.descope.mgmt.plugins.module_utils import _client, _tenant  # noqa: E402
from ansible_collections.descope.mgmt.plugins.module_utils._errors import DescopeAPIError  # noqa: E402
from ansible_collections.descope.mgmt.plugins.module_utils._options import settings_from_params  # noqa: E402
from ansible_collections.descope.mgmt.plugins.module_utils._pipeline import run_task  # noqa: E402
from ansible_collections.descope.mgmt.plugins.module_utils._tenant import _fields as _tenant_api  # noqa: E402


class Emulator:
    def __init__(self) -> None:
        self.process = EmulatorProcess()
        self.env = dict(self.process.env)
        self.url = self.env["DESCOPE_BASE_URL"]
        self.session = requests.Session()

    def control(self, method: str, name: str, body: t.Any = None) -> t.Any:
        resp = self.session.request(method, f"{self.url}/_emulator/{name}", json=body, timeout=30)
        resp.raise_for_status()
        return resp.json()

    def reset(self, tenants: list[dict[str, t.Any]] | None = None) -> None:
        self.control("POST", "reset", {})
        if tenants:
            project = {"id": self.env["DESCOPE_PROJECT_ID"], "managementKey": self.env["DESCOPE_MANAGEMENT_KEY"], "tenants": tenants}
            self.control("POST", "seed", {"projects": [project]})
        self.control("DELETE", "requests")

    def log(self) -> list[dict[str, t.Any]]:
        return list(self.control("GET", "requests")["requests"])

    def tenants(self) -> list[dict[str, t.Any]]:
        return list(self.control("GET", "state")["tenants"])


def tenant_params(env: dict[str, str], tenants: list[dict[str, t.Any]], **extra: t.Any) -> dict[str, t.Any]:
    params = {name: opt.get("default") for name, opt in _tenant.ARGUMENT_SPEC.items()}
    params.update({"tenants": tenants, **extra})
    return params


def sustained(emulator: Emulator, n: int, capacity: int, refill: float) -> None:
    emulator.reset()
    emulator.control("POST", "config", {"rateLimit": {"capacity": capacity, "refillPerSecond": refill}})
    tenants = [{"id": f"rl{i:04d}", "name": f"Rate limited {i:04d}"} for i in range(n)]
    warnings: list[str] = []
    _client._CLIENTS.clear()  # a fresh client: nothing learned from an earlier run
    started = time.monotonic()
    result = run_task(_tenant.SPEC, tenant_params(emulator.env, tenants), False, False, emulator.env, warnings.append, in_process=True)
    elapsed = time.monotonic() - started
    emulator.control("POST", "config", {"rateLimit": None})
    log = emulator.log()
    accepted = [r for r in log if r["status"] != 429]
    limited = len(log) - len(accepted)
    failed = result.get("descope_audit", {}).get("counts", {}).get("failed")
    floor = (len(accepted) - capacity) / refill
    print("| capacity | refill (/s) | tenants | accepted requests | answered 429 | failed items | seconds | floor (s) | ratio |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    print(f"| {capacity} | {refill:g} | {n} | {len(accepted)} | {limited} | {failed} | {elapsed:.2f} | {floor:.2f} | {elapsed / floor:.2f} |")
    if result.get("failed") or len(emulator.tenants()) != n:
        print(f"NOT CONVERGED: {result.get('msg')}")


class FaultProxy:
    """Counts requests; 2nd -> 429, 3rd -> 503, 5th -> forwarded then reset (checked in that order: 5, 3, 2)."""

    def __init__(self, upstream: str) -> None:
        self.upstream = urllib.parse.urlsplit(upstream)
        self.count = 0
        self.lock = threading.Lock()
        self.seen: dict[str, int] = {"429": 0, "503": 0, "reset": 0, "forwarded": 0}
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_args: t.Any) -> None:
                return None

            def _any(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with proxy.lock:
                    proxy.count += 1
                    n = proxy.count
                if n % 5 == 0:
                    proxy.forward(self, body)  # the request is applied; the answer is lost
                    proxy.seen["reset"] += 1
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    self.connection.close()
                    self.close_connection = True
                    return
                if n % 3 == 0 or n % 2 == 0:
                    status, key = (503, "503") if n % 3 == 0 else (429, "429")
                    proxy.seen[key] += 1
                    payload = json.dumps(
                        {"errorCode": "E130429" if status == 429 else "E000503", "errorDescription": "fault", "errorMessage": "fault"}
                    ).encode()
                    self.send_response(status)
                    if status == 429:
                        self.send_header("Retry-After", "1")
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                    return
                status, headers, payload = proxy.forward(self, body)
                self.send_response(status)
                for name, value in headers:
                    if name.lower() not in ("transfer-encoding", "connection", "content-length", "server", "date"):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PATCH = do_DELETE = _any  # noqa: N815

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def forward(self, handler: t.Any, body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
        conn = http.client.HTTPConnection(self.upstream.hostname, self.upstream.port, timeout=30)
        headers = {k: v for k, v in handler.headers.items() if k.lower() not in ("host", "connection")}
        conn.request(handler.command, handler.path, body=body or None, headers=headers)
        resp = conn.getresponse()
        out = (resp.status, resp.getheaders(), resp.read())
        conn.close()
        with self.lock:
            self.seen["forwarded"] += 1
        return out

    def stop(self) -> None:
        self.server.shutdown()


def client_level_sync(client: t.Any, declared: list[dict[str, t.Any]]) -> dict[str, int]:
    """A set-mode sync with prune written against the client contract (what the pipeline is meant to do)."""
    live = {x["id"]: x for x in client.get(_tenant_api.PATH_ALL).get("tenants") or []}
    done = {"created": 0, "updated": 0, "deleted": 0}
    for item in declared:
        current = live.get(item["id"])
        if current is None:

            def resolve(tid: str = item["id"]) -> dict[str, t.Any] | None:
                found = client.post(_tenant_api.PATH_SEARCH, {"tenantIds": [tid]}, read=True).get("tenants") or []
                return {"id": tid} if any(x.get("id") == tid for x in found) else None

            client.post(_tenant_api.PATH_CREATE, {"id": item["id"], "name": item["name"]}, resolve=resolve)
            done["created"] += 1
        elif current.get("name") != item["name"]:
            client.post(_tenant_api.PATH_UPDATE, {"id": item["id"], "name": item["name"]}, idempotent=True)
            done["updated"] += 1
    wanted = {x["id"] for x in declared}
    for tid in sorted(set(live) - wanted):
        try:
            client.post(_tenant_api.PATH_DELETE, {"id": tid}, idempotent=True)
        except DescopeAPIError as exc:
            if not exc.is_not_found:  # a repeated delete whose first attempt landed: the target is gone, as wanted
                raise
        done["deleted"] += 1
    return done


def faulty(emulator: Emulator) -> None:
    start = [{"id": f"keep{i:02d}", "name": f"Old {i:02d}"} for i in range(25)] + [{"id": f"gone{i:02d}", "name": f"Gone {i:02d}"} for i in range(10)]
    declared = [{"id": f"keep{i:02d}", "name": f"New {i:02d}"} for i in range(25)] + [{"id": f"new{i:02d}", "name": f"Created {i:02d}"} for i in range(25)]
    print("\n| path | passes to converge | requests seen by the proxy | 429 | 503 | resets | creates applied | duplicate creates | tenants right | seconds |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|---:|")
    for label in ("client contract", "descope_tenant module"):
        emulator.reset(start)
        proxy = FaultProxy(emulator.url)
        env = {**emulator.env, "DESCOPE_BASE_URL": proxy.url}
        _client._CLIENTS.clear()
        passes = 0
        converged = False
        started = time.monotonic()
        while passes < 8 and not converged:
            passes += 1
            if label == "client contract":
                client = _client.DescopeClient(settings_from_params({}, env))
                try:
                    client_level_sync(client, declared)
                    converged = True
                except DescopeAPIError as exc:
                    print(f"  pass {passes}: {exc}")
            else:
                result = run_task(_tenant.SPEC, tenant_params(env, declared, prune=True), False, False, env, lambda _m: None, in_process=True)
                converged = not result.get("failed")
                if not converged:
                    print(f"  pass {passes}: {result.get('msg')}")
        elapsed = time.monotonic() - started
        proxy.stop()
        log = emulator.log()
        creates = [r for r in log if r["path"] == _tenant_api.PATH_CREATE and r["status"] == 200]
        duplicates = [r for r in log if r["path"] == _tenant_api.PATH_CREATE and r["status"] == 400]  # "already exists"
        state = {x["id"]: x["name"] for x in emulator.tenants()}
        right = state == {x["id"]: x["name"] for x in declared}
        print(
            f"| {label} | {passes if converged else '>8'} | {proxy.count} | {proxy.seen['429']} | {proxy.seen['503']} | {proxy.seen['reset']} "
            f"| {len(creates)} | {len(duplicates)} | {right} | {elapsed:.1f} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tenants", type=int, default=300)
    parser.add_argument("--capacity", type=int, default=20)
    parser.add_argument("--refill", type=float, default=50.0)
    parser.add_argument("--skip-faults", action="store_true")
    args = parser.parse_args()
    emulator = Emulator()
    try:
        sustained(emulator, args.tenants, args.capacity, args.refill)
        if not args.skip_faults:
            faulty(emulator)
    finally:
        emulator.process.stop()


if __name__ == "__main__":
    main()
