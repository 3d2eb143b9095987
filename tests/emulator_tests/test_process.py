"""The emulator as a program: command line, seed file, exports, SIGTERM; and concurrent use."""

import json
import os
import signal
import subprocess
import sys
import threading
import time

import requests

EMULATOR_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "emulator")


def _start(*args):
    proc = subprocess.Popen(
        [sys.executable, EMULATOR_DIR, "--port", "0", *args],  # pylint: disable=consider-using-with
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    env = {}
    for _attempt in range(3):
        line = proc.stdout.readline()
        assert line.startswith("export DESCOPE_"), line + proc.stderr.read()
        key, value = line[len("export ") :].strip().split("=", 1)
        env[key] = value
    return proc, env


def _stop(proc):
    proc.terminate()
    try:
        return proc.wait(timeout=10)
    finally:
        proc.stdout.close()
        proc.stderr.close()


def test_cli_seed_file_and_credentials(tmp_path):
    seed = {"projects": [{"id": "P2Custom", "managementKey": "K2Custom", "tenants": [{"id": "t1", "name": "Seeded"}]}]}
    seed_file = tmp_path / "seed.json"
    seed_file.write_text(json.dumps(seed))
    proc, env = _start("--seed", str(seed_file), "--project-id", "P2Custom", "--management-key", "K2Custom")
    try:
        assert env["DESCOPE_PROJECT_ID"] == "P2Custom" and env["DESCOPE_MANAGEMENT_KEY"] == "K2Custom"
        assert env["DESCOPE_BASE_URL"].startswith("http://127.0.0.1:") and not env["DESCOPE_BASE_URL"].endswith(":0")
        url = env["DESCOPE_BASE_URL"]
        headers = {"Authorization": "Bearer P2Custom:K2Custom"}
        assert requests.get(url + "/v1/mgmt/tenant/all", headers=headers, timeout=5).json()["tenants"][0]["id"] == "t1"
        requests.post(url + "/v1/mgmt/tenant/delete", json={"id": "t1"}, headers=headers, timeout=5)
        requests.post(url + "/_emulator/reset", json={}, timeout=5)
        # reset re-applies the seed file
        assert [t["id"] for t in requests.get(url + "/v1/mgmt/tenant/all", headers=headers, timeout=5).json()["tenants"]] == ["t1"]
    finally:
        assert _stop(proc) == 0


def test_module_imports_as_package():
    code = "import emulator.server, emulator.state; print(emulator.state.Store().default_project_id)"
    out = subprocess.run([sys.executable, "-c", code], cwd=os.path.dirname(EMULATOR_DIR), capture_output=True, text=True, timeout=30, check=True)
    assert out.stdout.strip() == "P2EmulatorDefaultProject0001"


def test_concurrent_creates_are_consistent(emulator):
    errors = []

    def worker(offset):
        session = requests.Session()
        for i in range(10):
            resp = session.post(emulator.base_url + "/v1/mgmt/tenant/create", json={"name": "t-%d-%d" % (offset, i)}, headers=emulator.headers(), timeout=10)
            if resp.status_code != 200:
                errors.append(resp.text)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert len(emulator.state()["tenants"]) == 80
    assert len({r["seq"] for r in emulator.requests()}) == 80


def test_exits_when_its_parent_dies():
    # The launcher starts the emulator and dies without cleaning up (like a pytest --forked child).
    launcher = (
        "import subprocess, sys; p = subprocess.Popen([sys.executable, %r, '--port', '0'], stdout=subprocess.PIPE, text=True); "
        "print(p.pid, flush=True); p.stdout.readline()" % EMULATOR_DIR
    )
    out = subprocess.run([sys.executable, "-c", launcher], capture_output=True, text=True, timeout=30, check=True)
    pid = int(out.stdout.split()[0])
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    os.kill(pid, signal.SIGKILL)
    raise AssertionError("emulator outlived its parent")
