# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A local audit collector for the sink tests (127.0.0.1 only, port 0).

It takes JSON lines (generic) or concatenated HEC events, checks the Authorization header, can fail the
first N requests (503) or store a batch and still answer 500 (the receiver-side half of a lost ack),
and deduplicates on each line's ``hash`` the way the docs tell a collector to.
"""

from __future__ import annotations

import http.server
import json
import threading
import typing as t


class Receiver:
    def __init__(self, token: str = "sink-token", fail_first: int = 0, store_then_fail: int = 0, splunk: bool = False) -> None:
        self.token = token
        self.fail_first = fail_first
        self.store_then_fail = store_then_fail
        self.splunk = splunk
        self.requests: list[dict[str, t.Any]] = []
        self.received: list[dict[str, t.Any]] = []  # every line taken, duplicates included
        self.lock = threading.Lock()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *_args: t.Any) -> None:
                return

            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode("utf-8")
                status = receiver.take(dict(self.headers), body)
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/collect"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def take(self, headers: dict[str, str], body: str) -> int:
        with self.lock:
            self.requests.append({"headers": headers, "body": body})
            expected = ("Splunk " if self.splunk else "Bearer ") + self.token
            if headers.get("Authorization") != expected:
                return 401
            if self.fail_first > 0:
                self.fail_first -= 1
                return 503
            lines = self.parse(body)
            self.received.extend(lines)
            if self.store_then_fail > 0:
                self.store_then_fail -= 1
                return 500
            return 200

    def parse(self, body: str) -> list[dict[str, t.Any]]:
        if not self.splunk:
            return [json.loads(line) for line in body.splitlines() if line.strip()]
        decoder = json.JSONDecoder()
        out, pos = [], 0
        while pos < len(body):
            while pos < len(body) and body[pos].isspace():
                pos += 1
            if pos >= len(body):
                break
            event, pos = decoder.raw_decode(body, pos)
            assert set(event) >= {"time", "event"}, event
            out.append(event["event"])
        return out

    def unique(self) -> dict[str, dict[str, t.Any]]:
        """The lines deduplicated on their hash (the idempotency key)."""
        return {line["hash"]: line for line in self.received}

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
