# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One rule for names in every module: control, bidi and other invisible characters are refused (docs/safety.md).

Tenants (single and set mode), roles, permissions and flows (v1 and v2 files): the task fails naming the field,
the name is shown escaped, nothing is sent; a name with ordinary non-ASCII letters is accepted everywhere.
"""

from __future__ import annotations

import copy
import json
import pathlib
import typing as t

import pytest
from harness import run_spec

REPO = pathlib.Path(__file__).resolve().parents[4]
V2 = json.loads((REPO / "tests" / "fixtures" / "flows" / "v2" / "sign-up-or-in.json").read_text(encoding="utf-8"))
BAD = {
    "bidi override": "acme\u202egnp.exe",
    "bidi isolate": "acme\u2066x\u2069",
    "zero-width space": "ac\u200bme",
    "BOM": "\ufeffacme",
    "control": "acme\x07",
    "line break": "acme\ninc",
    "line separator": "acme\u2028inc",
}
GOOD = "Société Générale 東京"


def _flow(name: str) -> dict[str, t.Any]:
    doc = copy.deepcopy(V2)
    doc["flow"]["metadata"]["name"] = name
    return {"flow_id": "sign-up-or-in", "definition": doc}


# module, params for a name, the field the error names
CASES: list[tuple[str, t.Callable[[str], dict[str, t.Any]], str]] = [
    ("descope_tenant", lambda n: {"id": "t1", "name": n}, "name"),
    ("descope_tenant", lambda n: {"tenants": [{"id": "t1", "name": n}]}, "name"),
    ("descope_role", lambda n: {"name": n}, "name"),
    ("descope_role", lambda n: {"roles": [{"name": n}]}, "name"),
    ("descope_permission", lambda n: {"name": n}, "name"),
    ("descope_permission", lambda n: {"permissions": [{"name": n}]}, "name"),
    ("descope_flow", _flow, "metadata.name"),
]
IDS = ["tenant", "tenant-set", "role", "role-set", "permission", "permission-set", "flow"]


@pytest.mark.parametrize(("module", "build", "field"), CASES, ids=IDS)
@pytest.mark.parametrize("kind", sorted(BAD))
def test_an_invisible_character_in_a_name_is_refused_in_every_module(emulator: t.Any, module: str, build: t.Any, field: str, kind: str) -> None:
    name = BAD[kind]
    for check in (True, False):
        emulator.clear_log()
        result = run_spec(module, build(name), check=check, environ=emulator.env)
        assert result.get("failed"), result
        problems = result["validation_errors"]
        assert len(problems) == 1 and problems[0]["field"].endswith(field), problems
        assert "invisible formatting characters" in problems[0]["message"], problems
        assert name not in result["msg"] and emulator.writes() == []


@pytest.mark.parametrize(("module", "build", "field"), CASES, ids=IDS)
def test_letters_of_any_script_are_a_name_in_every_module(emulator: t.Any, module: str, build: t.Any, field: str) -> None:
    del field
    result = run_spec(module, build(GOOD), check=True, environ=emulator.env)
    assert not result.get("failed"), result
