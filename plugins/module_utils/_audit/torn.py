# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What an interrupted writer can leave in a trail file, told apart from text put there by hand (FOR INTERNAL COLLECTION
USE ONLY).

The writer emits every line as ``chain.serialise`` does (JSON, keys sorted at every level, no whitespace
between tokens, UTF-8, C0 controls escaped) and all lines of one append in a single write(2). A writer killed
mid-write leaves a byte prefix of that payload: complete lines, then at most one incomplete line with no
newline, possibly cut inside a multi-byte character. ``prefix_problem`` answers whether a line can be such a
prefix; verify decides from where the line stands (the file's last line, or one the next line chains from).
"""

from __future__ import annotations

import codecs
import json
import re

from ansible_collections.descope.mgmt.plugins.module_utils._audit.records import FIELDS

_TOP_FIELDS = frozenset(FIELDS)
_NUMBER = re.compile(r"-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?")
_NUMBER_START = re.compile(r"-?((0|[1-9]\d*)(\.\d*)?([eE][+-]?\d*)?)?")
_LITERALS = ("true", "false", "null")
_ESCAPES = '"\\/bfnrtu'
_HEX = frozenset("0123456789abcdefABCDEF")


def decode_prefix(blob: bytes) -> str | None:
    """The text of ``blob`` if it is UTF-8 (a multi-byte character cut at the very end allowed), else None."""
    try:
        return codecs.getincrementaldecoder("utf-8")("strict").decode(blob, final=False)
    except UnicodeDecodeError:
        return None


class _Scan:
    """A JSON prefix scanner for the writer's compact, key-sorted form: ``feed`` returns the first problem, or None."""

    def __init__(self) -> None:
        self.stack: list[str] = []  # '{' or '['
        self.last_key: list[str | None] = []  # per open object: its last key (sorted order is checked)
        self.expect = "value"  # value | key_or_end | key | colon | after | value_or_end
        self.token = ""  # the number or literal being read
        self.string: list[str] | None = None  # the string being read (raw, escapes kept)
        self.is_key = False
        self.escape = 0  # 0: none; 1: after a backslash; 2-5: inside \\uXXXX

    def _end_token(self) -> str | None:
        token, self.token = self.token, ""
        if token[:1] in ("t", "f", "n"):
            return None if token in _LITERALS else f"'{token}' is not a JSON value"
        return None if _NUMBER.fullmatch(token) else "a malformed number"

    def _end_key(self, raw: str) -> str | None:
        try:
            key = json.loads(f'"{raw}"')
        except ValueError:
            return "a malformed key"
        if len(self.stack) == 1 and key not in _TOP_FIELDS:
            return f"'{key}' is not a field of an audit line"
        last = self.last_key[-1]
        if last is not None and key <= last:
            return "keys out of the writer's sorted order"
        self.last_key[-1] = key
        return None

    def _string_char(self, string: list[str], char: str) -> str | None:
        if self.escape == 1:
            if char not in _ESCAPES:
                return "a malformed escape in a string"
            self.escape = 2 if char == "u" else 0
        elif self.escape:
            if char not in _HEX:
                return "a malformed \\u escape in a string"
            self.escape = 0 if self.escape == 5 else self.escape + 1
        elif char == "\\":
            self.escape = 1
        elif char == '"':
            raw, self.string = "".join(string), None
            if self.is_key:
                self.expect = "colon"
                return self._end_key(raw)
            self.expect = "after"
            return None
        string.append(char)
        return None

    def _open(self, char: str) -> None:
        self.stack.append(char)
        self.last_key.append(None)
        self.expect = "key_or_end" if char == "{" else "value_or_end"

    def _close(self, char: str) -> str | None:
        if not self.stack or {"}": "{", "]": "["}[char] != self.stack[-1]:
            return "a bracket that closes nothing"
        self.stack.pop()
        self.last_key.pop()
        if not self.stack:
            return "a complete JSON object with no seal ('hash')"
        self.expect = "after"
        return None

    # pylint: disable-next=too-many-return-statements,too-many-branches
    def feed(self, char: str) -> str | None:  # noqa: C901
        if self.string is not None:
            return self._string_char(self.string, char)
        if char.isspace():
            return "whitespace between tokens (the writer writes none)"
        if self.token:
            if char.isalnum() or char in "+-.":
                self.token += char
                return None
            problem = self._end_token()
            if problem:
                return problem
            self.expect = "after"
        if self.expect in ("value", "value_or_end") or (self.expect == "key_or_end" and char == "}"):
            if char in "}]" and self.expect != "value":
                return self._close(char)
            if char in "{[":
                self._open(char)
            elif char == '"':
                self.string, self.is_key = [], False
            elif char == "-" or char.isdigit() or char in "tfn":
                self.token = char
            else:
                return "text that is not JSON"
            return None
        if self.expect in ("key", "key_or_end"):
            if char != '"':
                return "text where the writer puts a quoted field name"
            self.string, self.is_key = [], True
            return None
        if self.expect == "colon":
            if char != ":":
                return "text where the writer puts ':'"
            self.expect = "value"
            return None
        if char == ",":
            self.expect = "key" if self.stack[-1] == "{" else "value"
            return None
        if char in "}]":
            return self._close(char)
        return "text that is not JSON"

    def finish(self) -> str | None:
        """The text ends here (the write was cut): is what was read so far the start of a value?"""
        if self.token:
            if self.token[:1] in ("t", "f", "n"):
                return (
                    None
                    if any(lit.startswith(self.token) for lit in _LITERALS)
                    else f"'{self.token}' is not a JSON value"
                )
            return None if _NUMBER_START.fullmatch(self.token) else "a malformed number"
        if self.string is not None and self.is_key and len(self.stack) == 1 and not self.escape:
            partial = "".join(self.string)
            last = self.last_key[-1]
            if not any(f.startswith(partial) and (last is None or f > last) for f in _TOP_FIELDS):
                return f"'{partial}' does not start a field of an audit line"
        return None


def prefix_problem(blob: bytes) -> str | None:
    """Why ``blob`` (one line, no newline) cannot be the start of a line the writer emits; None when it can."""
    text = decode_prefix(blob)
    if text is None:
        return "bytes that are not UTF-8 text (binary data)"
    if not text.strip():
        return "a blank line"
    if re.search("[\u0000-\u001f]", text):
        return "a control character the writer always escapes"
    if not text.startswith("{"):
        return "a line that does not start like an audit line ('{')"
    scan = _Scan()
    for char in text:
        problem = scan.feed(char)
        if problem:
            return problem
    return scan.finish()
