# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Descope Management API client every module shares (FOR INTERNAL COLLECTION USE ONLY).

One ``requests.Session`` per client keeps the connection alive across calls (and, through
``get_client``, across loop items on the controller). Retries are split in two on purpose:

* urllib3's ``Retry`` on the adapter handles the transient server family (5xx, Cloudflare 52x/530,
  the statuses the official SDKs retry) with jittered exponential backoff, and connection errors
  where nothing reached the server.
* A small loop here handles what ``Retry`` cannot: a 429 waits ``Retry-After`` capped by
  ``retry_max_wait``, the pause is shared by every thread using the client (one rate limit slows all
  workers down instead of each hammering on), and each wait is reported as a warning. Read timeouts
  and dropped connections are retried only for calls that merely read, since a write may have landed.
"""

from __future__ import annotations

import json
import threading
import time
import traceback
import typing as t

from ansible_collections.descope.mgmt.plugins.module_utils._errors import DescopeAPIError
from ansible_collections.descope.mgmt.plugins.module_utils._options import ConnectionSettings

try:
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.util.retry import Retry

    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR: str | None = None
except ImportError:  # pragma: no cover - exercised by the missing-library test in a bare interpreter
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()

# The statuses the official SDKs retry (503 and Cloudflare's 52x/530) plus the generic 5xx family.
RETRY_STATUSES = frozenset({500, 502, 503, 504, 520, 521, 522, 524, 530})
# Backoff for the 5xx family: 0 s, then 0.5 s, 1 s, 2 s ... (capped), plus up to 0.5 s of jitter.
BACKOFF_FACTOR = 0.25
BACKOFF_JITTER = 0.5
BACKOFF_MAX = 10.0
# When a 429 carries no usable Retry-After, wait this long (the SDK default the community uses).
DEFAULT_RETRY_AFTER = 10.0
USER_AGENT = "descope.mgmt-ansible"

Warn = t.Callable[[str], None]


def _noop(_msg: str) -> None:
    return None


class DescopeClient:
    """Thin JSON client for https://api.descope.com/v1/mgmt/* with Descope auth and retries."""

    def __init__(self, settings: ConnectionSettings, warn: Warn | None = None, session: t.Any = None) -> None:
        if not HAS_REQUESTS:
            raise RuntimeError("the 'requests' Python library is required")
        self.settings = settings
        self.warn: Warn = warn or _noop
        self._lock = threading.Lock()
        self._paused_until = 0.0
        self.stats: dict[str, float] = {"reads": 0, "writes": 0, "retries": 0, "rate_limited": 0, "waited": 0.0}
        self.session = session or requests.Session()
        retry = Retry(
            total=None,
            connect=settings.retries,
            read=0,  # read errors are decided per call in _send(): only reads may be repeated
            status=settings.retries,
            other=0,
            redirect=0,
            allowed_methods=None,  # 5xx: every method, as the SDKs do; a 5xx means the write did not apply
            status_forcelist=RETRY_STATUSES,
            backoff_factor=BACKOFF_FACTOR,
            backoff_jitter=BACKOFF_JITTER,
            backoff_max=BACKOFF_MAX,
            respect_retry_after_header=False,
            raise_on_status=False,
        )
        adapter = HTTPAdapter(max_retries=retry, pool_maxsize=16)
        self.session.mount("https://", adapter)
        self.session.mount("http://", adapter)
        self.session.headers.update(
            {
                "Authorization": f"Bearer {settings.project_id}:{settings.management_key}",
                "x-descope-project-id": settings.project_id,
                "Content-Type": "application/json",
                "Accept": "application/json",
                "User-Agent": USER_AGENT,
            }
        )
        self.session.verify = settings.validate_certs

    # -- public calls -------------------------------------------------------------------------

    def get(self, path: str, params: t.Mapping[str, t.Any] | None = None) -> dict[str, t.Any]:
        return self.request("GET", path, params=params, read=True)

    def post(self, path: str, body: t.Any = None, read: bool = False) -> dict[str, t.Any]:
        return self.request("POST", path, body={} if body is None else body, read=read)

    def patch(self, path: str, body: t.Any) -> dict[str, t.Any]:
        return self.request("PATCH", path, body=body, read=False)

    def close(self) -> None:
        self.session.close()

    def request(self, method: str, path: str, params: t.Mapping[str, t.Any] | None = None, body: t.Any = None, read: bool = False) -> dict[str, t.Any]:
        url = self.settings.base_url + path
        data = None if body is None else json.dumps(body, separators=(",", ":"))
        attempts_left = self.settings.retries
        while True:
            self._wait_for_shared_pause()
            try:
                response = self.session.request(method, url, params=params, data=data, timeout=self.settings.timeout)
            except (requests.ConnectionError, requests.Timeout) as exc:
                # ConnectTimeout/connection refused were already retried by urllib3 (nothing was sent).
                sent = not isinstance(exc, requests.ConnectTimeout) and "Failed to establish" not in str(exc)
                if read and sent and attempts_left > 0:
                    attempts_left -= 1
                    self._count("retries")
                    self.warn(f"Descope API {method} {path}: {_short(exc)}; retrying ({attempts_left} retries left).")
                    time.sleep(min(BACKOFF_MAX, BACKOFF_FACTOR * 2 ** (self.settings.retries - attempts_left)))
                    continue
                self._count("reads" if read else "writes")
                raise DescopeAPIError(None, method, path, network_error=_short(exc), outcome_unknown=sent and not read) from None
            self._count("reads" if read else "writes")
            self._note_urllib3_retries(method, path, response)
            if response.status_code == 429 and attempts_left > 0:
                attempts_left -= 1
                self._pause_for_rate_limit(method, path, response, attempts_left)
                continue
            try:
                return self._decode(method, path, response, read)
            except DescopeAPIError as exc:
                # A 2xx whose body is empty or not JSON (a proxy page, a cut-off answer): a read is asked again.
                if not (read and attempts_left > 0 and exc.status is not None and 200 <= exc.status < 300):
                    raise
                attempts_left -= 1
                self._count("retries")
                self.warn(f"Descope API {method} {path}: {exc.error_description} (HTTP {exc.status}); retrying ({attempts_left} retries left).")
                time.sleep(min(BACKOFF_MAX, BACKOFF_FACTOR * 2 ** (self.settings.retries - attempts_left)))

    # -- internals ----------------------------------------------------------------------------

    def _count(self, key: str, amount: float = 1) -> None:
        with self._lock:
            self.stats[key] += amount

    def _wait_for_shared_pause(self) -> None:
        with self._lock:
            delay = self._paused_until - time.monotonic()
        if delay > 0:
            time.sleep(delay)

    def _pause_for_rate_limit(self, method: str, path: str, response: t.Any, attempts_left: int) -> None:
        wait = min(_retry_after(response), self.settings.retry_max_wait)
        now = time.monotonic()
        with self._lock:
            self.stats["rate_limited"] += 1
            self.stats["retries"] += 1
            already = self._paused_until > now
            if not already:
                self._paused_until = now + wait
                self.stats["waited"] += wait
        if not already:  # one warning per pause, not one per worker
            self.warn(f"Descope rate limit (HTTP 429) on {method} {path}: waiting {wait:g} s as Retry-After asks ({attempts_left} retries left).")

    def _note_urllib3_retries(self, method: str, path: str, response: t.Any) -> None:
        retries = getattr(getattr(response, "raw", None), "retries", None)
        history = getattr(retries, "history", ()) or ()
        if history:
            self._count("retries", len(history))
            statuses = ", ".join(str(h.status or type(h.error).__name__) for h in history)
            self.warn(f"Descope API {method} {path}: retried {len(history)} time(s) after {statuses}.")

    def _decode(self, method: str, path: str, response: t.Any, read: bool = True) -> dict[str, t.Any]:
        text = response.text or ""
        payload: t.Any = None
        if text.strip():
            try:
                payload = response.json()
            except ValueError:
                payload = None
                if response.ok:
                    raise DescopeAPIError(
                        response.status_code,
                        method,
                        path,
                        error_description="malformed response body",
                        error_message="the response is not valid JSON",
                        outcome_unknown=not read,
                    ) from None
        elif response.ok and read:
            # A read always answers with data: an empty body means the answer was lost on the way, and taking it
            # as {} would turn "tenants: [...]" into "no tenants". Writes are different: whether a void call
            # answers {} or nothing is not documented (descope-api.md section 1), so an empty 2xx write is a success.
            raise DescopeAPIError(
                response.status_code, method, path, error_description="empty response body", error_message="the response has no body (expected a JSON object)"
            )
        if response.ok:
            return payload if isinstance(payload, dict) else {}
        body = payload if isinstance(payload, dict) else {}
        retry_after = _retry_after(response) if response.status_code == 429 else None
        raise DescopeAPIError(
            response.status_code,
            method,
            path,
            error_code=_str_or_none(body.get("errorCode")),
            error_description=_str_or_none(body.get("errorDescription")) or (None if body else (response.reason or None)),
            error_message=_str_or_none(body.get("errorMessage")),
            retry_after=retry_after,
        )


def _retry_after(response: t.Any) -> float:
    raw = response.headers.get("Retry-After")
    try:
        value = float(raw) if raw is not None else DEFAULT_RETRY_AFTER
    except ValueError:
        value = DEFAULT_RETRY_AFTER
    return max(0.0, value)


def _str_or_none(value: t.Any) -> str | None:
    return None if value in (None, "") else str(value)


def _short(exc: BaseException) -> str:
    text = str(exc)
    return (type(exc).__name__ + (": " + text[:200] if text else "")).strip()


# Controller-side cache: the action plugins run every loop item of a task in one worker process;
# reusing the client there keeps one keep-alive connection for the whole loop.
_CLIENTS: dict[tuple[t.Any, ...], DescopeClient] = {}
_CLIENTS_LOCK = threading.Lock()


def get_client(settings: ConnectionSettings, warn: Warn | None = None) -> DescopeClient:
    with _CLIENTS_LOCK:
        client = _CLIENTS.get(settings.cache_key())
        if client is None:
            client = DescopeClient(settings, warn=warn)
            _CLIENTS[settings.cache_key()] = client
        else:
            client.warn = warn or _noop
            client.stats = dict.fromkeys(client.stats, 0)
        return client
