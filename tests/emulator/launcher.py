# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Start the emulator as a child process and read the ``export`` lines it prints.

One launcher for everything that needs a throwaway emulator: the pytest fixture, the benchmark
scripts and the reliability tests. It listens on 127.0.0.1 only, on a free port, and stops with
``stop()`` (or at the end of a ``with`` block); the emulator also exits by itself when its launcher dies.
"""

import os
import queue
import subprocess
import sys
import tempfile
import threading

EMULATOR_DIR = os.path.dirname(os.path.abspath(__file__))
ENV_KEYS = ("DESCOPE_BASE_URL", "DESCOPE_PROJECT_ID", "DESCOPE_MANAGEMENT_KEY")


class EmulatorProcess:
    """A running emulator: ``env`` holds the three DESCOPE_* variables it printed."""

    def __init__(self, args=(), python=None, timeout=20.0, strict=False):
        # strict: reject request fields the OpenAPI schemas do not define (same as --strict)
        args = (*args, "--strict") if strict and "--strict" not in args else tuple(args)
        self._errlog = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115  # pylint: disable=consider-using-with  # closed in stop()
        self.proc = subprocess.Popen(  # pylint: disable=consider-using-with
            [python or sys.executable, EMULATOR_DIR, "--port", "0", *args],
            stdout=subprocess.PIPE,
            stderr=self._errlog,
            text=True,
            cwd=os.path.dirname(EMULATOR_DIR),
        )
        self.env = self._read_exports(timeout)
        if any(key not in self.env for key in ENV_KEYS):
            self._errlog.seek(0)
            detail = self._errlog.read()
            self.stop()
            raise RuntimeError("the emulator did not start: %s" % (detail or "no export lines within %s s" % timeout))
        self.base_url = self.env["DESCOPE_BASE_URL"]

    def _read_exports(self, timeout):
        lines = queue.Queue()

        def reader():
            # keeps draining stdout after the exports, so the child can never block on a full pipe
            for line in self.proc.stdout:
                lines.put(line)

        threading.Thread(target=reader, daemon=True).start()
        env = {}
        while len(env) < len(ENV_KEYS):
            try:
                line = lines.get(timeout=timeout)
            except queue.Empty:
                break
            if line.startswith("export ") and "=" in line:
                key, value = line[len("export ") :].strip().split("=", 1)
                env[key] = value
        return env

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        self._errlog.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.stop()
