# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A hostile user with write access to the trail but not the key: every attack is detected and located."""

from __future__ import annotations

import hashlib
import json
import pathlib
import typing as t

import pytest

from ansible_collections.descope.mgmt.plugins.module_utils import _audit

KEY = "test-audit-key-0123456789abcdef"


def _trail(tmp_path: pathlib.Path, runs: int = 2, per_run: int = 3) -> tuple[pathlib.Path, list[str]]:
    path = tmp_path / "2026-11-28.jsonl"
    for run in range(runs):
        for n in range(per_run):
            _audit.append(str(path), [{"v": 2, "run_id": f"run-{run}", "time": "2026-11-28T10:00:00.000Z", "target_id": f"t{run}{n}"}], key=KEY)
    return path, path.read_text().splitlines()


def _forge(entry: dict[str, t.Any]) -> dict[str, t.Any]:
    """What an attacker without the key can do: recompute an unkeyed hash."""
    entry = dict(entry)
    entry["hash"] = hashlib.sha256(_audit.canonical(entry).encode()).hexdigest()
    return entry


def _located(tmp_path: pathlib.Path, path: pathlib.Path, line: int, words: str) -> None:
    result = _audit.verify(str(tmp_path), KEY)
    assert not result.verified
    assert any(p["file"] == str(path) and p["line"] == line and words in p["reason"] for p in result.problems), result.problems


def test_intact_keyed_trail_verifies_and_says_forgery_is_detectable(tmp_path: pathlib.Path) -> None:
    _trail(tmp_path)
    result = _audit.verify(str(tmp_path), KEY)
    assert result.verified and result.forgery_detectable and result.lines == 6 and result.checkpoints == 2 and result.warnings == []


def test_without_the_key_verify_says_it_cannot_detect_forgery(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "2026-11-28.jsonl"
    _audit.append(str(path), [{"v": 2, "run_id": "r", "target_id": "a"}])
    result = _audit.verify(str(tmp_path))
    assert result.verified and result.forgery_detectable is False
    assert any("cannot detect a forged" in w for w in result.warnings)


def test_edit(tmp_path: pathlib.Path) -> None:
    path, lines = _trail(tmp_path)
    lines[1] = lines[1].replace('"t01"', '"t99"')
    path.write_text("\n".join(lines) + "\n")
    _located(tmp_path, path, 2, "edited or forged")


def test_edit_with_recomputed_hash(tmp_path: pathlib.Path) -> None:
    path, lines = _trail(tmp_path)
    entry = json.loads(lines[1])
    entry["target_id"] = "t99"
    lines[1] = _audit.serialise(_forge(entry))
    path.write_text("\n".join(lines) + "\n")
    _located(tmp_path, path, 2, "edited or forged")


def test_deletion_in_the_middle(tmp_path: pathlib.Path) -> None:
    path, lines = _trail(tmp_path)
    path.write_text("\n".join(lines[:2] + lines[3:]) + "\n")
    _located(tmp_path, path, 3, "removed, inserted or reordered")


def test_reorder(tmp_path: pathlib.Path) -> None:
    path, lines = _trail(tmp_path)
    lines[2], lines[3] = lines[3], lines[2]
    path.write_text("\n".join(lines) + "\n")
    _located(tmp_path, path, 3, "removed, inserted or reordered")


@pytest.mark.parametrize("cut", [1, 3, 6])
def test_truncation_of_the_last_lines(tmp_path: pathlib.Path, cut: int) -> None:
    path, lines = _trail(tmp_path)
    path.write_text("".join(line + "\n" for line in lines[: len(lines) - cut]))
    _located(tmp_path, path, len(lines) - cut + 1, "cut off")


def test_forged_append_with_an_unkeyed_hash(tmp_path: pathlib.Path) -> None:
    path, lines = _trail(tmp_path)
    last = json.loads(lines[-1])
    forged = _forge({**last, "target_id": "evil", "prev": last["hash"], "alg": "sha256", "key_id": None})
    path.write_text("\n".join([*lines, _audit.serialise(forged)]) + "\n")
    _located(tmp_path, path, 7, "not sealed with the key")


def test_forged_append_claiming_hmac(tmp_path: pathlib.Path) -> None:
    path, lines = _trail(tmp_path)
    last = json.loads(lines[-1])
    forged = _forge({**last, "target_id": "evil", "prev": last["hash"]})
    path.write_text("\n".join([*lines, _audit.serialise(forged)]) + "\n")
    _located(tmp_path, path, 7, "edited or forged")


def test_full_rewrite_with_another_key_and_checkpoints_removed(tmp_path: pathlib.Path) -> None:
    path, _lines = _trail(tmp_path)
    path.unlink()
    for cp in (tmp_path / "checkpoints").glob("*.json"):
        cp.unlink()
    _audit.append(str(path), [{"v": 2, "run_id": "run-0", "target_id": "fake"}], key="attacker-key-0123456789")
    _located(tmp_path, path, 1, "another key")


def test_full_rewrite_unkeyed_is_detected_at_line_1(tmp_path: pathlib.Path) -> None:
    path, _lines = _trail(tmp_path)
    path.unlink()
    _audit.append(str(path), [{"v": 2, "run_id": "run-0", "target_id": "fake"}])
    result = _audit.verify(str(tmp_path), KEY)
    assert not result.verified and result.problems[0]["line"] == 1 and result.problems[0]["file"] == str(path)


def test_forged_checkpoint_is_detected(tmp_path: pathlib.Path) -> None:
    path, lines = _trail(tmp_path)
    path.write_text("".join(line + "\n" for line in lines[:4]))
    cp = tmp_path / "checkpoints" / "run-1.json"
    data = json.loads(cp.read_text())
    data["files"][path.name] = {"lines": 4, "head": json.loads(lines[3])["hash"]}
    cp.write_text(json.dumps(data))
    result = _audit.verify(str(tmp_path), KEY)
    assert not result.verified and any(p["file"] == str(cp) and "does not match its seal" in p["reason"] for p in result.problems)


def test_torn_line_is_reported_and_the_rest_still_verified(tmp_path: pathlib.Path) -> None:
    path, lines = _trail(tmp_path, runs=1)
    with open(path, "a") as handle:
        handle.write(lines[0][:70])  # killed mid-write: the start of a line as the writer emits it
    _audit.append(str(path), [{"v": 2, "run_id": "run-0", "target_id": "after"}], key=KEY)
    later = tmp_path / "2026-11-29.jsonl"
    _audit.append(str(later), [{"v": 2, "run_id": "run-2", "target_id": "next-day"}], key=KEY)
    result = _audit.verify(str(tmp_path), KEY)
    assert result.verified and result.files == 2 and result.lines == 6
    assert result.torn_lines == [{"file": str(path), "line": 4, "reason": "an incomplete line the next line chains from (a writer interrupted mid-write)"}]
    # an edit after the torn line is still found
    lines = path.read_text().splitlines()
    lines[4] = lines[4].replace('"after"', '"other"')
    path.write_text("\n".join(lines) + "\n")
    _located(tmp_path, path, 5, "edited")


def test_every_problem_is_reported_not_only_the_first(tmp_path: pathlib.Path) -> None:
    path, lines = _trail(tmp_path)
    lines[0] = lines[0].replace('"t00"', '"x"')
    lines[4] = lines[4].replace('"t11"', '"y"')
    path.write_text("\n".join(lines) + "\n")
    result = _audit.verify(str(tmp_path), KEY)
    assert [p["line"] for p in result.problems if p["file"] == str(path)][:2] == [1, 5]


def test_short_key_is_refused() -> None:
    with pytest.raises(_audit.KeyError_, match="at least 16"):
        _audit.check_key("short")


# ------------------------------------------------------------------ torn writes versus text put there by hand


def _append_bytes(path: pathlib.Path, data: bytes) -> None:
    with open(path, "ab") as handle:
        handle.write(data)


@pytest.mark.parametrize("cut", [1, 9, 70, -1])
def test_a_genuine_torn_tail_is_a_warning_not_tampering(tmp_path: pathlib.Path, cut: int) -> None:
    path, lines = _trail(tmp_path)
    _append_bytes(path, lines[0].encode()[:cut])  # the writer killed after `cut` bytes of a line
    result = _audit.verify(str(tmp_path), KEY)
    assert result.verified and result.problems == []
    assert result.torn_lines == [{"file": str(path), "line": 7, "reason": "an incomplete last line (a writer interrupted mid-write)"}]
    assert any("1 torn line(s)" in w for w in result.warnings)


def test_a_torn_tail_cut_inside_a_multibyte_character_is_genuine(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "2026-11-28.jsonl"
    _audit.append(str(path), [{"v": 2, "run_id": "r", "target_id": "Ünïcode-名前"}], key=KEY)
    line = path.read_bytes().rstrip(b"\n")
    cut = line.index("名".encode()) + 1  # in the middle of a three-byte character
    _append_bytes(path, line[:cut])
    assert _audit.verify(str(tmp_path), KEY).verified
    # and once the next writer has chained from it, it is still a torn line, not tampering
    _audit.append(str(path), [{"v": 2, "run_id": "r", "target_id": "next"}], key=KEY)
    result = _audit.verify(str(tmp_path), KEY)
    assert result.verified and [t["line"] for t in result.torn_lines] == [2]


@pytest.mark.parametrize(
    ("tail", "words"),
    [
        (b"all entries above were approved by the auditor\n", "does not start like an audit line"),  # a forged line of text
        (b"all entries above were approved by the auditor", "does not start like an audit line"),  # ... without a newline
        (b"\x00\x00\x00\x00\x00\x00\x00\x00", "control character"),  # zero-filled tail
        (b"\x89PNG\r\n\x1a\n\xff\xd8\xff\xe0", "not UTF-8"),  # appended binary garbage
        (b'{"after":"\xff\xfe', "not UTF-8"),  # starts like a line, then invalid UTF-8
        (b'{"after":null,"alg":"sha256"}\n', "not a sealed audit record"),  # a complete JSON line without a seal
        (b"\n", "blank line"),
        (b'{"after":null,"al\n', "no later line chains from"),  # a plausible fragment, then a newline: text after it
        (b'{"target_id":"evil", "v":2', "whitespace"),  # a space the writer never writes
        (b'{"v":2,"target_id":"evil"', "sorted order"),
        (b'{"comment":"inserted', "'comment' is not a field"),
    ],
)
def test_text_appended_by_hand_is_tampering_located_to_file_and_line(tmp_path: pathlib.Path, tail: bytes, words: str) -> None:
    path, _lines = _trail(tmp_path)
    _append_bytes(path, tail)
    result = _audit.verify(str(tmp_path), KEY)
    assert not result.verified and result.torn_lines == []
    assert (result.broken_file, result.first_broken_line) == (str(path), 7)
    assert words in str(result.reason) and "tampering" in str(result.reason), result.reason


def test_text_after_a_torn_fragment_is_tampering(tmp_path: pathlib.Path) -> None:
    path, lines = _trail(tmp_path)
    _append_bytes(path, lines[0].encode()[:50] + b"\nforged text")
    result = _audit.verify(str(tmp_path), KEY)
    assert not result.verified and result.torn_lines == []
    assert [(p["line"], "tampering" in p["reason"]) for p in result.problems if p["file"] == str(path)] == [(7, True), (8, True)]


def test_a_fragment_inserted_mid_file_is_tampering_even_if_it_looks_torn(tmp_path: pathlib.Path) -> None:
    path, lines = _trail(tmp_path)
    path.write_text("\n".join([*lines[:3], lines[3][:60], *lines[3:]]) + "\n")
    result = _audit.verify(str(tmp_path), KEY)
    assert not result.verified and result.torn_lines == []
    located = {p["line"]: p["reason"] for p in result.problems if p["file"] == str(path)}
    assert "no later line chains from" in located[4] and "line 4" in located[5]  # the fragment, then the broken link


def test_garbage_stays_tampering_when_a_later_writer_chains_from_it(tmp_path: pathlib.Path) -> None:
    path, _lines = _trail(tmp_path)
    _append_bytes(path, b"\xde\xad\xbe\xef garbage")
    _audit.append(str(path), [{"v": 2, "run_id": "run-1", "target_id": "after-garbage"}], key=KEY)  # the writer links to anything
    result = _audit.verify(str(tmp_path), KEY)
    assert not result.verified and result.torn_lines == []
    assert [(p["line"], "not UTF-8" in p["reason"]) for p in result.problems if p["file"] == str(path)] == [(7, True)]


def test_unkeyed_trail_reports_appended_text_too(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "2026-11-28.jsonl"
    _audit.append(str(path), [{"v": 2, "run_id": "r", "target_id": "a"}])
    _append_bytes(path, b"rm -rf / # forged\n")
    result = _audit.verify(str(tmp_path))
    assert not result.verified and result.first_broken_line == 2 and "tampering" in str(result.reason)


def test_descope_audit_info_reports_the_tampering_and_still_lists_the_entries(tmp_path: pathlib.Path) -> None:
    path, _lines = _trail(tmp_path)
    _append_bytes(path, b"\x00\xffjunk")
    out = _audit.info({"path": str(tmp_path), "verify": True, "key": KEY}, {})
    assert out["count"] == 6 and out["verified"] is False and out["torn_lines"] == []
    assert (out["broken_file"], out["first_broken_line"]) == (str(path), 7) and "tampering" in out["reason"]
