# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Connection options shared by every module (FOR INTERNAL COLLECTION USE ONLY).

The argument spec deliberately has no ``fallback``: the environment is resolved here, so the
module path (AnsiballZ) and the controller-side action plugin (which also honours the task's
``environment:``) apply exactly one precedence rule: task argument (module_defaults already merged
by Ansible) > environment variable > default.

Every credential is checked here, before any request, so that a malformed or swapped value never
reaches the HTTP library (whose own errors would print the ``Authorization`` header). No message
built here ever contains a credential value: it names the option, where the value came from, and the fix.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import re
import typing as t
from urllib.parse import urlsplit

from ansible_collections.descope.mgmt.plugins.module_utils._errors import DescopeConfigError

DEFAULT_BASE_URL = "https://api.descope.com"
ENV_PROJECT_ID = "DESCOPE_PROJECT_ID"
ENV_MANAGEMENT_KEY = "DESCOPE_MANAGEMENT_KEY"
ENV_BASE_URL = "DESCOPE_BASE_URL"
ENV_ALLOW_INSECURE_HTTP = "DESCOPE_ALLOW_INSECURE_HTTP"
REDACTED = "[REDACTED]"

CONNECTION_ARGSPEC: dict[str, dict[str, t.Any]] = {
    "project_id": {"type": "str"},
    "management_key": {"type": "str", "no_log": True},
    "base_url": {"type": "str"},
    "allow_insecure_http": {"type": "bool"},
    "validate_certs": {"type": "bool", "default": True},
    "timeout": {"type": "float", "default": 60.0},
    "retries": {"type": "int", "default": 4},
    "retry_max_wait": {"type": "float", "default": 60.0},
}

CONNECTION_OPTION_NAMES = frozenset(CONNECTION_ARGSPEC)

# Forms of the credentials. The official CLI refuses a management key that does not start with "K"
# and a project id that does not start with "P" (descope/descopecli shared/client.go createDescopeClient);
# real project ids are letters and digits (e.g. the CLI's own example "P2Z1234567890123456789012345",
# descopecli main.go, and the 32-character regional ids the SDKs slice in base_url_for_project_id).
# Key lengths and alphabets are not published, so a key is only held to "K" + visible ASCII.
PROJECT_ID_FORM = re.compile(r"P[A-Za-z0-9]+")
KEY_FORM = re.compile(r"K[\x21-\x7e]+")
_TRUE = ("1", "true", "yes", "on", "y")
_FALSE = ("0", "false", "no", "off", "n", "")


def with_connection(spec: dict[str, dict[str, t.Any]]) -> dict[str, dict[str, t.Any]]:
    """Return a module's argument spec merged with the shared connection options."""
    merged = {name: dict(opt) for name, opt in CONNECTION_ARGSPEC.items()}
    merged.update(spec)
    return merged


def regional_base_url(project_id: str) -> str:
    """Base URL the official SDKs derive: long (32+ character) ids carry a region in characters 2-5."""
    if len(project_id) >= 32:
        return f"https://api.{project_id[1:5]}.descope.com"
    return DEFAULT_BASE_URL


@dataclasses.dataclass(frozen=True)
class ConnectionSettings:
    project_id: str
    management_key: str = dataclasses.field(repr=False)
    base_url: str = DEFAULT_BASE_URL
    validate_certs: bool = True
    timeout: float = 60.0
    retries: int = 4
    retry_max_wait: float = 60.0
    # where each value came from: "task argument 'management_key'" or "environment variable DESCOPE_MANAGEMENT_KEY";
    # error hints use it to name the real source of a rejected credential
    sources: t.Mapping[str, str] = dataclasses.field(default_factory=dict, compare=False)
    allow_insecure_http: bool = False
    # GET /v1/mgmt/license once per client and send x-descope-license, as the official SDKs do
    license_handshake: bool = True

    def cache_key(self) -> tuple[t.Any, ...]:
        # hash() of the key keeps the secret itself out of any structure that might be printed
        return (
            self.base_url,
            self.project_id,
            hash(self.management_key),
            self.validate_certs,
            self.timeout,
            self.retries,
            self.retry_max_wait,
            self.license_handshake,
        )

    def secrets(self) -> tuple[str, ...]:
        """Every value in a credential position that must never be shown (the project id too when it looks like a
        key)."""
        values = [self.management_key]
        if not PROJECT_ID_FORM.fullmatch(self.project_id or ""):
            values.append(self.project_id)
        return tuple(v for v in values if v)

    def redact(self, text: str) -> str:
        """Replace every credential value (and every line of a multi-line one) in ``text``."""
        return redact(text, self.secrets())


def redact(text: str, secrets: t.Iterable[str]) -> str:
    parts: set[str] = set()
    for secret in secrets:
        if not secret:
            continue
        parts.add(secret)
        # a value cut by a control character may surface in pieces (one per line of an error)
        parts.update(p for p in re.split(r"[\x00-\x1f\x7f\s]+", secret) if len(p) >= 6)
    for part in sorted(parts, key=len, reverse=True):
        text = text.replace(part, REDACTED)
    return text


def hidden_values(params: t.Mapping[str, t.Any], environ: t.Mapping[str, str]) -> set[str]:
    """Values in a credential position that Ansible must mask too (``AnsibleModule.no_log_values``).

    The key option is no_log already; a key given in ``project_id`` is not, and the module path echoes the task's
    arguments (``invocation``) at -vvvv. Adding these before any result is returned masks them there as well.
    """
    values = set()
    for name, env in (("project_id", ENV_PROJECT_ID), ("management_key", ENV_MANAGEMENT_KEY)):
        for raw in (params.get(name), environ.get(env)):
            text = "" if raw is None else str(raw).strip()
            if not text or (name == "project_id" and PROJECT_ID_FORM.fullmatch(text)):
                continue
            values.add(text)
            values.update(p for p in re.split(r"[\x00-\x1f\x7f\s]+", text) if len(p) >= 6)
    return values


def _source(name: str, env: str, from_task: bool) -> str:
    return f"task argument '{name}'" if from_task else f"environment variable {env}"


def _pick(params: t.Mapping[str, t.Any], name: str, environ: t.Mapping[str, str], env: str) -> tuple[str | None, str]:
    """Return (value, source). A task value that is set but empty is an error, never a silent fallback."""
    value = params.get(name)
    if value is not None:
        text = str(value)
        if not text.strip():
            raise DescopeConfigError(
                [],
                f"Option '{name}' is set on the task but empty. An empty value usually comes from a variable or "
                f"lookup that is not defined. Fix: give the value, or remove '{name}' from the task (and "
                f"module_defaults) to use the {env} environment variable.",
            )
        return text, _source(name, env, True)
    env_value = environ.get(env)
    if env_value is None or not str(env_value).strip():
        return None, _source(name, env, False)
    return str(env_value), _source(name, env, False)


def _number(params: t.Mapping[str, t.Any], name: str, default: float) -> float:
    value = params.get(name)
    return default if value is None else float(value)


def _bad_characters(value: str) -> str | None:
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in value):
        return "a control character (a line break, tab or similar, often pasted from a file or a terminal)"
    if any(ord(c) > 0x7E for c in value):
        return "a character outside plain ASCII (a typographic quote, a non-breaking space or a non-Latin letter)"
    if any(c.isspace() for c in value):
        return "a space"
    return None


def _check_credentials(project_id: str, key: str, sources: t.Mapping[str, str]) -> None:
    """Refuse swapped, malformed or unsendable credentials. Messages name options and sources, never values."""
    pid_src, key_src = sources["project_id"], sources["management_key"]
    pid, k = project_id.strip(), key.strip()
    if KEY_FORM.fullmatch(pid) and PROJECT_ID_FORM.fullmatch(k):
        raise DescopeConfigError(
            [],
            f"The project ID and the management key look swapped: the value of {pid_src} looks like a management key "
            f"(it starts with 'K') and the value of {key_src} looks like a project ID (it starts with 'P'). Nothing "
            "was sent. Fix: put the project ID (Project page of the Descope console) in 'project_id' / "
            "DESCOPE_PROJECT_ID and the key in 'management_key' / DESCOPE_MANAGEMENT_KEY, and rotate the key if it "
            "was printed anywhere.",
        )
    if not PROJECT_ID_FORM.fullmatch(pid):
        if KEY_FORM.fullmatch(pid) or len(pid) > 64:
            what = "looks like a management key (it starts with 'K'), not a project ID"
        else:
            bad_chars = _bad_characters(project_id)
            what = (
                f"contains {bad_chars}"
                if bad_chars
                else "is not a Descope project ID (they start with 'P' followed by letters and digits)"
            )
        raise DescopeConfigError(
            [],
            f"The value of {pid_src} {what}. Nothing was sent and the value is not shown. Fix: set 'project_id' / "
            "DESCOPE_PROJECT_ID to the project ID from the Project page of the Descope console; a management key "
            "belongs in 'management_key' / DESCOPE_MANAGEMENT_KEY.",
        )
    if PROJECT_ID_FORM.fullmatch(k):
        raise DescopeConfigError(
            [],
            f"The value of {key_src} looks like a project ID (it starts with 'P'), not a management key. Nothing was "
            "sent. Fix: set 'management_key' / DESCOPE_MANAGEMENT_KEY to a management key (Company settings of the "
            "Descope console, it starts with 'K') and the project ID in 'project_id' / DESCOPE_PROJECT_ID.",
        )
    bad = _bad_characters(key.strip())
    if bad:
        raise DescopeConfigError(
            [],
            f"The value of {key_src} contains {bad}, which cannot be sent in an HTTP header. Nothing was sent and the "
            "key is not shown. Fix: copy the management key again as one line of plain text (no quotes, no line "
            "break), for example with `export DESCOPE_MANAGEMENT_KEY=$(tr -d '\\n' < keyfile)`.",
        )
    if not KEY_FORM.fullmatch(k):
        raise DescopeConfigError(
            [],
            f"The value of {key_src} is not a Descope management key (they start with 'K'). Nothing was sent and the "
            "value is not shown. Fix: create or copy a management key in the Company settings of the Descope console.",
        )


def is_loopback(host: str) -> bool:
    host = host.strip("[]").lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_base_url(raw: str, source: str, allow_insecure_http: bool) -> str:
    """Return the normalised base URL or raise a DescopeConfigError naming 'base_url' and the fix."""
    fix = (
        "Fix: set 'base_url' / DESCOPE_BASE_URL to an https URL such as https://api.descope.com (or remove it to use "
        "the default)."
    )
    url = raw.strip()
    if not url or any(c.isspace() or ord(c) < 0x20 or ord(c) == 0x7F for c in url):
        raise DescopeConfigError(
            [], f"The value of {source} is not a URL (it is empty or contains spaces or control characters). {fix}"
        )
    try:
        parts = urlsplit(url)
        port = parts.port  # raises ValueError for a port that is not a number or out of range
    except ValueError as exc:
        raise DescopeConfigError([], f"The value of {source} is not a valid URL ({exc}). {fix}") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.netloc:
        got = f"the scheme '{scheme}://'" if scheme and parts.netloc else "no scheme"
        raise DescopeConfigError(
            [], f"The value of {source} has {got}; the Descope API is reached over https://. {fix}"
        )
    host = parts.hostname or ""
    if not host:
        raise DescopeConfigError([], f"The value of {source} has no host name. {fix}")
    if parts.username is not None or parts.password is not None:
        raise DescopeConfigError(
            [],
            f"The value of {source} contains a user name or password; credentials go in 'management_key' only. {fix}",
        )
    if parts.query or parts.fragment:
        raise DescopeConfigError([], f"The value of {source} has a query string or fragment ('?' or '#'). {fix}")
    if scheme == "http" and not allow_insecure_http and not is_loopback(host):
        raise DescopeConfigError(
            [],
            f"The value of {source} uses plain http:// to a host that is not this machine, which would send the "
            "management key unencrypted. Nothing was sent. Fix: use https://, or set 'allow_insecure_http: true' "
            f"(environment variable {ENV_ALLOW_INSECURE_HTTP}=true) if the link is protected another way.",
        )
    del port
    return url.rstrip("/")


def _flag(params: t.Mapping[str, t.Any], name: str, environ: t.Mapping[str, str], env: str) -> bool:
    value = params.get(name)
    if value is not None:
        return bool(value)
    raw = str(environ.get(env, "")).strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise DescopeConfigError([], f"Environment variable {env} must be true or false. Fix: set {env}=true or unset it.")


def settings_from_params(params: t.Mapping[str, t.Any], environ: t.Mapping[str, str]) -> ConnectionSettings:
    """Resolve connection settings, failing before any request when credentials are missing or unusable."""
    project_id, pid_src = _pick(params, "project_id", environ, ENV_PROJECT_ID)
    key, key_src = _pick(params, "management_key", environ, ENV_MANAGEMENT_KEY)
    missing = []
    if not project_id:
        missing.append(("project_id", ENV_PROJECT_ID))
    if not key:
        missing.append(("management_key", ENV_MANAGEMENT_KEY))
    if missing or project_id is None or key is None:
        raise DescopeConfigError(missing)
    sources = {"project_id": pid_src, "management_key": key_src}
    _check_credentials(project_id, key, sources)
    project_id, key = project_id.strip(), key.strip()
    allow_http = _flag(params, "allow_insecure_http", environ, ENV_ALLOW_INSECURE_HTTP)
    raw_url, url_src = _pick(params, "base_url", environ, ENV_BASE_URL)
    if raw_url is None:
        base_url, url_src = regional_base_url(project_id), "the default base URL"
    else:
        base_url = check_base_url(raw_url, url_src, allow_http)
    sources["base_url"] = url_src
    handshake = str(environ.get("DESCOPE_LICENSE_HANDSHAKE", "true")).strip().lower() not in ("0", "false", "no", "off")
    return ConnectionSettings(
        project_id=project_id,
        management_key=key,
        base_url=base_url,
        validate_certs=bool(params.get("validate_certs", True)),
        timeout=float(params.get("timeout") or 60.0),
        retries=max(0, int(_number(params, "retries", 4))),
        retry_max_wait=max(0.0, float(_number(params, "retry_max_wait", 60.0))),
        sources=sources,
        allow_insecure_http=allow_http,
        license_handshake=handshake,
    )
