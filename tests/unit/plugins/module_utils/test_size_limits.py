# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""No module_utils file over 500 lines and no line there over 120 characters (docs/architecture.md).

ruff's E501 (plugins/module_utils/ruff.toml) reports long lines while editing, but lets a line with a ``noqa``
pragma through; this test has no exemption, so the limits hold by themselves.
"""

from __future__ import annotations

import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[4] / "plugins" / "module_utils"
MAX_LINES, MAX_WIDTH = 500, 120


def _sources() -> list[pathlib.Path]:
    files = sorted(ROOT.rglob("*.py"))
    assert len(files) > 40, f"module_utils sources not found under {ROOT}"
    return files


def test_no_module_utils_file_is_over_500_lines() -> None:
    long = {str(p.relative_to(ROOT)): n for p in _sources() if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}, f"split these along their sections (at most {MAX_LINES} lines): {long}"


def test_no_module_utils_line_is_over_120_characters() -> None:
    wide = [
        f"{p.relative_to(ROOT)}:{number}"
        for p in _sources()
        for number, line in enumerate(p.read_text(encoding="utf-8").splitlines(), start=1)
        if len(line) > MAX_WIDTH
    ]
    assert wide == [], f"wrap these lines (at most {MAX_WIDTH} characters): {wide}"
