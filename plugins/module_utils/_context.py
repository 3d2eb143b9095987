# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What one task hands the pipeline and the resource specs (FOR INTERNAL COLLECTION USE ONLY).

It lives in the lowest layer (beside the client and the options) so resource specs can read their
parameters and reach the client without importing the pipeline or any entry point.
"""

from __future__ import annotations

import dataclasses
import typing as t

from ansible_collections.descope.mgmt.plugins.module_utils._client import DescopeClient, get_client
from ansible_collections.descope.mgmt.plugins.module_utils._errors import DescopeError
from ansible_collections.descope.mgmt.plugins.module_utils._options import ConnectionSettings, settings_from_params


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

    def close(self) -> None:
        """Module path: close the client's connection (the in-process client is shared and kept)."""
        if not self.in_process and self._client is not None:
            self._client.close()
