# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Connection options shared by every module (FOR INTERNAL COLLECTION USE ONLY).

The argument spec deliberately has no ``fallback``: the environment is resolved here, so the
module path (AnsiballZ) and the controller-side action plugin (which also honours the task's
``environment:``) apply exactly one precedence rule: task argument (module_defaults already merged
by Ansible) > environment variable > default.
"""

from __future__ import annotations

import dataclasses
import typing as t

from ansible_collections.descope.mgmt.plugins.module_utils._errors import DescopeConfigError

DEFAULT_BASE_URL = "https://api.descope.com"
ENV_PROJECT_ID = "DESCOPE_PROJECT_ID"
ENV_MANAGEMENT_KEY = "DESCOPE_MANAGEMENT_KEY"
ENV_BASE_URL = "DESCOPE_BASE_URL"

CONNECTION_ARGSPEC: dict[str, dict[str, t.Any]] = {
    "project_id": {"type": "str"},
    "management_key": {"type": "str", "no_log": True},
    "base_url": {"type": "str"},
    "validate_certs": {"type": "bool", "default": True},
    "timeout": {"type": "float", "default": 60.0},
    "retries": {"type": "int", "default": 4},
    "retry_max_wait": {"type": "float", "default": 60.0},
}

CONNECTION_OPTION_NAMES = frozenset(CONNECTION_ARGSPEC)


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

    def cache_key(self) -> tuple[t.Any, ...]:
        # hash() of the key keeps the secret itself out of any structure that might be printed
        return (self.base_url, self.project_id, hash(self.management_key), self.validate_certs, self.timeout, self.retries, self.retry_max_wait)


def _pick(params: t.Mapping[str, t.Any], name: str, environ: t.Mapping[str, str], env: str) -> str | None:
    value = params.get(name)
    if value is None or value == "":
        value = environ.get(env) or None
    return None if value is None else str(value).strip() or None


def _number(params: t.Mapping[str, t.Any], name: str, default: float) -> float:
    value = params.get(name)
    return default if value is None else float(value)


def settings_from_params(params: t.Mapping[str, t.Any], environ: t.Mapping[str, str]) -> ConnectionSettings:
    """Resolve connection settings, failing before any request when credentials are missing."""
    project_id = _pick(params, "project_id", environ, ENV_PROJECT_ID)
    key = _pick(params, "management_key", environ, ENV_MANAGEMENT_KEY)
    missing = []
    if not project_id:
        missing.append(("project_id", ENV_PROJECT_ID))
    if not key:
        missing.append(("management_key", ENV_MANAGEMENT_KEY))
    if missing or project_id is None or key is None:
        raise DescopeConfigError(missing)
    base_url = _pick(params, "base_url", environ, ENV_BASE_URL) or regional_base_url(project_id)
    return ConnectionSettings(
        project_id=project_id,
        management_key=key,
        base_url=base_url.rstrip("/"),
        validate_certs=bool(params.get("validate_certs", True)),
        timeout=float(params.get("timeout") or 60.0),
        retries=max(0, int(_number(params, "retries", 4))),
        retry_max_wait=max(0.0, float(_number(params, "retry_max_wait", 60.0))),
    )
