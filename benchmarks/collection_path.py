# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Make ``ansible_collections.descope.mgmt`` importable for the benchmark scripts.

When the collection is not importable yet (a plain checkout), link this checkout as
``<tmp>/ansible_collections/descope/mgmt`` and point sys.path, PYTHONPATH and ANSIBLE_COLLECTIONS_PATH at
it, so the scripts and the ansible-playbook runs they start use the working tree.
"""

from __future__ import annotations

import atexit
import importlib.util
import os
import pathlib
import shutil
import sys
import tempfile

REPO = pathlib.Path(__file__).resolve().parents[1]


def ensure() -> str:
    """Return a directory that holds ``ansible_collections`` with this collection in it."""
    for entry in [os.environ.get("ANSIBLE_COLLECTIONS_PATH", ""), *os.environ.get("PYTHONPATH", "").split(os.pathsep)]:
        if entry and (pathlib.Path(entry) / "ansible_collections" / "descope" / "mgmt").is_dir():
            _export(entry)
            return entry
    if importlib.util.find_spec("ansible_collections") is not None and importlib.util.find_spec("ansible_collections.descope.mgmt") is not None:
        return ""
    farm = tempfile.mkdtemp(prefix="descope-bench-")
    atexit.register(shutil.rmtree, farm, ignore_errors=True)
    link = pathlib.Path(farm) / "ansible_collections" / "descope" / "mgmt"
    link.parent.mkdir(parents=True)
    link.symlink_to(REPO)
    _export(farm)
    return farm


def _export(path: str) -> None:
    if path not in sys.path:
        sys.path.insert(0, path)
    os.environ["ANSIBLE_COLLECTIONS_PATH"] = path
    parts = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    if path not in parts:
        os.environ["PYTHONPATH"] = os.pathsep.join([path, *parts])
