# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The module path under test: run a module's main() as Ansible would and read its JSON result."""

from __future__ import annotations

import json
import typing as t

import pytest
from ansible.module_utils.testing import patch_module_args


@pytest.fixture
def env(emulator: t.Any, monkeypatch: pytest.MonkeyPatch) -> t.Any:
    """The emulator, with its DESCOPE_* connection settings in the process environment (the module's fallback)."""
    for key, value in emulator.env.items():
        monkeypatch.setenv(key, value)
    return emulator


@pytest.fixture
def run_module(capsys: pytest.CaptureFixture[str]) -> t.Callable[[t.Any, dict[str, t.Any]], dict[str, t.Any]]:
    """``run_module(module, args)``: main() with those arguments (``_ansible_check_mode`` etc. allowed) -> result dict."""

    def run(module: t.Any, args: dict[str, t.Any]) -> dict[str, t.Any]:
        with patch_module_args(args), pytest.raises(SystemExit):
            module.main()
        return t.cast(dict[str, t.Any], json.loads(capsys.readouterr().out))

    return run
