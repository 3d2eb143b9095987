# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The chain: keys, canonical text, line seals and run checkpoints (FOR INTERNAL COLLECTION USE ONLY).

Each line's ``hash`` covers the canonical text of the line without ``hash`` (its ``prev`` included):

* with a key (``DESCOPE_AUDIT_KEY``), ``alg`` is ``hmac-sha256`` and ``hash`` = HMAC-SHA256(key, text):
  nobody without the key can edit, forge or rewrite a line unnoticed;
* without one, ``alg`` is ``sha256`` and ``hash`` = SHA-256(text): accidents are caught, forgery is not.

A checkpoint per run (``<dir>/checkpoints/<run_id>.json``), rewritten after every append, records for each
file the run wrote to its line count and the ``hash`` of that last line, sealed the same way. It anchors
the end of the chain: cutting lines off a file or rewriting it is detected against it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import typing as t

GENESIS = "0" * 64
ALG_HMAC = "hmac-sha256"
ALG_SHA = "sha256"
MIN_KEY_LENGTH = 16
CHECKPOINT_VERSION = 1


class KeyError_(ValueError):
    """The audit key is unusable (too short)."""


def check_key(key: str | None) -> str | None:
    """The key to sign with, or None; an empty value means no key, a short one is refused."""
    if key is None or key == "":
        return None
    if len(key) < MIN_KEY_LENGTH:
        raise KeyError_(
            f"the audit key (DESCOPE_AUDIT_KEY or the 'key' option) must be at least {MIN_KEY_LENGTH} characters; "
            "generate one with: openssl rand -hex 32"
        )
    return key


def key_id(key: str | None) -> str | None:
    """A public fingerprint of the key, so verify can say 'signed with another key' instead of 'edited'."""
    if not key:
        return None
    return hashlib.sha256(b"descope-audit-key-id\x00" + key.encode("utf-8")).hexdigest()[:16]


def canonical(record: t.Mapping[str, t.Any]) -> str:
    """The text that is sealed: the record without ``hash``, sorted keys, no whitespace, UTF-8."""
    body = {k: v for k, v in record.items() if k != "hash"}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def digest(text: str, alg: str, key: str | None) -> str:
    data = text.encode("utf-8")
    if alg == ALG_HMAC:
        if not key:
            raise KeyError_("an hmac-sha256 seal needs the key")
        return hmac.new(key.encode("utf-8"), data, hashlib.sha256).hexdigest()
    return hashlib.sha256(data).hexdigest()


def line_hash(record: t.Mapping[str, t.Any], key: str | None = None) -> str:
    """The seal of a record, by the algorithm it names (format 1 lines have none: sha256)."""
    return digest(canonical(record), str(record.get("alg") or ALG_SHA), key)


def seal(records: t.Iterable[t.Mapping[str, t.Any]], prev: str, key: str | None) -> list[dict[str, t.Any]]:
    """Set ``alg``/``key_id``/``prev``/``hash`` on each record in order, starting from ``prev``."""
    out = []
    for record in records:
        item = dict(record)
        item["alg"] = ALG_HMAC if key else ALG_SHA
        item["key_id"] = key_id(key)
        item["prev"] = prev
        item["hash"] = line_hash(item, key)
        prev = item["hash"]
        out.append(item)
    return out


def serialise(record: t.Mapping[str, t.Any]) -> str:
    return json.dumps(dict(record), sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def raw_hash(text: str) -> str:
    """What a torn (unparsable) line hands to the next line as ``prev``."""
    return hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()


def hash_of_line(text: str) -> str:
    """The chain value a line hands to the next one: its ``hash``, or sha256 of the raw text when unreadable."""
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if isinstance(data, dict) and isinstance(data.get("hash"), str):
        return str(data["hash"])
    return raw_hash(text)


def seal_checkpoint(body: t.Mapping[str, t.Any], key: str | None) -> dict[str, t.Any]:
    item = {k: v for k, v in body.items() if k not in ("sig", "alg", "key_id")}
    item["v"] = CHECKPOINT_VERSION
    item["alg"] = ALG_HMAC if key else ALG_SHA
    item["key_id"] = key_id(key)
    item["sig"] = digest(canonical({k: v for k, v in item.items() if k != "sig"}), item["alg"], key)
    return item


def checkpoint_valid(checkpoint: t.Mapping[str, t.Any], key: str | None) -> bool | None:
    """True/False for the checkpoint's seal; None when it is HMAC-sealed and no key was given."""
    alg = str(checkpoint.get("alg") or ALG_SHA)
    if alg == ALG_HMAC and not key:
        return None
    body = {k: v for k, v in checkpoint.items() if k != "sig"}
    try:
        expected = digest(canonical(body), alg, key)
    except KeyError_:
        return None
    return hmac.compare_digest(expected, str(checkpoint.get("sig") or ""))
