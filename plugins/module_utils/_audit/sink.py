# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The network sink: sealed trail lines POSTed to a collector or Splunk HEC (FOR INTERNAL COLLECTION USE ONLY).

Formats:

* ``jsonl`` (generic collector): body = the trail lines as written (``application/x-ndjson``), header
  ``Authorization: Bearer <token>``. Every line's ``hash`` is unique: it is the idempotency key
  (also sent as ``Idempotency-Key``, the sha256 of the body), so a receiver deduplicates retried lines.
* ``splunk_hec``: body = one ``{"time": <epoch>, "event": <line>, "sourcetype": "descope:audit",
  "source": "descope.mgmt"}`` object per line, concatenated, as the HTTP Event Collector's
  ``/services/collector/event`` endpoint takes them; header ``Authorization: Splunk <token>``.

A batch is retried on connection errors, timeouts, 408, 429 and 5xx with exponential backoff; a
batch that still fails is kept in ``<dir>/sink/spool.jsonl`` and sent before the next batch (this run
or the next), so a receiver that is down for a while loses nothing.
"""

from __future__ import annotations

import calendar
import datetime
import fcntl
import hashlib
import json
import os
import time
import typing as t
import urllib.error

from ansible.module_utils.urls import open_url

from ansible_collections.descope.mgmt.plugins.module_utils._audit import writer

FORMATS = ("jsonl", "splunk_hec")
SPOOL = os.path.join("sink", "spool.jsonl")  # a subdirectory: never read as a trail file
RETRY_STATUS = (408, 425, 429, 500, 502, 503, 504)


class SinkError(Exception):
    """The sink did not take the lines (message names the URL, the status and the fix; never the token)."""


def _epoch(value: t.Any) -> float:
    try:
        ts = datetime.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return time.time()
    return calendar.timegm(ts.utctimetuple()) + ts.microsecond / 1e6


def body_for(lines: t.Sequence[str], fmt: str) -> bytes:
    if fmt == "splunk_hec":
        events = []
        for line in lines:
            event = json.loads(line)
            events.append(
                json.dumps(
                    {
                        "time": _epoch(event.get("time")),
                        "event": event,
                        "sourcetype": "descope:audit",
                        "source": "descope.mgmt",
                    },
                    sort_keys=True,
                )
            )
        return "\n".join(events).encode("utf-8")
    return "".join(line + "\n" for line in lines).encode("utf-8")


class Sink:
    def __init__(
        self,
        url: str,
        token: str | None,
        fmt: str = "jsonl",
        spool_dir: str | None = None,
        timeout: float = 10.0,
        retries: int = 4,
        backoff: float = 0.5,
    ) -> None:
        if fmt not in FORMATS:
            raise SinkError(f"audit sink format '{fmt}' is not one of {', '.join(FORMATS)}")
        if not url.startswith(("http://", "https://")):
            raise SinkError(
                "audit sink URL must start with http:// or https:// (DESCOPE_AUDIT_URL or [descope_audit] url), got "
                f"'{url[:80]}'"
            )
        self.url = url
        self.token = token
        self.fmt = fmt
        self.spool = os.path.join(spool_dir, SPOOL) if spool_dir else None
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.sent = 0

    def _post(self, payload: bytes) -> None:
        headers = {
            "Content-Type": "application/x-ndjson" if self.fmt == "jsonl" else "application/json",
            "Idempotency-Key": hashlib.sha256(payload).hexdigest(),
            "User-Agent": "descope.mgmt-audit",
        }
        if self.token:
            headers["Authorization"] = ("Splunk " if self.fmt == "splunk_hec" else "Bearer ") + self.token
        last = ""
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(min(8.0, self.backoff * 2 ** (attempt - 1)))
            try:
                response = open_url(
                    self.url,
                    data=payload,
                    headers=headers,
                    method="POST",
                    timeout=self.timeout,
                    follow_redirects="none",
                )
                response.read()
                return
            except urllib.error.HTTPError as exc:
                last = f"HTTP {exc.code}"
                if exc.code in (401, 403):
                    raise SinkError(
                        f"the audit sink {self.url} refused the token ({last}): check DESCOPE_AUDIT_TOKEN / "
                        "[descope_audit] token"
                    ) from None
                if exc.code not in RETRY_STATUS:
                    raise SinkError(
                        f"the audit sink {self.url} rejected the lines ({last}): check the URL and the format option"
                    ) from None
            # URLError, timeouts, resets, TLS: all retried
            except Exception as exc:  # noqa: BLE001  # pylint: disable=broad-except
                last = str(getattr(exc, "reason", None) or exc)
        raise SinkError(
            f"the audit sink {self.url} did not take the lines after {self.retries + 1} attempts ({last}); they are "
            "kept and sent with the next batch"
        )

    def _spooled(self) -> list[str]:
        if not self.spool or not os.path.exists(self.spool):
            return []
        with open(self.spool, encoding="utf-8") as handle:
            return [line.rstrip("\n") for line in handle if line.strip()]

    def _keep(self, lines: t.Sequence[str]) -> None:
        if not self.spool or not lines:
            return
        writer.ensure_dir(os.path.dirname(self.spool))
        fd = os.open(self.spool, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, "".join(line + "\n" for line in lines).encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)

    def send(self, lines: t.Sequence[str]) -> None:
        """Send the spooled lines then ``lines``; on failure keep them all in the spool and raise."""
        lock = None
        if self.spool:
            writer.ensure_dir(os.path.dirname(self.spool))
            lock = os.open(self.spool + ".lock", os.O_WRONLY | os.O_CREAT, 0o600)
            fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            pending = self._spooled()
            known = set(pending)
            batch = pending + [line for line in lines if line not in known]
            if not batch:
                return
            try:
                self._post(body_for(batch, self.fmt))
            except SinkError:
                self._keep([line for line in lines if line not in known])
                raise
            if pending and self.spool:
                os.unlink(self.spool)
            self.sent += len(batch)
        finally:
            if lock is not None:
                fcntl.flock(lock, fcntl.LOCK_UN)
                os.close(lock)
