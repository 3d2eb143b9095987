# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The control client of a running emulator: its DESCOPE_* settings plus the ``/_emulator/`` controls.

Used by the pytest fixtures (tests/conftest.py) and anything else that drives an emulator in tests.
"""

import requests


class EmulatorControl:
    """Talks to a running emulator: its connection settings plus the ``/_emulator/`` controls."""

    def __init__(self, env):
        self.env = dict(env)
        self.base_url = env["DESCOPE_BASE_URL"]
        self.project_id = env["DESCOPE_PROJECT_ID"]
        self.management_key = env["DESCOPE_MANAGEMENT_KEY"]
        self.session = requests.Session()

    def _control(self, method, name, **kwargs):
        resp = self.session.request(method, "%s/_emulator/%s" % (self.base_url, name), timeout=10, **kwargs)
        if resp.status_code != 200:
            raise AssertionError("emulator control %s %s failed: %s %s" % (method, name, resp.status_code, resp.text))
        return resp.json()

    def reset(self):
        self._control("POST", "reset", json={})

    def requests(self, since=None):
        params = {"since": since} if since is not None else None
        return self._control("GET", "requests", params=params)["requests"]

    def writes(self, since=None):
        return [r for r in self.requests(since) if r["write"]]

    def last_seq(self):
        log = self.requests()
        return log[-1]["seq"] if log else 0

    def clear_log(self):
        self._control("DELETE", "requests")

    def seed(self, projects=None, **project):
        """``seed([{...}, ...])``, ``seed({"projects": [...]})`` or ``seed(id=..., tenants=[...])``."""
        if isinstance(projects, dict) and "projects" in projects:
            body = projects
        elif isinstance(projects, dict):
            body = {"projects": [projects]}
        elif projects is not None:
            body = {"projects": list(projects)}
        else:
            project.setdefault("id", self.project_id)
            project.setdefault("managementKey", self.management_key)
            body = {"projects": [project]}
        return self._control("POST", "seed", json=body)

    def config(self, **settings):
        return self._control("POST", "config", json=settings)

    def faults(self, *faults):
        items = faults[0] if len(faults) == 1 and isinstance(faults[0], list) else list(faults)
        return self._control("POST", "faults", json={"faults": items})

    def clear_faults(self):
        self._control("DELETE", "faults")

    def state(self, project=None):
        return self._control("GET", "state", params={"project": project} if project else None)

    def headers(self, project_id=None, key=None):
        return {"Authorization": "Bearer %s:%s" % (project_id or self.project_id, key or self.management_key)}

    def api(self, method, path, json=None, params=None, project_id=None, key=None, **kwargs):  # pylint: disable=redefined-outer-name
        """Call the emulated Management API with valid credentials; returns the requests.Response."""
        headers = kwargs.pop("headers", None) or self.headers(project_id, key)
        return self.session.request(method, self.base_url + path, json=json, params=params, headers=headers, timeout=kwargs.pop("timeout", 10), **kwargs)
