# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Descope Management API client every module shares (FOR INTERNAL COLLECTION USE ONLY).

One ``requests.Session`` per client keeps the connection alive across calls (and, through
``get_client``, across loop items on the controller). urllib3's ``Retry`` on the adapter only
repeats connection attempts where nothing reached the server; every other retry is decided here,
by what the request is (the caller says so):

* ``read`` (GET, or ``post(..., read=True)``): retried on 429, on the SDK status set, on 500/502/504,
  on timeouts and dropped connections, and on a 2xx whose body is missing or not JSON.
* ``idempotent`` write (update/delete of a known target, ``post(..., idempotent=True)``): retried on
  429, on the SDK status set, and on a dropped connection or read timeout (repeating it is harmless).
* any other write (a create, the default for ``post``/``patch``): retried on 429 and the SDK status set
  only, which mean the request was not processed. When its answer is lost (connection reset after
  sending, read timeout) the caller's ``resolve()`` callback, if any, reads whether it landed: it
  returns the answer to use, or None to send the request again. Without ``resolve`` the call raises
  ``DescopeAPIError(outcome_unknown=True)``.

The SDK status set is 503, 520, 521, 522, 524, 530: python-sdk ``descope/_http_client_base.py``
(``_RETRY_STATUS_CODES``, delays ``_RETRY_DELAYS_SECONDS``) and go-sdk ``descope/api/client.go``
(``retryableStatusCodes``); the
SDKs retry those for every method. 500/502/504 can come back after the origin applied a write
(docs/api-fidelity notes T9), so only reads repeat them.

Rate limits: an ``AdaptivePacer`` (``_pacing.py``) learns the allowed rate from 429 answers and spaces
the sends of every thread of the client. Descope's ``Retry-After`` is whole seconds, so a value of 1
only says "under a second": the pacer's schedule decides; a longer ``Retry-After`` is honoured (capped
by ``retry_max_wait``) for every thread and reported once through ``warn``.

Licence handshake: like the official SDKs, the client calls ``GET /v1/mgmt/license`` once and sends
``x-descope-license: <rateLimitTier>`` on every later request so the edge applies the project's tier
bucket; a failed handshake is ignored, as the SDKs do (python-sdk ``descope/descope_client.py`` and
``descope/management/license.py``; go-sdk ``descope/api/client.go`` ``FetchLicense``).

No credential is ever part of a message (``settings.redact``; the HTTP library's exceptions, which can quote
the ``Authorization`` header, are replaced by errors built without them), and a redirect is never followed.
"""

from __future__ import annotations

import json
import threading
import time
import traceback
import typing as t

from ansible_collections.descope.mgmt.plugins.module_utils import _client_retry as _retry
from ansible_collections.descope.mgmt.plugins.module_utils._client_answers import decode_answer
from ansible_collections.descope.mgmt.plugins.module_utils._client_protocol import Resolve
from ansible_collections.descope.mgmt.plugins.module_utils._errors import (
    DescopeAPIError,
    DescopeConfigError,
)
from ansible_collections.descope.mgmt.plugins.module_utils._options import ConnectionSettings
from ansible_collections.descope.mgmt.plugins.module_utils._pacing import AdaptivePacer

try:
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.util.retry import Retry

    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR: str | None = None
except ImportError:  # pragma: no cover - exercised by the missing-library test in a bare interpreter
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()

USER_AGENT = "descope.mgmt-ansible"
LICENSE_PATH = "/v1/mgmt/license"
LICENSE_HEADER = "x-descope-license"

READ, IDEMPOTENT, WRITE = "read", "idempotent", "write"

Warn = t.Callable[[str], None]


def _noop(_msg: str) -> None:
    return None


def _check_sendable(settings: ConnectionSettings) -> None:
    # settings_from_params refuses these with a fuller message; this guards settings built directly
    for name in ("project_id", "management_key"):
        value = str(getattr(settings, name) or "")
        if not value or any(ord(c) < 0x21 or ord(c) > 0x7E for c in value):
            raise DescopeConfigError(
                [],
                f"Option '{name}' is empty or contains a space, a control character or a character outside plain "
                "ASCII, which cannot be sent in an HTTP header. Nothing was sent and the value is not shown. Fix: "
                f"copy the {name.replace('_', ' ')} again as one line of plain text.",
            )


class DescopeClient:
    """Thin JSON client for https://api.descope.com/v1/mgmt/* with Descope auth, retries and pacing."""

    def __init__(self, settings: ConnectionSettings, warn: Warn | None = None, session: t.Any = None) -> None:
        if not HAS_REQUESTS:
            raise RuntimeError("the 'requests' Python library is required")
        _check_sendable(settings)
        self.settings = settings
        self._warn: Warn = warn or _noop
        self._lock = threading.Lock()
        self._license_lock = threading.Lock()
        self._paused_until = 0.0
        self._served = 0  # answers other than 429: the progress a rate-limited request waits on
        self._pacing_reported = False
        # told the length of each rate-limit pause as it starts (live progress, _pipeline/_progress.py)
        self.on_pause: t.Callable[[float], None] | None = None
        self.license_tier: str | None = None
        self._license_done = not settings.license_handshake
        self.pacer = AdaptivePacer()
        self.stats: dict[str, float] = {"reads": 0, "writes": 0, "retries": 0, "rate_limited": 0, "waited": 0.0}
        self.session = session or requests.Session()
        retry = Retry(
            total=None,
            connect=settings.retries,  # nothing reached the server: always safe to repeat
            read=0,
            status=0,  # statuses are decided per call in request()
            other=0,
            redirect=0,
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
        self._send_settings: dict[str, t.Any] | None = None  # read from the environment by the first send of a task

    def __repr__(self) -> str:
        return (
            f"DescopeClient(base_url={self.settings.base_url!r}, "
            f"project_id={self.settings.redact(self.settings.project_id)!r})"
        )

    @property
    def warn(self) -> Warn:
        return self._warn

    @warn.setter
    def warn(self, value: Warn | None) -> None:
        self._warn = value or _noop

    def _say(self, msg: str) -> None:
        self._warn(self.settings.redact(msg))

    # -- public calls -------------------------------------------------------------------------

    def get(self, path: str, params: t.Mapping[str, t.Any] | None = None) -> dict[str, t.Any]:
        return self.request("GET", path, params=params, read=True)

    def post(
        self,
        path: str,
        body: t.Any = None,
        read: bool = False,
        idempotent: bool = False,
        resolve: Resolve | None = None,
    ) -> dict[str, t.Any]:
        """POST a JSON body. ``read``: it only reads; ``idempotent``: repeating it is harmless (update/delete of a
        known target); ``resolve``: for a create, called when the answer was lost, returns the answer or None to
        resend."""
        return self.request(
            "POST", path, body={} if body is None else body, read=read, idempotent=idempotent, resolve=resolve
        )

    def patch(
        self, path: str, body: t.Any, idempotent: bool = False, resolve: Resolve | None = None
    ) -> dict[str, t.Any]:
        return self.request("PATCH", path, body=body, read=False, idempotent=idempotent, resolve=resolve)

    def close(self) -> None:
        self.session.close()

    def request(
        self,
        method: str,
        path: str,
        params: t.Mapping[str, t.Any] | None = None,
        body: t.Any = None,
        read: bool = False,
        idempotent: bool = False,
        resolve: Resolve | None = None,
    ) -> dict[str, t.Any]:
        kind = READ if read else IDEMPOTENT if idempotent else WRITE
        try:
            return self._request(method, path, params, body, kind, resolve)
        except DescopeAPIError as exc:
            raise self._redacted(exc) from None

    # -- internals ----------------------------------------------------------------------------

    def _request(
        self, method: str, path: str, params: t.Any, body: t.Any, kind: str, resolve: Resolve | None
    ) -> dict[str, t.Any]:
        self._ensure_license()
        url = self.settings.base_url + path
        data = None if body is None else json.dumps(body, separators=(",", ":"))
        retries = self.settings.retries
        attempts_left = retries
        throttles_left = retries * _retry.RATE_LIMIT_RETRY_FACTOR
        counter = "reads" if kind == READ else "writes"
        served_mark = self._served
        tries_left = retries * _retry.RATE_LIMIT_RETRY_FACTOR

        def may_retry() -> bool:
            # A transient fault (5xx, lost answer) of a request safe to repeat spends the budget only when no other
            # request of this client was answered since this one's previous attempt: an API that serves others is up,
            # and a fixed count fails one item in ~50 on a network faulting every 2nd/3rd/5th request. Hard cap: 4x.
            nonlocal attempts_left, tries_left, served_mark
            with self._lock:
                progressed, served_mark = self._served > served_mark, self._served
            if tries_left <= 0 or (attempts_left <= 0 and not progressed):
                return False
            tries_left -= 1
            if not progressed:
                attempts_left -= 1
            return True

        while True:
            self._wait_for_shared_pause()
            sent_at = self.pacer.acquire()
            try:
                response = self._send(method, url, params, data)
            except (requests.ConnectionError, requests.Timeout) as exc:
                self._count(counter)
                reason = _retry.short_reason(exc)
                # ConnectTimeout/connection refused were already retried by urllib3 (nothing was sent).
                sent = not isinstance(exc, requests.ConnectTimeout) and "Failed to establish" not in str(exc)
                if sent and kind == WRITE and resolve is not None and may_retry():
                    answer = resolve()  # did the lost create land? its answer, or None: not there, send again
                    if answer is not None:
                        self._say(
                            f"Descope API {method} {path}: {reason}; the request had been applied (checked), not sent "
                            "again."
                        )
                        return answer
                    self._retry_note(method, path, reason + "; checked that it was not applied", attempts_left)
                    continue
                if (kind != WRITE or not sent) and may_retry():
                    self._retry_note(method, path, reason, attempts_left)
                    continue
                raise DescopeAPIError(
                    None, method, path, network_error=reason, outcome_unknown=sent and kind != READ
                ) from None
            self._count(counter)
            status = response.status_code
            if status != 429:
                self.pacer.accepted(sent_at)
            if status == 429:
                self.pacer.throttled(sent_at)
                # The budget counts only 429s with no progress: while the API answered any request of this client
                # since this one's previous attempt, the limit is a queue, not a refusal, so the item waits its turn
                # instead of failing after a fixed count a loaded machine exhausts. A server refusing everything still
                # ends it.
                with self._lock:
                    progressed, served_mark = self._served > served_mark, self._served
                if not progressed:
                    throttles_left -= 1
                if throttles_left >= 0 and retries > 0:
                    self._pause_for_rate_limit(method, path, response)
                    if not progressed:  # nobody is being served: back off as for a 5xx, so a burst is not a spin
                        stalled = retries * _retry.RATE_LIMIT_RETRY_FACTOR - throttles_left
                        time.sleep(min(self.settings.retry_max_wait, _retry.stall_backoff(stalled)))
                    continue
            elif (
                status in _retry.SDK_RETRY_STATUSES or (kind == READ and status in _retry.READ_ONLY_RETRY_STATUSES)
            ) and may_retry():
                self._retry_note(method, path, f"HTTP {status}", attempts_left)
                continue
            try:
                answer = decode_answer(method, path, response, kind == READ)
            except DescopeAPIError as exc:
                if exc.status is not None and 400 <= exc.status < 500:
                    self._count_served()  # a real answer (404, 400...): the API is up
                # A 2xx whose body is empty or not JSON (a proxy page, a cut-off answer): a read is asked again.
                if not (kind == READ and exc.status is not None and 200 <= exc.status < 300 and may_retry()):
                    raise
                self._retry_note(method, path, f"{exc.error_description} (HTTP {exc.status})", attempts_left)
                continue
            self._count_served()
            return answer

    def _send(
        self, method: str, url: str, params: t.Any, data: str | None, headers: t.Mapping[str, str] | None = None
    ) -> t.Any:
        try:
            # Session.request with the environment (proxies, CA bundle: the same for every request of a client) read
            # once per
            # task by requests' own rules, and no per-call merging of session settings: a third of the CPU for 10,000
            # creates.
            session, rs, cookies = self.session, t.cast(t.Any, requests.sessions), t.cast(t.Any, requests.cookies)
            if self._send_settings is None:
                # No ~/.netrc: a netrc entry for the API host would replace the Bearer header (401s); the key is the
                # only credential.
                # verify=False when asked: with None, requests lets REQUESTS_CA_BUNDLE/CURL_CA_BUNDLE undo
                # validate_certs=false
                send = session.merge_environment_settings(
                    url, {}, None, None if self.settings.validate_certs else False, None
                )
                self._send_settings = {"send": send, "auth": session.auth}
            environment = self._send_settings
            request = requests.PreparedRequest()
            request.prepare(
                method=method.upper(),
                url=url,
                data=data or {},
                params=params or {},
                headers=session.headers
                if headers is None
                else rs.merge_setting(headers, session.headers, dict_class=requests.structures.CaseInsensitiveDict),
                auth=environment["auth"],
                cookies=cookies.merge_cookies(cookies.RequestsCookieJar(), session.cookies),
                hooks=rs.merge_hooks(requests.hooks.default_hooks(), session.hooks),
            )
            return session.send(
                request, timeout=self.settings.timeout, allow_redirects=False, **environment["send"]
            )  # 3xx: decode_answer
        except (requests.ConnectionError, requests.Timeout):
            raise
        except (ValueError, UnicodeError, requests.RequestException) as exc:
            # InvalidHeader/InvalidURL/UnicodeEncodeError quote the header or URL they choked on: never re-raise them
            raise DescopeConfigError(
                [],
                f"The HTTP library refused the request ({type(exc).__name__}); a connection setting holds a character "
                "that cannot be sent. Nothing was sent and the values are not shown. Fix: check 'management_key', "
                "'project_id' and 'base_url' for spaces, line breaks and non-ASCII characters.",
            ) from None

    def _count_served(self) -> None:
        with self._lock:
            self._served += 1

    def _retry_note(self, method: str, path: str, why: str, attempts_left: int) -> None:
        self._count("retries")
        self._say(f"Descope API {method} {path}: {why}; retrying ({attempts_left} retries left).")
        done = self.settings.retries - attempts_left
        time.sleep(_retry.backoff(done))

    def _handshake_pending(self) -> bool:
        return not self._license_done

    def _ensure_license(self) -> None:
        if not self._handshake_pending():
            return
        with self._license_lock:
            if not self._handshake_pending():  # another thread did it while this one waited
                return
            try:
                response = self._send("GET", self.settings.base_url + LICENSE_PATH, None, None)
                tier = response.json().get("rateLimitTier") if response.ok else None
            except Exception:  # noqa: BLE001 - the SDKs only log a failed handshake; requests go on without the header
                tier = None
            if isinstance(tier, str) and tier and all(0x21 <= ord(c) <= 0x7E for c in tier):
                self.license_tier = tier
                self.session.headers[LICENSE_HEADER] = tier
            self._license_done = True  # set last: other threads wait on the lock until the header is in place

    def _redacted(self, exc: DescopeAPIError) -> DescopeAPIError:
        r = self.settings.redact
        if not self.settings.secrets():
            return exc
        fields = (exc.error_code, exc.error_description, exc.error_message, exc.network_error, exc.path)
        if not any(f and r(f) != f for f in fields):
            return exc
        return DescopeAPIError(
            exc.status,
            exc.method,
            r(exc.path),
            error_code=_map(r, exc.error_code),
            error_description=_map(r, exc.error_description),
            error_message=_map(r, exc.error_message),
            retry_after=exc.retry_after,
            network_error=_map(r, exc.network_error),
            outcome_unknown=exc.outcome_unknown,
        )

    def _count(self, key: str, amount: float = 1) -> None:
        with self._lock:
            self.stats[key] += amount

    def _wait_for_shared_pause(self) -> None:
        with self._lock:
            delay = self._paused_until - time.monotonic()
        if delay > 0:
            time.sleep(delay)

    def _pause_for_rate_limit(self, method: str, path: str, response: t.Any) -> None:
        asked = _retry.retry_after(response)
        with self._lock:
            self.stats["rate_limited"] += 1
            self.stats["retries"] += 1
        if asked <= 1.0:  # whole-second Retry-After: "under a second"; the pacer spaces the retry
            hook = self.on_pause
            if hook is not None:
                hook(0.0)  # paced, not paused
            with self._lock:
                first, self._pacing_reported = not self._pacing_reported, True
            if first:
                self._say(
                    f"Descope rate limit (HTTP 429) on {method} {path}: pacing requests to the rate the API accepts."
                )
            return
        wait = min(asked, self.settings.retry_max_wait)
        now = time.monotonic()
        with self._lock:
            already = self._paused_until > now
            if not already:
                self._paused_until = now + wait
                self.stats["waited"] += wait
        self.pacer.hold_until(now + wait)
        if not already:  # one warning per pause, not one per worker
            self._say(f"Descope rate limit (HTTP 429) on {method} {path}: waiting {wait:g} s as Retry-After asks.")
            hook = self.on_pause
            if hook is not None:
                hook(wait)


def _map(fn: t.Callable[[str], str], value: str | None) -> str | None:
    return None if value is None else fn(value)


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
            client._send_settings = None  # a new task reads the proxy and CA environment again
            client._pacing_reported = False  # one pacing warning per task; the learned rate itself is kept
        return client
