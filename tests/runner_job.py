# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""An AWX-like ansible-runner job around one play: the private data dir and the job's environment."""

from __future__ import annotations

import os
import pathlib
import sys
import typing as t

import yaml


def private_dir(root: pathlib.Path, playbook: str, play: list[dict[str, t.Any]], host: str = "localhost") -> pathlib.Path:
    """``root`` laid out as AWX lays out a job: project/<playbook> and an inventory of one local host."""
    (root / "project").mkdir(parents=True, exist_ok=True)
    (root / "inventory").mkdir(exist_ok=True)
    (root / "project" / playbook).write_text(yaml.safe_dump(play, sort_keys=False), encoding="utf-8")
    inventory = f"{host} ansible_connection=local ansible_python_interpreter={sys.executable}\n"
    (root / "inventory" / "hosts").write_text(inventory, encoding="utf-8")
    return root


def job_env(tmp_path: pathlib.Path, collections: str, **extra: str) -> dict[str, str]:
    """The job's environment: ansible-playbook of this interpreter, the built collection, the audit callback."""
    return {
        # ansible-runner starts ansible-playbook from PATH: the one of this interpreter's environment
        "PATH": f"{pathlib.Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "ANSIBLE_COLLECTIONS_PATH": collections,
        "ANSIBLE_CALLBACKS_ENABLED": "descope.mgmt.descope_audit",
        "ANSIBLE_LOCAL_TEMP": str(tmp_path / "ansible-tmp"),
        "ANSIBLE_REMOTE_TMP": str(tmp_path / "ansible-tmp"),
        "ANSIBLE_NOCOLOR": "1",
        **extra,
    }
