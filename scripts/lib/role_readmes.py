# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Each role README's "## Variables" table, generated from the role's meta/argument_specs.yml and defaults.

    python scripts/lib/role_readmes.py           # rewrite the tables
    python scripts/lib/role_readmes.py --check   # exit 1 naming every README whose table differs

The argument spec is what ansible-doc and Ansible's own validation read, so the README cannot drift from it.
"""

from __future__ import annotations

import pathlib
import re
import sys

import yaml

REPO = pathlib.Path(__file__).resolve().parents[2]
HEADING = "## Variables"
# Ansible's documentation markup, in the plain Markdown the READMEs use
MARKUP = re.compile(r"\b(O|RV|M|C|E|V|I|B|P)\(([^()]*)\)")


def plain(text: str) -> str:
    def one(match: re.Match[str]) -> str:
        value = match.group(2)
        if "#" in value:  # O(descope.mgmt.descope_tenant#module:tenants) -> descope.mgmt.descope_tenant.tenants
            plugin, _sep, option = value.partition("#")
            value = f"{plugin}.{option.split(':', 1)[-1]}"
        return value if match.group(1) in ("I", "B") else f"`{value}`"

    return MARKUP.sub(one, " ".join(text.split()))


def default_text(value: object) -> str:
    if isinstance(value, str):
        return f"`'{value}'`" if "{{" in value or value == "" else f"`{value}`"
    return f"`{yaml.safe_dump(value, default_flow_style=True).strip().removesuffix('...').strip()}`"


def table(role: pathlib.Path) -> str:
    spec = yaml.safe_load((role / "meta" / "argument_specs.yml").read_text(encoding="utf-8"))["argument_specs"]
    defaults_file = role / "defaults" / "main.yml"
    defaults = (yaml.safe_load(defaults_file.read_text(encoding="utf-8")) or {}) if defaults_file.exists() else {}
    rows = ["| variable | default | description |", "|---|---|---|"]
    for entry in spec.values():
        for name, option in (entry.get("options") or {}).items():
            described = option.get("description") or []
            described = [described] if isinstance(described, str) else described
            if name in defaults:
                default = default_text(defaults[name])
            elif "default" in option:
                default = default_text(option["default"])
            else:
                default = "required" if option.get("required") else "not set"
            text = plain(" ".join(described)).replace("|", "\\|")
            rows.append(f"| `{name}` | {default} | {text} |")
    return "\n".join(rows) + "\n"


def rewritten(readme: str, generated: str) -> str:
    start = readme.index(HEADING) + len(HEADING)
    nxt = readme.find("\n## ", start)
    end = len(readme) if nxt < 0 else nxt + 1
    return readme[:start] + "\n\n" + generated + "\n" + readme[end:].lstrip("\n")


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    for role in sorted(p for p in (REPO / "roles").iterdir() if (p / "meta" / "argument_specs.yml").exists()):
        path = role / "README.md"
        readme = path.read_text(encoding="utf-8")
        if HEADING not in readme:
            stale.append(f"{path.relative_to(REPO)}: no '{HEADING}' section")
            continue
        new = rewritten(readme, table(role))
        if new != readme:
            if check:
                stale.append(f"{path.relative_to(REPO)}: the variables table differs from meta/argument_specs.yml")
            else:
                path.write_text(new, encoding="utf-8")
    for line in stale:
        print(line + " (run: python scripts/lib/role_readmes.py)", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
