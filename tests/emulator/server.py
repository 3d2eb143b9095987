"""HTTP layer: keep-alive request handling, auth, faults, rate limit, request log, errors, main()."""

import argparse
import json
import os
import signal
import sys
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from . import controls, errors, faults, schemas, traffic
from .routes import COMPANY_ROUTES, KNOWN_PATHS, ROUTES
from .state import Store


class _Reply(Exception):
    """Short-circuits request handling with a ready answer (status, body bytes, content type, headers)."""

    def __init__(self, status, payload, content_type="application/json", headers=None):
        super().__init__(status)
        self.status = status
        self.payload = payload
        self.content_type = content_type
        self.headers = headers or {}


def _json_bytes(obj):
    return json.dumps(obj, separators=(",", ":")).encode("utf-8")


def _error_reply(exc):
    return _Reply(exc.status, _json_bytes(exc.body()), headers=exc.headers)


class Handler(BaseHTTPRequestHandler):
    """One instance per connection; HTTP/1.1 so clients keep the connection alive."""

    protocol_version = "HTTP/1.1"
    server_version = "DescopeEmulator/1.0"
    timeout = 120  # idle keep-alive connections give their thread back eventually
    # Headers and body leave in one write with Nagle off: otherwise delayed ACKs cost ~40 ms a request.
    wbufsize = 1 << 16
    disable_nagle_algorithm = True

    # -- plumbing ---------------------------------------------------------------------------
    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        if self.server.verbose:
            sys.stderr.write("emulator: %s\n" % (format % args))

    def _read_body(self):
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _send(self, reply):
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.payload)))
        for key, value in reply.headers.items():
            self.send_header(key, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(reply.payload)
        self.wfile.flush()

    def do_GET(self):  # noqa: N802 - http.server naming
        self._dispatch()

    def do_POST(self):  # noqa: N802
        self._dispatch()

    def do_PATCH(self):  # noqa: N802
        self._dispatch()

    def do_PUT(self):  # noqa: N802
        self._dispatch()

    def do_DELETE(self):  # noqa: N802
        self._dispatch()

    # -- dispatch ---------------------------------------------------------------------------
    def _dispatch(self):
        url = urlsplit(self.path)
        path = url.path.rstrip("/") or "/"
        query = {k: v[0] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        raw = self._read_body()
        if path.startswith("/_emulator/"):
            self._send(self._control(path, query, raw))
            return
        store = self.server.store
        route = ROUTES.get((self.command, path))
        entry = {
            "method": self.command,
            "path": path,
            "query": url.query,
            "status": None,
            "project_id": self._claimed_project(),
            "write": bool(route and route[1]),
            "fault": None,
            # which rate-limit bucket the real edge would pick (SDKs send the tier from GET /v1/mgmt/license)
            "license_header": bool(self.headers.get("x-descope-license")),
        }
        started = time.monotonic()
        epoch = store.log_epoch
        # how many API requests (this one included) were being handled when it arrived: a test proves that a
        # client overlaps its requests from this count, without timing anything
        entry["in_flight"] = store.enter()
        try:
            reply = self._api(store, path, query, raw, route, entry)
        except _Reply as short:
            reply = short
        except Exception:  # pylint: disable=broad-except
            traceback.print_exc(file=sys.stderr)
            reply = _error_reply(errors.ApiError(500, errors.INTERNAL, "Internal server error", "emulator bug; see its stderr"))
        finally:
            store.leave()
        ended = time.monotonic()
        entry["duration_ms"] = int((ended - started) * 1000)
        entry["started"], entry["ended"] = round(started, 6), round(ended, 6)  # this process's monotonic clock
        if reply is None:  # dropped connection
            store.record(entry, epoch)
            traffic.write(entry, query, raw, None, None, self.headers.get("User-Agent") or "")
            self.close_connection = True
            return
        entry["status"] = reply.status
        store.record(entry, epoch)
        traffic.write(entry, query, raw, reply.status, reply.payload, self.headers.get("User-Agent") or "")
        self._send(reply)

    def _control(self, path, query, raw):
        try:
            body = json.loads(raw) if raw.strip() else {}
            status, out = controls.handle(self.server.store, self.command, path, query, body)
            return _Reply(status, _json_bytes(out))
        except errors.ApiError as exc:
            return _error_reply(exc)
        except ValueError as exc:
            return _error_reply(errors.ApiError(400, errors.BAD_REQUEST, "Bad request", str(exc)))

    def _claimed_project(self):
        auth = self.headers.get("Authorization") or ""
        token = auth[7:] if auth.lower().startswith("bearer ") else ""
        if ":" in token:
            return token.split(":", 1)[0]
        return self.headers.get("x-descope-project-id") or None

    def _api(self, store, path, query, raw, route, entry):
        with store.lock:
            fault = faults.take_fault(store.faults, self.command, path)
        if fault is not None:
            entry["fault"] = fault["kind"]
            early = self._fault_reply(fault)
            # drop/empty with apply: the call is carried out, then the answer is lost (drop) or has no body (empty)
            if fault["kind"] != "delay" and not (fault["kind"] in ("drop", "empty") and fault["apply"]):
                return early
        with store.lock:
            bucket = store.bucket_for(entry["license_header"])
            wait = bucket.take() if bucket is not None else 0
        if wait:
            raise _error_reply(errors.rate_limited(wait))
        if route is None and (self.command, path) not in COMPANY_ROUTES:
            if path in KNOWN_PATHS:
                raise _error_reply(errors.ApiError(405, errors.METHOD_NOT_ALLOWED, "Method not allowed", "%s %s" % (self.command, path)))
            raise _error_reply(errors.ApiError(404, errors.ROUTE_NOT_FOUND, "Route not found", "%s %s" % (self.command, path)))
        body = self._json_body(raw)
        reply = self._authorised_call(store, path, query, body, route, entry)
        if fault is not None and fault["kind"] == "drop":
            return None  # applied, then the connection dies before the answer
        if fault is not None and fault["kind"] == "empty":
            return _Reply(getattr(reply, "status", 200), b"", headers={})  # applied, answered with no body
        return reply

    def _fault_reply(self, fault):
        kind = fault["kind"]
        if kind == "delay":
            time.sleep(fault["seconds"])
            return None
        if kind == "drop":
            return None
        if kind == "malformed":
            return _Reply(200, b'{"tenants": [{"id": "trunc', headers={})
        if kind == "empty":
            return _Reply(200, b"")
        if kind == "rate_limit":
            return _error_reply(errors.rate_limited(fault["retryAfter"]))
        if isinstance(fault["body"], str):  # e.g. a Cloudflare HTML page for 52x
            return _Reply(fault["status"], fault["body"].encode("utf-8"), content_type="text/html")
        exc = errors.ApiError(fault["status"], "E%06d" % fault["status"], "Injected fault", "scripted %d from the emulator" % fault["status"])
        return _error_reply(exc)

    def _json_body(self, raw):
        if not raw.strip():
            return {}
        try:
            body = json.loads(raw)
        except ValueError as exc:
            raise _error_reply(errors.ApiError(400, errors.BAD_REQUEST, "Bad request", "body is not valid JSON: %s" % exc)) from exc
        if body is None:
            return {}
        if not isinstance(body, dict):
            raise _error_reply(errors.ApiError(400, errors.BAD_REQUEST, "Bad request", "body must be a JSON object"))
        return body

    def _authorised_call(self, store, path, query, body, route, entry):
        auth = self.headers.get("Authorization") or ""
        token = auth[7:].strip() if auth.lower().startswith("bearer ") else ""
        unauthorised = errors.ApiError(401, errors.UNAUTHORIZED, "Unauthorized", "invalid or missing management key")
        with store.lock:
            if (self.command, path) in COMPANY_ROUTES:
                key = token.split(":")[-1]
                owned = [p for p in store.projects.values() if key and p["managementKey"] == key]
                if not owned:
                    raise _error_reply(unauthorised)
                return _Reply(
                    200,
                    _json_bytes(
                        {
                            "projects": [
                                {"id": p["id"], "name": p["name"], "environment": p.get("environment", ""), "tags": list(p["tags"]), "tag": ""} for p in owned
                            ]
                        }
                    ),
                )
            parts = token.split(":")
            project = store.project_by_key(parts[0], parts[-1]) if len(parts) >= 2 else None
            if project is None:
                raise _error_reply(unauthorised)
            entry["project_id"] = project["id"]
            handler, _write, kind = route
            if store.config["strict"]:
                extra = schemas.unknown_fields(self.command, path, query if kind == "query" else body)
                if extra:
                    message = "unknown field %r: the %s %s request has no such field" % (extra[0], self.command, path)
                    raise _error_reply(errors.ApiError(400, errors.UNKNOWN_FIELD, "Request is invalid", message))
            try:
                out = handler(store, project, query if kind == "query" else body)
            except errors.ApiError as exc:
                raise _error_reply(exc) from exc
            return _Reply(200, _json_bytes(out))


class EmulatorServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port, store, verbose=False):
        super().__init__(("127.0.0.1", port), Handler)
        self.store = store
        self.verbose = verbose


def _parse_args(argv):
    parser = argparse.ArgumentParser(prog="python tests/emulator", description="Descope Management API emulator")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0 picks a free one)")
    parser.add_argument("--seed", help="JSON file in the /_emulator/seed body format, applied at start and on reset")
    parser.add_argument("--project-id", help="id of the default (Pro) project")
    parser.add_argument("--management-key", help="management key of the default project")
    parser.add_argument("--verbose", action="store_true", help="log each request to stderr")
    parser.add_argument("--strict", action="store_true", help="reject request fields the OpenAPI schema does not define (kept across reset)")
    parser.add_argument("--keep-running", action="store_true", help="do not exit when the process that started the emulator ends")
    return parser.parse_args(argv)


def _exit_with_parent():
    # A launcher that dies without cleanup (pytest --forked children leave via os._exit) must not leak us.
    parent = os.getppid()

    def watch():
        while os.getppid() == parent:
            time.sleep(0.5)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def main(argv=None):
    args = _parse_args(argv)
    seed = None
    if args.seed:
        with open(args.seed, encoding="utf-8") as handle:
            seed = json.load(handle)
    store = Store(args.project_id, args.management_key, seed, strict=args.strict)
    server = EmulatorServer(args.port, store, args.verbose)

    def _stop(_signum, _frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    if not args.keep_running:
        _exit_with_parent()
    port = server.server_address[1]
    sys.stdout.write("export DESCOPE_BASE_URL=http://127.0.0.1:%d\n" % port)
    sys.stdout.write("export DESCOPE_PROJECT_ID=%s\n" % store.default_project_id)
    sys.stdout.write("export DESCOPE_MANAGEMENT_KEY=%s\n" % store.default_key)
    sys.stdout.flush()
    try:
        server.serve_forever(poll_interval=0.2)
    except (SystemExit, KeyboardInterrupt):
        pass
    finally:
        server.server_close()
    return 0
