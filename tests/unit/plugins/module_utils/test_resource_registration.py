# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every resource spec is registered everywhere the "Adding a resource" checklist of docs/architecture.md says,
and the checklist names every one of those places, so following it is enough."""

from __future__ import annotations

import configparser
import importlib
import pathlib

import pytest
import yaml
from harness import SPECS

from ansible_collections.descope.mgmt.plugins.module_utils._spec import ResourceSpec

ROOT = pathlib.Path(__file__).resolve().parents[4]
SPEC_PACKAGES = ("_tenant", "_flow", "_authz", "_tenant_settings", "_sso", "_backup")
PREFIX = "ansible_collections.descope.mgmt.plugins.module_utils"


def _specs() -> dict[str, tuple[str, ResourceSpec]]:
    found: dict[str, tuple[str, ResourceSpec]] = {}
    for package in SPEC_PACKAGES:
        module = importlib.import_module(f"{PREFIX}.{package}")
        for value in vars(module).values():
            if isinstance(value, ResourceSpec):
                found[value.module] = (package, value)
    return found


SPECS_FOUND = _specs()


def test_the_spec_packages_are_every_package_that_exports_a_spec() -> None:
    packages = [p.name for p in (ROOT / "plugins" / "module_utils").iterdir() if (p / "__init__.py").is_file()]
    exporting = set()
    for package in packages:
        module = importlib.import_module(f"{PREFIX}.{package}")
        if any(isinstance(v, ResourceSpec) for v in vars(module).values()):
            exporting.add(package)
    assert exporting == set(SPEC_PACKAGES)
    # every module but descope_audit_info (it reads local audit files, no API) is a spec in the pipeline
    modules = {p.stem for p in (ROOT / "plugins" / "modules").glob("descope_*.py")}
    assert set(SPECS_FOUND) == modules - {"descope_audit_info"}


@pytest.mark.parametrize("module", sorted(SPECS_FOUND))
def test_each_spec_has_its_module_action_harness_entry_and_action_group(module: str) -> None:
    package, spec = SPECS_FOUND[module]
    source = (ROOT / "plugins" / "modules" / f"{module}.py").read_text(encoding="utf-8")
    assert "DOCUMENTATION" in source and "EXAMPLES" in source and "RETURN" in source and "run_module(" in source
    action = (ROOT / "plugins" / "action" / f"{module}.py").read_text(encoding="utf-8")
    assert "DescopeActionBase" in action and "SPEC" in action
    assert SPECS.get(module) is spec, f"add {package}'s spec for {module} to tests/harness.py SPECS"
    groups = yaml.safe_load((ROOT / "meta" / "runtime.yml").read_text(encoding="utf-8"))["action_groups"]["descope"]
    assert module in groups, f"add {module} to the descope action group in meta/runtime.yml"
    assert f"`{module}`" in (ROOT / "README.md").read_text(encoding="utf-8"), f"add {module} to README's module table"


def test_each_spec_package_is_in_the_import_contracts() -> None:
    contracts = configparser.ConfigParser()
    contracts.read(ROOT / ".importlinter")
    layers = contracts["importlinter:contract:layers"]["layers"]
    independent = contracts["importlinter:contract:specs-independent"]["modules"]
    for package in SPEC_PACKAGES:
        assert f"module_utils.{package}" in layers, package
        if package != "_backup":  # restore plans through the other specs: a layer above them, not a sibling
            assert f"{PREFIX}.{package}" in independent.split(), package


def test_the_checklist_names_every_place_a_resource_is_registered() -> None:
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    checklist = text.split("### Adding a resource", 1)[1].split("\n## ", 1)[0]
    for place in (
        "plugins/module_utils/_<resource>/",
        "plugins/modules/descope_<resource>.py",
        "plugins/action/descope_<resource>.py",
        "tests/harness.py",
        ".importlinter",
        "meta/runtime.yml",
        "README.md",
        "changelogs/fragments/",
        "test_resource_registration.py",
    ):
        assert place in checklist, f"the checklist does not name {place}"
