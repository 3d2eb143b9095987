"""Offline stand-in for the get-pip script ansible-test downloads when it creates a virtualenv.

ansible-test fetches get-pip-<ver>.py from a host that is not always reachable and caches it as
``$HOME/.ansible/test/cache/get_pip_<ver>.py``; scripts/test copies this file there instead.
ansible-test runs it as ``python quiet_pip.py --disable-pip-version-check pip==X.Y --no-setuptools --no-wheel``.
It bootstraps pip from the interpreter's bundled ensurepip, then installs the requested pip from the
package index.
"""

from __future__ import annotations

import subprocess
import sys


def main() -> None:
    argv = sys.argv[1:]
    args = [arg for arg in argv if arg not in ("--no-setuptools", "--no-wheel")]
    subprocess.check_call([sys.executable, "-m", "ensurepip", "--upgrade", "--default-pip"], stdout=subprocess.DEVNULL)
    subprocess.check_call([sys.executable, "-m", "pip", "install", "--quiet", "--upgrade", *args])
    if "--no-setuptools" in argv:
        subprocess.call(
            [sys.executable, "-m", "pip", "uninstall", "--quiet", "-y", "setuptools"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )


main()
