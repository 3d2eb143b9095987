# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The project the live suite runs against: settings from DESCOPE_LIVE_*, direct API calls, the run prefix, cleanup.

Everything the suite creates carries the run prefix ``dmlive-<UTC stamp>-<random>``; the sweep removes only
objects whose id starts with that prefix (stale prefixes of crashed runs only with DESCOPE_LIVE_SWEEP_STALE=1).
The management key lives in ``LiveTarget.key`` (never in a repr) and ``redact()`` takes it out of any text.
"""

from __future__ import annotations

import dataclasses
import datetime
import os
import re
import secrets
import time
import typing as t
import urllib.parse

import requests

ENV_PROJECT = "DESCOPE_LIVE_PROJECT_ID"
ENV_KEY = "DESCOPE_LIVE_MANAGEMENT_KEY"
ENV_BASE_URL = "DESCOPE_LIVE_BASE_URL"
SKIP_REASON = f"live Descope suite: set {ENV_PROJECT} and {ENV_KEY} (and optionally {ENV_BASE_URL}) to run it; see CONTRIBUTING.md"
PREFIX_RE = re.compile(r"^dmlive-(\d{8}t\d{6}z)-[0-9a-f]{6}")
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
TIMEOUT = 30


def new_prefix(now: datetime.datetime | None = None) -> str:
    """``dmlive-20261128t014900z-a1b2c3``: lowercase, so it is also a valid domain label and flow id."""
    stamp = (now or datetime.datetime.now(datetime.UTC)).strftime("%Y%m%dt%H%M%Sz")
    return f"dmlive-{stamp}-{secrets.token_hex(3)}"


def default_base_url(project_id: str) -> str:
    """The rule the official SDKs (and the collection's _options.py) apply: 32+ character ids carry a region."""
    return f"https://api.{project_id[1:5]}.descope.com" if len(project_id) >= 32 else "https://api.descope.com"


@dataclasses.dataclass
class Answer:
    """One HTTP answer, reduced to what the suite looks at."""

    status: int
    body_kind: str  # "json" (an object or array), "empty" (no body), "text" (not JSON)
    body: t.Any
    headers: dict[str, str]

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def error_code(self) -> str | None:
        return self.body.get("errorCode") if isinstance(self.body, dict) and not self.ok else None

    def json(self) -> dict[str, t.Any]:
        return self.body if isinstance(self.body, dict) else {}


@dataclasses.dataclass
class LiveTarget:
    project_id: str
    key: str = dataclasses.field(repr=False)
    base_url: str
    base_url_given: bool
    session: requests.Session = dataclasses.field(default_factory=requests.Session, repr=False)
    is_emulator: bool = False

    @classmethod
    def from_env(cls, environ: t.Mapping[str, str] | None = None) -> LiveTarget | None:
        environ = os.environ if environ is None else environ
        project_id, key = environ.get(ENV_PROJECT, "").strip(), environ.get(ENV_KEY, "").strip()
        if not project_id or not key:
            return None
        given = environ.get(ENV_BASE_URL, "").strip().rstrip("/")
        target = cls(project_id=project_id, key=key, base_url=given or default_base_url(project_id), base_url_given=bool(given))
        target.is_emulator = target._answers_as_emulator()
        return target

    # -- secrets --------------------------------------------------------------------------------

    def redact(self, text: t.Any) -> str:
        return redact(text, self.key)

    def ansible_env(self) -> dict[str, str]:
        """What a playbook run gets: the collection's own variables (DESCOPE_BASE_URL only when it was given)."""
        env = {"DESCOPE_PROJECT_ID": self.project_id, "DESCOPE_MANAGEMENT_KEY": self.key}
        if self.base_url_given:
            env["DESCOPE_BASE_URL"] = self.base_url
        return env

    # -- HTTP -----------------------------------------------------------------------------------

    def call(
        self,
        method: str,
        path: str,
        body: t.Any = None,
        params: dict[str, str] | None = None,
        key: str | None = None,
        send_body: bool = True,
    ) -> Answer:
        """One Management API request. 429 waits Retry-After (at most 60 s) and tries again, 3 times at most."""
        headers = {
            "Authorization": f"Bearer {self.project_id}:{key or self.key}",
            "x-descope-project-id": self.project_id,
            "Accept": "application/json",
            "User-Agent": "descope.mgmt-live-tests",
        }
        kwargs: dict[str, t.Any] = {"headers": headers, "params": params, "timeout": TIMEOUT}
        if send_body and method != "GET":
            kwargs["json"] = {} if body is None else body
        for attempt in range(4):
            response = self.session.request(method, self.base_url + path, **kwargs)
            if response.status_code == 429 and attempt < 3:
                time.sleep(min(60.0, float(response.headers.get("Retry-After") or 5)))
                continue
            break
        return _answer(response)

    def must(self, method: str, path: str, body: t.Any = None, params: dict[str, str] | None = None) -> dict[str, t.Any]:
        """A call that has to succeed; the failure message is redacted."""
        answer = self.call(method, path, body, params)
        if not answer.ok:
            raise AssertionError(self.redact(f"{method} {path} answered {answer.status}: {answer.body}"))
        return answer.json()

    # -- reads the tests use --------------------------------------------------------------------

    def tenants(self) -> list[dict[str, t.Any]]:
        return list(self.must("GET", "/v1/mgmt/tenant/all").get("tenants") or [])

    def tenant(self, tenant_id: str) -> dict[str, t.Any] | None:
        """The tenant from tenant/all (no reliance on the not-found answer, which is what the probes record)."""
        return next((x for x in self.tenants() if x.get("id") == tenant_id), None)

    def flow_ids(self) -> list[str]:
        return [x["id"] for x in self.must("POST", "/v1/mgmt/flow/list", {}).get("flows") or [] if isinstance(x, dict) and x.get("id")]

    def export_flow(self, flow_id: str) -> dict[str, t.Any]:
        flow: dict[str, t.Any] = self.must("POST", "/v2/mgmt/flow/export", {"flowId": flow_id})["flow"]
        return flow

    def theme(self) -> t.Any:
        return self.must("POST", "/v2/mgmt/theme/export", {}).get("theme")

    # -- cleanup --------------------------------------------------------------------------------

    def delete_tenant(self, tenant_id: str) -> None:
        self.call("POST", "/v1/mgmt/tenant/delete", {"id": tenant_id, "cascade": False})

    def delete_flows(self, flow_ids: t.Sequence[str]) -> None:
        if flow_ids:
            self.call("POST", "/v1/mgmt/flow/delete", {"ids": list(flow_ids)})

    def sweep(self, prefix: str) -> list[str]:
        """Delete every tenant and flow whose id starts with ``prefix`` (children first); return what was removed."""
        if not prefix.startswith("dmlive-"):
            raise ValueError("the sweep only removes dmlive- objects")
        removed: list[str] = []
        for _pass in range(5):  # children first: a tenant whose parent is also ours waits for the next pass
            ours = [x for x in self.tenants() if str(x.get("id", "")).startswith(prefix)]
            if not ours:
                break
            ids = {x["id"] for x in ours}
            parents = {x.get("parent") for x in ours}
            leaves = [x["id"] for x in ours if x["id"] not in parents] or sorted(ids)
            for tenant_id in leaves:
                self.delete_tenant(tenant_id)
                removed.append(f"tenant {tenant_id}")
        flows = [x for x in self.flow_ids() if x.startswith(prefix)]
        self.delete_flows(flows)
        removed += [f"flow {x}" for x in flows]
        return removed

    def leftovers(self, prefix: str = "dmlive-") -> list[str]:
        tenants = [f"tenant {x['id']}" for x in self.tenants() if str(x.get("id", "")).startswith(prefix) or str(x.get("name", "")).startswith(prefix)]
        return tenants + [f"flow {x}" for x in self.flow_ids() if x.startswith(prefix)]

    def stale_prefixes(self, older_than_hours: float = 2.0) -> list[str]:
        """Run prefixes of earlier (crashed) runs still present, older than the given age."""
        now = datetime.datetime.now(datetime.UTC)
        found = set()
        for item in self.leftovers():
            match = PREFIX_RE.match(item.split(" ", 1)[1])
            if match:
                stamp = datetime.datetime.strptime(match.group(1), "%Y%m%dt%H%M%Sz").replace(tzinfo=datetime.UTC)
                if (now - stamp).total_seconds() > older_than_hours * 3600:
                    found.add(match.group(0))
        return sorted(found)

    # -- emulator extras (only when the target is the project's own emulator) -------------------

    def _answers_as_emulator(self) -> bool:
        if urllib.parse.urlsplit(self.base_url).hostname not in LOCAL_HOSTS:
            return False  # never send test-control requests to a real host
        try:
            response = self.session.get(self.base_url + "/_emulator/health", timeout=5)
        except requests.RequestException:
            return False
        return response.status_code == 200 and response.headers.get("Content-Type", "").startswith("application/json") and response.json() == {"ok": True}

    def log_mark(self) -> int:
        if not self.is_emulator or os.environ.get("PYTEST_XDIST_WORKER"):
            return 0
        log = self.session.get(self.base_url + "/_emulator/requests", timeout=10).json()["requests"]
        return int(log[-1]["seq"]) if log else 0

    def writes_since(self, mark: int) -> list[str] | None:
        """State-changing requests the emulator logged after ``mark``; None on a real project (no server log) and
        under pytest-xdist (the log is shared by every worker, so a write could not be told apart from a neighbour's)."""
        if not self.is_emulator or os.environ.get("PYTEST_XDIST_WORKER"):
            return None
        log = self.session.get(self.base_url + "/_emulator/requests", params={"since": mark}, timeout=10).json()["requests"]
        return [f"{x['method']} {x['path']}" for x in log if x.get("write") and x["seq"] > mark]


_TOKEN = re.compile(r"[A-Za-z0-9_+/=-]{8,}")


def redact(text: t.Any, key: str) -> str:
    """``text`` without the key, nor any 8+ character piece of it (pytest shortens long strings to 'K2abc...xyz')."""
    out = str(text)
    if len(key) < 8:
        return out
    out = out.replace(key, "<redacted>")
    return _TOKEN.sub(lambda m: "<redacted>" if m.group(0) in key else m.group(0), out)


def _answer(response: requests.Response) -> Answer:
    text = response.text or ""
    headers = {k: v for k, v in response.headers.items() if k.lower() in ("content-type", "retry-after")}
    if not text.strip():
        return Answer(response.status_code, "empty", None, headers)
    try:
        return Answer(response.status_code, "json", response.json(), headers)
    except ValueError:
        return Answer(response.status_code, "text", text[:200], headers)
