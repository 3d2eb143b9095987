"""Derive tests/contract/openapi_contract.json from Descope's published OpenAPI document.

    python tests/contract/derive_contract.py [--openapi PATH] [--check]

The fixture keeps only facts: for each operation the emulator serves (tests/emulator/routes.py) its method, path,
operationId, query parameter names and types, and the request and answer schemas with every $ref resolved and all
prose (description, example, summary, x-*) removed. OpenAPI 3.0 specifics become JSON Schema: ``nullable`` adds
"null" to the type. A $ref met again inside itself stays a bare object marked ``x-recursive`` (none today).

Default source: ../shared/reference/descope-openapi.yml from the repository root (where CI keeps it), or
../../shared/reference/... for a git worktree one level deeper; DESCOPE_OPENAPI overrides both.
"""

import argparse
import hashlib
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
FIXTURE = os.path.join(HERE, "openapi_contract.json")
CANDIDATES = ("../shared/reference/descope-openapi.yml", "../../shared/reference/descope-openapi.yml")

# Provenance of the copy (../shared/reference/README.md); the checksum is computed from the file read.
SOURCE = {
    "document": "https://docs.descope.com/examples/Descope_API.yaml",
    "mirror": "api-evangelist/descope:openapi/_original/descope-openapi.yml",
    "commit": "261ee0a7",
    "date": "2026-08-22",
}
KEEP = ("type", "format", "enum", "items", "properties", "additionalProperties", "allOf", "anyOf", "oneOf",
        "required", "deprecated", "minimum", "maximum", "minItems", "maxItems")  # fmt: skip


def find_openapi():
    """Path of the OpenAPI document, or None when this checkout has no shared reference next to it."""
    if os.environ.get("DESCOPE_OPENAPI"):
        return os.environ["DESCOPE_OPENAPI"]
    for rel in CANDIDATES:
        path = os.path.normpath(os.path.join(REPO, rel))
        if os.path.isfile(path):
            return path
    return None


def emulator_routes():
    sys.path.insert(0, os.path.join(REPO, "tests"))
    try:
        from emulator.routes import COMPANY_ROUTES, ROUTES  # pylint: disable=import-outside-toplevel
    finally:
        sys.path.pop(0)
    return sorted(set(ROUTES) | set(COMPANY_ROUTES), key=lambda r: (r[1], r[0]))


class _Resolver:
    def __init__(self, doc):
        self.schemas = doc.get("components", {}).get("schemas", {})

    def schema(self, node, stack=()):
        if not isinstance(node, dict):
            return node
        if "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[-1]
            if name in stack:
                return {"type": "object", "x-recursive": name}
            return self.schema(self.schemas[name], (*stack, name))
        out = {}
        for key in KEEP:
            if key not in node:
                continue
            value = node[key]
            if key == "properties":
                value = {name: self.schema(sub, stack) for name, sub in sorted(value.items())}
            elif key in ("items", "additionalProperties") and isinstance(value, dict):
                value = self.schema(value, stack)
            elif key in ("allOf", "anyOf", "oneOf"):
                value = [self.schema(sub, stack) for sub in value]
            out[key] = value
        if node.get("nullable") and "type" in out:
            out["type"] = [out["type"], "null"]
        return out


def _json_schema(content, resolver):
    if not content:
        return None
    media = content.get("application/json") or next(iter(content.values()))
    return resolver.schema(media.get("schema") or {"type": "object"})


def derive(doc, routes):
    resolver = _Resolver(doc)
    operations, missing = [], []
    for method, path in routes:
        op = doc.get("paths", {}).get(path, {}).get(method.lower())
        if op is None:
            missing.append({"method": method, "path": path})
            continue
        query = {
            p["name"]: resolver.schema(p.get("schema") or {})
            for p in op.get("parameters", [])
            if p.get("in") == "query"
        }
        request = _json_schema((op.get("requestBody") or {}).get("content"), resolver)
        answer = (op.get("responses") or {}).get("200") or {}
        operations.append(
            {
                "method": method,
                "path": path,
                "operationId": op.get("operationId", ""),
                "deprecated": bool(op.get("deprecated")),
                "query": dict(sorted(query.items())),
                "request": request,
                # "content: {}" documents an answer without fields
                "response": _json_schema(answer.get("content"), resolver)
                if answer.get("content")
                else {"type": "object", "properties": {}},
            }
        )
    return {"operations": operations, "notInOpenAPI": missing}


def build(path):
    import yaml  # pylint: disable=import-outside-toplevel

    with open(path, "rb") as handle:
        raw = handle.read()
    doc = yaml.safe_load(raw)
    contract = {"source": dict(SOURCE, sha256=hashlib.sha256(raw).hexdigest(), openapi=doc.get("openapi", ""))}
    contract["generator"] = "tests/contract/derive_contract.py"
    contract.update(derive(doc, emulator_routes()))
    return contract


def dumps(contract):
    return json.dumps(contract, indent=1, sort_keys=True) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--openapi", help="the OpenAPI document (default: see the module docstring)")
    parser.add_argument("--check", action="store_true", help="fail when the committed fixture differs")
    args = parser.parse_args(argv)
    path = args.openapi or find_openapi()
    if path is None:
        print("error: no OpenAPI document found; set DESCOPE_OPENAPI", file=sys.stderr)
        return 2
    text = dumps(build(path))
    if args.check:
        with open(FIXTURE, encoding="utf-8") as handle:
            same = handle.read() == text
        print("fixture is up to date" if same else "fixture differs: run tests/contract/derive_contract.py")
        return 0 if same else 1
    with open(FIXTURE, "w", encoding="utf-8") as handle:
        handle.write(text)
    print("wrote %s" % os.path.relpath(FIXTURE, REPO))
    return 0


if __name__ == "__main__":
    sys.exit(main())
