# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Render every module, callback and role with ansible-doc and fail on anything missing.

ansible-doc exits 0 even when it cannot find or parse a plugin (it only warns), so this reads its JSON:
each module must render with examples and return values, each callback and role must render.
Run from the collection root with ANSIBLE_COLLECTIONS_PATH set: python scripts/lib/check_docs.py
"""

import json
import pathlib
import subprocess
import sys

import yaml

ROOT = pathlib.Path.cwd()
GALAXY = yaml.safe_load((ROOT / "galaxy.yml").read_text(encoding="utf-8"))
PREFIX = "%s.%s." % (GALAXY["namespace"], GALAXY["name"])
ANSIBLE_DOC = str(pathlib.Path(sys.executable).parent / "ansible-doc")


def render(kind, name):
    proc = subprocess.run([ANSIBLE_DOC, "--json", "-t", kind, PREFIX + name], capture_output=True, text=True, timeout=120, check=False)
    try:
        data = json.loads(proc.stdout or "{}")
    except ValueError:
        data = {}
    return data.get(PREFIX + name), proc.stderr.strip()


def main():
    problems = []
    targets = [("module", p.stem) for p in sorted((ROOT / "plugins" / "modules").glob("*.py"))]
    targets += [("callback", p.stem) for p in sorted((ROOT / "plugins" / "callback").glob("*.py"))]
    targets += [("role", p.name) for p in sorted((ROOT / "roles").iterdir()) if (p / "meta" / "argument_specs.yml").is_file()]
    for kind, name in targets:
        doc, stderr = render(kind, name)
        if not doc:
            problems.append("%s %s%s does not render: %s" % (kind, PREFIX, name, stderr or "no output"))
            continue
        if kind == "module":
            if not (doc.get("examples") or "").strip():
                problems.append("module %s%s has no EXAMPLES" % (PREFIX, name))
            if not doc.get("return"):
                problems.append("module %s%s has no RETURN" % (PREFIX, name))
        print("ok: %s %s%s" % (kind, PREFIX, name))
    for problem in problems:
        print("error: " + problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
