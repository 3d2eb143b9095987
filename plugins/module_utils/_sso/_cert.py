# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Is a SAML IdP certificate an X.509 certificate? PEM or base64 DER, checked with the stdlib only
(FOR INTERNAL COLLECTION USE ONLY).

The DER structure is walked just far enough to tell a certificate from anything else (RFC 5280 4.1:
``Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { [0] version?, serialNumber INTEGER, ... },
signatureAlgorithm SEQUENCE, signatureValue BIT STRING }`` and nothing after it); signatures are not verified.
"""

from __future__ import annotations

import base64
import binascii
import re

_PEM = re.compile(r"-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----", re.DOTALL)
_SEQUENCE, _INTEGER, _BIT_STRING, _VERSION = 0x30, 0x02, 0x03, 0xA0


def _element(data: bytes, pos: int) -> tuple[int, int, int]:
    """(tag, start of content, end of content) of the DER element at ``pos``; ValueError if malformed."""
    if pos + 2 > len(data):
        raise ValueError("truncated")
    tag, first = data[pos], data[pos + 1]
    pos += 2
    if first < 0x80:
        length = first
    else:
        count = first & 0x7F
        if count == 0 or count > 4 or pos + count > len(data):
            raise ValueError("bad length")
        length = int.from_bytes(data[pos : pos + count], "big")
        pos += count
    if pos + length > len(data):
        raise ValueError("truncated")
    return tag, pos, pos + length


def is_der_certificate(data: bytes) -> bool:
    try:
        tag, start, end = _element(data, 0)
        if tag != _SEQUENCE or end != len(data):
            return False
        tags = []
        pos = start
        while pos < end:
            sub_tag, sub_start, sub_end = _element(data, pos)
            tags.append((sub_tag, sub_start, sub_end))
            pos = sub_end
        if [x[0] for x in tags] != [_SEQUENCE, _SEQUENCE, _BIT_STRING]:
            return False
        _tag, tbs_start, tbs_end = tags[0]
        first_tag, _s, first_end = _element(data, tbs_start)
        if first_tag == _VERSION:
            first_tag, _s, first_end = _element(data, first_end)
        return first_tag == _INTEGER and first_end < tbs_end
    except ValueError:
        return False


def _b64(text: str) -> bytes | None:
    compact = re.sub(r"\s+", "", text)
    if not compact:
        return None
    try:
        return base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        return None


def is_certificate(value: str) -> bool:
    """True for one PEM certificate (or several PEM blocks, all certificates) or a base64 DER certificate."""
    text = str(value).strip()
    blocks = _PEM.findall(text)
    if blocks:
        rest = _PEM.sub("", text).strip()
        return not rest and all(is_der_certificate(_b64(b) or b"") for b in blocks)
    if "-----" in text:
        return False
    return is_der_certificate(_b64(text) or b"")
