# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every role README lists exactly the variables its meta/argument_specs.yml declares, with their defaults."""

from __future__ import annotations

import pathlib
import re

import yaml

REPO = pathlib.Path(__file__).resolve().parents[3]
ROLES = sorted(p for p in (REPO / "roles").iterdir() if (p / "meta" / "argument_specs.yml").exists())


def _documented(readme: str) -> list[str]:
    section = readme.split("## Variables", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `([a-z0-9_]+)` \|", section, flags=re.MULTILINE)


def test_every_role_readme_lists_every_option_of_its_argument_spec_in_order() -> None:
    assert ROLES, "no role found"
    problems = []
    for role in ROLES:
        spec = yaml.safe_load((role / "meta" / "argument_specs.yml").read_text(encoding="utf-8"))["argument_specs"]
        declared = [name for entry in spec.values() for name in (entry.get("options") or {})]
        readme = (role / "README.md").read_text(encoding="utf-8")
        if "## Variables" not in readme:
            problems.append(f"roles/{role.name}/README.md has no '## Variables' section")
        elif _documented(readme) != declared:
            missing = sorted(set(declared) - set(_documented(readme)))
            problems.append(f"roles/{role.name}/README.md: variables {_documented(readme)} != argument spec {declared} (missing {missing})")
    assert not problems, "\n".join(problems) + "\nRegenerate the tables: python scripts/lib/role_readmes.py"


def test_every_role_readme_shows_the_roles_defaults() -> None:
    for role in ROLES:
        defaults_file = role / "defaults" / "main.yml"
        defaults = yaml.safe_load(defaults_file.read_text(encoding="utf-8")) or {} if defaults_file.exists() else {}
        readme = (role / "README.md").read_text(encoding="utf-8")
        for name, value in defaults.items():
            row = re.search(rf"^\| `{name}` \| ([^|]*) \|", readme, flags=re.MULTILINE)
            assert row, f"roles/{role.name}: {name} is not in the README"
            shown = row.group(1).strip().strip("`").strip("'")
            expected = yaml.safe_dump(value, default_flow_style=True).strip().removesuffix("...").strip()
            assert shown == (value if isinstance(value, str) else expected), (role.name, name, shown, value)


def test_getting_started_lists_every_step_of_the_demo() -> None:
    demo = (REPO / "scripts" / "demo").read_text(encoding="utf-8")
    steps = [int(n) for n in re.findall(r'^\s*step "(\d+)\. ', demo, flags=re.MULTILINE)]
    assert steps == list(range(1, len(steps) + 1)) and len(steps) >= 7, steps
    guide = (REPO / "docs" / "getting-started.md").read_text(encoding="utf-8")
    section = guide.split("## 1. Try it without a Descope account", 1)[1].split("\n## ", 1)[0]
    listed = [int(n) for n in re.findall(r"^(\d+)\. ", section, flags=re.MULTILINE)]
    assert listed == steps, f"docs/getting-started.md lists demo steps {listed}; scripts/demo has {steps}"


def test_a_tarball_built_from_a_working_checkout_ships_no_tool_cache() -> None:
    """ansible-galaxy builds from the directory as it is: every cache directory .gitignore names is build_ignore'd."""
    ignored = yaml.safe_load((REPO / "galaxy.yml").read_text(encoding="utf-8"))["build_ignore"]
    caches = [
        line.strip().rstrip("/")
        for line in (REPO / ".gitignore").read_text(encoding="utf-8").splitlines()
        if line.strip().endswith("/") and not line.startswith("#") and line.strip() != "__pycache__/"
    ]
    assert caches, ".gitignore names no directory"
    missing = [c for c in caches if c not in ignored]
    assert not missing, f"galaxy.yml build_ignore lacks {missing}: a tarball built from a working checkout would ship them"
