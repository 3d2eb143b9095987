# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What an interrupted writer can leave: every byte prefix of a real line is one; forged text and garbage are not."""

from __future__ import annotations

import pathlib

import pytest

from ansible_collections.descope.mgmt.plugins.module_utils._audit import torn

GOLDEN = pathlib.Path(__file__).resolve().parents[1] / "golden"


def _golden_lines() -> list[bytes]:
    lines = []
    for name in ("audit_lines_v1.jsonl", "audit_lines_v2.jsonl", "audit_lines_v2_keyed.jsonl"):
        lines += (GOLDEN / name).read_bytes().splitlines()
    return lines


def test_every_byte_prefix_of_every_pinned_line_is_a_possible_torn_write() -> None:
    lines = _golden_lines()
    assert len(lines) >= 9
    # a multi-byte character, so prefixes cut inside one are covered too
    lines.append('{"after":{"name":"Ünïcode 名前"},"alg":"sha256"'.encode())
    for line in lines:
        rejected = [(cut, torn.prefix_problem(line[:cut])) for cut in range(1, len(line))]
        assert [r for r in rejected if r[1] is not None] == [], line[:80]


def test_a_whole_line_is_not_a_torn_prefix() -> None:
    (line, *_rest) = _golden_lines()
    assert torn.prefix_problem(line) == "a complete JSON object with no seal ('hash')"


@pytest.mark.parametrize(
    ("blob", "words"),
    [
        (b"", "blank line"),
        (b"   ", "blank line"),
        (b"hello, auditor: all is fine", "does not start like an audit line"),
        (b"\x00\x00\x00\x00", "control character"),
        (b"\xff\xfe\x00garbage", "not UTF-8"),
        (b'{"after":"\xc3\x28"', "not UTF-8"),  # an invalid sequence that is not at the end
        (b'{"after":"a\x1b[31mred"', "control character"),
        (b'{"after": null', "whitespace"),  # a space the writer never writes
        (b'{"torn": ', "'torn' is not a field"),
        (b'{"v":2,"torn', "'torn' does not start a field"),
        (b'{"v":2,"after":null', "sorted order"),
        (b'{"after":{"b":1,"a":2', "sorted order"),
        (b'{"after":null,"after":null', "sorted order"),
        (b'{"after":nul1', "not a JSON value"),
        (b'{"after":01', "malformed number"),
        (b'{"after":"\\q', "malformed escape"),
        (b'{"after":"\\u12x', "malformed \\u escape"),
        (b'{"after":[1}', "closes nothing"),
        (b'{"after":null}}', "no seal"),
        (b'{"after"null', "':'"),
        (b"{after", "quoted field name"),
    ],
)
def test_forged_or_garbled_text_is_not_a_torn_prefix(blob: bytes, words: str) -> None:
    problem = torn.prefix_problem(blob)
    assert problem is not None and words in problem, problem


def test_a_character_cut_at_the_very_end_is_still_utf8() -> None:
    assert torn.decode_prefix('{"after":"é'.encode()[:-1]) == '{"after":"'
    assert torn.decode_prefix(b'{"after":"\xc3\x28') is None
