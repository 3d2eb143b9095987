"""Shared pytest fixtures: the Descope Management API emulator (see docs/architecture.md, "Emulator").

``emulator_server`` starts one emulator process per session; ``emulator`` resets it before each test
and hands out the control client. Suite-specific fixtures belong in the suites' own conftest.py.
"""

import os
import queue
import subprocess
import sys
import tempfile
import threading

import pytest

try:
    import requests
except ImportError:  # the fixture skips; other suites must not break at import
    requests = None

EMULATOR_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "emulator")
START_TIMEOUT = 20


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
        return self.session.request(method, self.base_url + path, json=json, params=params, headers=headers,
                                    timeout=kwargs.pop("timeout", 10), **kwargs)


def _read_exports(proc, deadline):
    lines = queue.Queue()

    def reader():
        for line in proc.stdout:
            lines.put(line)
            if line.startswith("export DESCOPE_MANAGEMENT_KEY="):
                break

    threading.Thread(target=reader, daemon=True).start()
    env = {}
    while len(env) < 3:
        try:
            line = lines.get(timeout=deadline)
        except queue.Empty:
            break
        if line.startswith("export ") and "=" in line:
            key, value = line[len("export "):].strip().split("=", 1)
            env[key] = value
    return env


@pytest.fixture(scope="session")
def emulator_server():
    """The emulator process for the whole session; yields an EmulatorControl (no reset)."""
    if requests is None:
        pytest.skip("requests is not installed")
    errlog = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115  pylint: disable=consider-using-with
    proc = subprocess.Popen(  # pylint: disable=consider-using-with
        [sys.executable, EMULATOR_DIR, "--port", "0"],
        stdout=subprocess.PIPE, stderr=errlog, text=True, cwd=os.path.dirname(EMULATOR_DIR))
    try:
        env = _read_exports(proc, START_TIMEOUT)
        if len(env) < 3:
            errlog.seek(0)
            raise RuntimeError("emulator did not start: %s" % errlog.read())
        yield EmulatorControl(env)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        proc.stdout.close()
        errlog.close()


@pytest.fixture
def emulator(emulator_server):  # pylint: disable=redefined-outer-name
    """The emulator, reset to its start state (seed re-applied; log, faults and limits cleared)."""
    emulator_server.reset()
    return emulator_server
