# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The single entry point shared by modules and controller-side action plugins (FOR INTERNAL COLLECTION USE ONLY).

A resource handler is ``handler(ctx) -> result dict``. ``run_task`` gives it a ``TaskContext``
(parameters, check/diff flags, environment, a lazily built client) and turns any ``DescopeError``
into the standard failure keys, so both execution paths fail and succeed identically.
"""

from __future__ import annotations

import dataclasses
import typing as t

from ansible_collections.descope.mgmt.plugins.module_utils._client import HAS_REQUESTS, DescopeClient, get_client
from ansible_collections.descope.mgmt.plugins.module_utils._errors import DescopeError
from ansible_collections.descope.mgmt.plugins.module_utils._options import ConnectionSettings, settings_from_params

Handler = t.Callable[["TaskContext"], dict[str, t.Any]]


@dataclasses.dataclass
class TaskContext:
    module: str
    params: dict[str, t.Any]
    check_mode: bool
    diff: bool
    environ: t.Mapping[str, str]
    warn: t.Callable[[str], None]
    in_process: bool = False
    _client: DescopeClient | None = None
    _settings: ConnectionSettings | None = None

    @property
    def settings(self) -> ConnectionSettings:
        if self._settings is None:
            self._settings = settings_from_params(self.params, self.environ)
        return self._settings

    @property
    def project_id(self) -> str | None:
        try:
            return self.settings.project_id
        except DescopeError:
            return None

    def client(self) -> DescopeClient:
        if self._client is None:
            if self.in_process:
                self._client = get_client(self.settings, warn=self.warn)
            else:
                self._client = DescopeClient(self.settings, warn=self.warn)
        return self._client

    def request_stats(self) -> dict[str, t.Any] | None:
        if self._client is None:
            return None
        stats = dict(self._client.stats)
        return {k: (round(v, 3) if isinstance(v, float) else int(v)) for k, v in stats.items()}


def run_task(
    handler: Handler,
    module: str,
    params: t.Mapping[str, t.Any],
    check_mode: bool,
    diff: bool,
    environ: t.Mapping[str, str],
    warn: t.Callable[[str], None],
    in_process: bool = False,
) -> dict[str, t.Any]:
    ctx = TaskContext(module=module, params=dict(params), check_mode=check_mode, diff=diff, environ=environ, warn=warn, in_process=in_process)
    try:
        if not HAS_REQUESTS:
            raise DescopeError("Failed to import the required Python library (requests) on this host.")
        result = handler(ctx)
    except DescopeError as exc:
        result = exc.to_result()
        result["failed"] = True
        result.setdefault("changed", False)
        result.setdefault(
            "descope_audit",
            {
                "version": 1,
                "module": module,
                "project_id": ctx.project_id,
                "check_mode": check_mode,
                "operations": [],
                "counts": {},
                "error": result.get("error"),
            },
        )
    stats = ctx.request_stats()
    if stats is not None:
        result["api_requests"] = stats
    if not ctx.in_process and ctx._client is not None:
        ctx._client.close()
    return result


def run_module(module: t.Any, handler: Handler, name: str, libraries: t.Sequence[tuple[str, bool, str | None]] = ()) -> None:
    """Module path: AnsibleModule in, exit_json/fail_json out.

    ``libraries`` lists extra ``(name, available, import_traceback)`` a handler needs (jsonschema...),
    so a missing one fails with Ansible's standard message instead of a traceback.
    """
    import os

    from ansible.module_utils.basic import missing_required_lib

    from ansible_collections.descope.mgmt.plugins.module_utils._client import REQUESTS_IMPORT_ERROR

    if not HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
    for lib, available, trace in libraries:
        if not available:
            module.fail_json(msg=missing_required_lib(lib), exception=trace)
    result = run_task(handler, name, module.params, module.check_mode, module._diff, os.environ, module.warn)
    if result.pop("failed", False):
        module.fail_json(**result)
    module.exit_json(**result)
