# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Backup signatures: HMAC-SHA256 over the manifest (FOR INTERNAL COLLECTION USE ONLY).

The manifest's sha256 of every file catches accidents (a truncated copy, a damaged disk) but not a deliberate
edit: whoever can change a file can recompute its checksum. With a key (``signing_key`` or the
``DESCOPE_BACKUP_SIGNING_KEY`` environment variable) the manifest carries ``signature``: HMAC-SHA256 (RFC 2104)
of its canonical JSON without that key. The manifest lists every file's sha256 and names the project and the
backup, so the signature covers them all. Restore and ``latest`` then accept only backups whose signature
verifies with the key (docs/backups-and-restore.md). ``signature`` is an optional key of manifest format 1:
readers that do not know it ignore it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import typing as t

from ansible_collections.descope.mgmt.plugins.module_utils._backup._layout import MANIFEST
from ansible_collections.descope.mgmt.plugins.module_utils._errors import (
    DescopeFileError,
    DescopeValidationError,
    Problem,
)

ENV_KEY = "DESCOPE_BACKUP_SIGNING_KEY"
ALGORITHM = "hmac-sha256"
MIN_KEY_LENGTH = 16
Json = dict[str, t.Any]


def signing_key(params: t.Mapping[str, t.Any], environ: t.Mapping[str, str]) -> bytes | None:
    """The task's key, else the environment's; a value set but empty or short is an error, never ignored."""
    value = params.get("signing_key")
    source = "task argument 'signing_key'"
    if value is None:
        value = environ.get(ENV_KEY)
        source = f"environment variable {ENV_KEY}"
        if value is None:
            return None
    text = str(value)
    if len(text) < MIN_KEY_LENGTH:
        raise DescopeValidationError(
            [
                Problem(
                    "signing_key",
                    f"the {source} is set but {'empty' if not text else f'shorter than {MIN_KEY_LENGTH} characters'}.",
                    f"Use a random key of {MIN_KEY_LENGTH}+ characters (e.g. from 'openssl rand -hex 32') kept in a "
                    "vault, or unset it.",
                )
            ]
        )
    return text.encode("utf-8")


def _canonical(manifest: t.Mapping[str, t.Any]) -> bytes:
    body = {k: v for k, v in manifest.items() if k != "signature"}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def signature_of(manifest: t.Mapping[str, t.Any], key: bytes) -> str:
    return hmac.new(key, _canonical(manifest), hashlib.sha256).hexdigest()


def sign(manifest: Json, key: bytes | None) -> Json:
    """The manifest with its ``signature`` (unchanged without a key)."""
    if key is None:
        return manifest
    signed = dict(manifest)
    signed.pop("signature", None)
    signed["signature"] = {"algorithm": ALGORITHM, "value": signature_of(signed, key)}
    return signed


def check_signature(path: str, manifest: t.Mapping[str, t.Any], key: bytes | None) -> None:
    """Raise unless the manifest's signature verifies with the key (no key: nothing to check)."""
    if key is None:
        return
    mpath = os.path.join(path, MANIFEST)
    found = manifest.get("signature")
    if not isinstance(found, dict) or found.get("algorithm") != ALGORITHM or not isinstance(found.get("value"), str):
        raise DescopeFileError(
            mpath,
            "has no signature, and a signing key is configured: this backup was written without the key, or its "
            "signature was removed.",
            "restore a backup written with the same signing_key; to trust an unsigned backup on purpose, run once "
            f"without signing_key and {ENV_KEY}.",
        )
    if not hmac.compare_digest(found["value"], signature_of(manifest, key)):
        raise DescopeFileError(
            mpath,
            "has a signature that does not verify with the configured signing key: the backup was changed after it "
            "was written, or signed with another key.",
            "do not restore it; choose another backup (state=restored with backup=<name>), or use the key it was "
            "written with.",
        )
