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
    # where live progress lines go (the action plugin's Display().display); None on the module path
    progress: t.Callable[[str], None] | None = None
    # where a connection option's value came from when the entry point knows better than "task argument"
    # (the action plugin tells module_defaults and templated variables apart): option -> phrase
    origins: t.Mapping[str, str] = dataclasses.field(default_factory=dict)
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

    def sources(self) -> dict[str, str]:
        """Where project_id, management_key and base_url came from, in the words of an error message."""
        try:
            found = dict(self.settings.sources)
        except DescopeError:  # unusable settings: say where each would have been read
            found = {}
        for option, env in (
            ("project_id", "DESCOPE_PROJECT_ID"),
            ("management_key", "DESCOPE_MANAGEMENT_KEY"),
            ("base_url", "DESCOPE_BASE_URL"),
        ):
            if option not in found:
                found[option] = (
                    f"task argument '{option}'"
                    if self.params.get(option) is not None
                    else f"environment variable {env}"
                )
            if option in self.origins and found[option].startswith("task argument"):
                found[option] = self.origins[option]
        return found

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
