# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A restore's sections read from the bytes that were verified, never from the files again; each problem names the
file (FOR INTERNAL COLLECTION USE ONLY).
"""

from __future__ import annotations

import os
import typing as t

from ansible_collections.descope.mgmt.plugins.module_utils import _flow
from ansible_collections.descope.mgmt.plugins.module_utils._backup._layout import (
    FLOWS_DIR,
    ROLES_FILE,
    SNAPSHOT_DIR,
    TENANTS_FILE,
    Json,
    decode_snapshot_bytes,
)
from ansible_collections.descope.mgmt.plugins.module_utils._backup._tenant_config import item_problems
from ansible_collections.descope.mgmt.plugins.module_utils._errors import Problem


def text_of(contents: dict[str, bytes], rel: str) -> tuple[str | None, list[Problem]]:
    try:
        return contents[rel].decode("utf-8"), []
    except UnicodeDecodeError as exc:
        return None, [
            Problem(field="$", message=f"is not UTF-8 text ({exc}).", fix="restore from another backup.", source=rel)
        ]


def json_of(contents: dict[str, bytes], rel: str) -> tuple[t.Any, list[Problem]]:
    text, problems = text_of(contents, rel)
    return (None, problems) if text is None else _flow.parse_json_text(text, rel)


def load_tenants(contents: dict[str, bytes]) -> tuple[list[Json], list[Problem]]:
    if TENANTS_FILE not in contents:
        return [], [
            Problem(field="$", message="file not found.", fix="restore from another backup.", source=TENANTS_FILE)
        ]
    data, problems = json_of(contents, TENANTS_FILE)
    if problems:
        return [], problems
    tenants = data.get("tenants") if isinstance(data, dict) else None
    if not isinstance(tenants, list) or not all(isinstance(x, dict) for x in tenants):
        return [], [
            Problem(
                field="$.tenants",
                message="must be a list of tenant items.",
                fix="restore from another backup.",
                source=TENANTS_FILE,
            )
        ]
    return tenants, []


def load_authz(contents: dict[str, bytes]) -> tuple[Json | None, list[Problem]]:
    if ROLES_FILE not in contents:
        return None, [
            Problem(
                field="$",
                message="file not found.",
                fix="restore from another backup, or leave roles out of include.",
                source=ROLES_FILE,
            )
        ]
    data, problems = json_of(contents, ROLES_FILE)
    if problems:
        return None, problems
    lists = [data.get(k) if isinstance(data, dict) else None for k in ("permissions", "roles")]
    if not all(isinstance(x, list) for x in lists):
        return None, [
            Problem(
                field="$",
                message="must hold permissions and roles lists.",
                fix="restore from another backup.",
                source=ROLES_FILE,
            )
        ]
    return data, []


def load_section(
    contents: dict[str, bytes], rel: str, key: str, allowed: frozenset[str], section: str
) -> tuple[Json | None, list[Problem]]:
    if rel not in contents:
        return None, [
            Problem(
                field="$",
                message="file not found.",
                fix=f"restore from another backup, or leave {section} out of include.",
                source=rel,
            )
        ]
    data, problems = json_of(contents, rel)
    if problems:
        return None, problems
    if not isinstance(data, dict):
        return None, [
            Problem(
                field="$",
                message=f"must be an object holding a {key} list.",
                fix="restore from another backup.",
                source=rel,
            )
        ]
    problems = item_problems(data.get(key), key, allowed, rel)
    secrets = data.get("secrets_not_captured", [])
    if not isinstance(secrets, list) or not all(isinstance(x, str) for x in secrets):
        problems.append(
            Problem(
                field="$.secrets_not_captured",
                message="must be a list of names.",
                fix="restore from another backup.",
                source=rel,
            )
        )
    return (None, problems) if problems else (data, [])


def snapshot_files(contents: dict[str, bytes], manifest: Json) -> tuple[dict[str, t.Any], list[Problem]]:
    kinds = (manifest.get("snapshot") or {}).get("files") or {}
    files: dict[str, t.Any] = {}
    problems: list[Problem] = []
    for key, kind in sorted(kinds.items()):
        rel = f"{SNAPSHOT_DIR}/{key}"
        if rel not in contents:
            problems.append(
                Problem(field="$", message="file not found.", fix="restore from another backup.", source=rel)
            )
            continue
        if kind == "binary":  # format 2: an asset stored decoded, as descopecli writes it; the API takes base64
            files[key] = decode_snapshot_bytes(kind, contents[rel])
            continue
        value, found = json_of(contents, rel) if kind == "json" else text_of(contents, rel)
        problems.extend(found)
        files[key] = value
    return files, problems


def flow_files(path: str, contents: dict[str, bytes]) -> list[tuple[str, str, t.Any, list[Problem]]]:
    prefix = f"{FLOWS_DIR}/"
    names = sorted(
        rel[len(prefix) :]
        for rel in contents
        if rel.startswith(prefix) and rel.endswith(".json") and "/" not in rel[len(prefix) :]
    )
    return [(name, os.path.join(path, FLOWS_DIR, name), *json_of(contents, prefix + name)) for name in names]
