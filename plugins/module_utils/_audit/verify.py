# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Verification of the trail: every line's seal and link, torn lines, and the run checkpoints (FOR INTERNAL COLLECTION
USE ONLY).

Verification never stops at the first problem: each problem is located (file + line) and the walk goes on,
so one torn or edited line does not hide the state of the rest of the file or of later files.
"""

from __future__ import annotations

import dataclasses
import glob
import json
import os
import typing as t

from ansible_collections.descope.mgmt.plugins.module_utils._audit import chain, torn
from ansible_collections.descope.mgmt.plugins.module_utils._audit.writer import CHECKPOINT_DIR

MAX_PROBLEMS = 200


@dataclasses.dataclass
class VerifyResult:
    verified: bool
    files: int = 0
    lines: int = 0
    broken_file: str | None = None
    first_broken_line: int | None = None
    reason: str | None = None
    problems: list[dict[str, t.Any]] = dataclasses.field(default_factory=list)
    torn_lines: list[dict[str, t.Any]] = dataclasses.field(default_factory=list)
    forgery_detectable: bool = False
    checkpoints: int = 0
    warnings: list[str] = dataclasses.field(default_factory=list)

    def as_dict(self) -> dict[str, t.Any]:
        return dataclasses.asdict(self)

    def problem(self, file: str, line: int | None, reason: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append({"file": file, "line": line, "reason": reason})
        if self.verified:
            self.verified = False
            self.broken_file, self.first_broken_line, self.reason = file, line, reason


def trail_files(path: str) -> list[str]:
    """The trail files under ``path``: the file itself, or every ``*.jsonl`` of a directory in name (date) order."""
    path = os.path.expanduser(path)
    if os.path.isdir(path):
        return sorted(glob.glob(os.path.join(glob.escape(path), "*.jsonl")))
    if os.path.isfile(path):
        return [path]
    return []


@dataclasses.dataclass
class _FileState:
    heads: list[str] = dataclasses.field(default_factory=list)  # the chain value of each line, 1-based as index+1
    runs: dict[str, int] = dataclasses.field(default_factory=dict)  # run id -> first line (format 2 lines only)
    unchecked: int = 0  # HMAC lines whose content could not be checked (no key)
    legacy: int = 0  # format 1 lines (sha256, before keys and checkpoints)


def _check_line(
    number: int, entry: dict[str, t.Any], prev: str, key: str | None, kid: str | None, state: _FileState
) -> str | None:
    """Why this parsed line is wrong, or None."""
    alg = str(entry.get("alg") or chain.ALG_SHA)
    if alg not in (chain.ALG_SHA, chain.ALG_HMAC):
        return f"unknown seal algorithm '{alg}' (edited)"
    if entry.get("v") == 1:
        state.legacy += 1
    if alg == chain.ALG_HMAC and not key:
        state.unchecked += 1
    elif alg == chain.ALG_HMAC and entry.get("key_id") != kid:
        return (
            f"sealed with another key (key id {entry.get('key_id')}, yours is {kid}): verify with that key, or the "
            "line was forged"
        )
    elif alg == chain.ALG_SHA and key and entry.get("v") != 1:
        return (
            "not sealed with the key (an unkeyed line in a keyed trail: forged, or written without DESCOPE_AUDIT_KEY)"
        )
    elif chain.line_hash(entry, key) != entry["hash"]:
        return "content does not match its seal (the line was edited or forged)"
    if entry.get("prev") != prev:
        if number == 1:
            return (
                "the first line does not start from the genesis value (lines removed from the start, or the file "
                "replaced)"
            )
        return f"'prev' does not match line {number - 1} (a line was removed, inserted or reordered before this one)"
    return None


def _unsealed(number: int, blobs: list[bytes], entries: list[t.Any], ends_with_newline: bool) -> tuple[bool, str]:
    """(torn, why) for a line that is not a sealed record: torn only if an interrupted writer could have left it."""
    blob, entry = blobs[number - 1], entries[number - 1]
    if entry is not None:
        return (
            False,
            "a JSON line that is not a sealed audit record (no 'hash'): tampering, the writer never writes one",
        )
    what = torn.prefix_problem(blob)
    if what is not None:
        return False, f"{what}: tampering (or disk damage), the writer never writes this"
    if number == len(blobs) and not ends_with_newline:
        return True, "an incomplete last line (a writer interrupted mid-write)"
    following = entries[number] if number < len(entries) else None
    if isinstance(following, dict) and following.get("prev") == chain.raw_hash(blob.decode("utf-8", "replace")):
        return True, "an incomplete line the next line chains from (a writer interrupted mid-write)"
    return False, (
        "an incomplete line followed by a newline that no later line chains from: tampering (text inserted or "
        "appended; or two writers interrupted one after the other)"
    )


def verify_file(path: str, key: str | None, result: VerifyResult) -> _FileState:
    """Walk one file's chain, adding every problem and torn line to ``result``.

    A line that is not a sealed record is a torn write only where an interrupted writer can leave one: the last
    line with no newline, or a line the next line chains from (the writer after the crash put it on its own line),
    and only if it is the start of a line the writer emits (``torn.prefix_problem``). Anything else is tampering.
    """
    state = _FileState()
    kid = chain.key_id(key)
    prev = chain.GENESIS
    with open(path, "rb") as handle:
        raw = handle.read()
    blobs = raw.split(b"\n")
    ends_with_newline = blobs[-1] == b""
    if ends_with_newline:
        blobs.pop()
    entries: list[t.Any] = []
    for blob in blobs:
        try:
            entries.append(json.loads(blob.decode("utf-8")) if blob.strip() else None)
        except ValueError:  # not JSON, or not UTF-8 (UnicodeDecodeError is a ValueError)
            entries.append(None)
    for number, blob in enumerate(blobs, start=1):
        text = blob.decode("utf-8", "replace")
        result.lines += 1
        entry = entries[number - 1]
        if not isinstance(entry, dict) or not isinstance(entry.get("hash"), str):
            is_torn, what = _unsealed(number, blobs, entries, ends_with_newline)
            if is_torn:
                result.torn_lines.append({"file": path, "line": number, "reason": what})
            else:
                result.problem(path, number, what)
            prev = chain.raw_hash(text)  # the writer chains the next line from the raw text (writer._tail)
            state.heads.append(prev)
            continue
        why = _check_line(number, entry, prev, key, kid, state)
        if why:
            result.problem(path, number, why)
        prev = entry["hash"]
        state.heads.append(prev)
        run = entry.get("run_id")
        if entry.get("v") != 1 and isinstance(run, str) and run not in state.runs:
            state.runs[run] = number
    return state


def _checkpoints(directory: str, result: VerifyResult) -> list[tuple[str, dict[str, t.Any]]]:
    found = []
    for name in sorted(glob.glob(os.path.join(glob.escape(directory), CHECKPOINT_DIR, "*.json"))):
        try:
            with open(name, encoding="utf-8") as handle:
                data = json.load(handle)
        except (OSError, ValueError):
            result.problem(name, None, "the checkpoint is not readable JSON (edited or damaged)")
            continue
        if isinstance(data, dict):
            found.append((name, data))
        else:
            result.problem(name, None, "the checkpoint is not a JSON object (edited)")
    return found


def _check_checkpoints(
    directory: str, only: str | None, states: dict[str, _FileState], key: str | None, result: VerifyResult
) -> set[str]:
    """Compare each checkpoint with the files; return the run ids that have one."""
    kid = chain.key_id(key)
    covered: set[str] = set()
    unchecked = 0
    for name, data in _checkpoints(directory, result):
        result.checkpoints += 1
        valid = chain.checkpoint_valid(data, key)
        run = str(data.get("run_id"))
        if valid is None:
            unchecked += 1
        elif key and data.get("alg") != chain.ALG_HMAC:
            result.problem(
                name,
                None,
                f"checkpoint of run {run} is not sealed with the key (forged, or written without DESCOPE_AUDIT_KEY)",
            )
            continue
        elif data.get("alg") == chain.ALG_HMAC and data.get("key_id") != kid:
            result.problem(
                name, None, f"checkpoint of run {run} is sealed with another key (key id {data.get('key_id')})"
            )
            continue
        elif not valid:
            result.problem(name, None, f"checkpoint of run {run} does not match its seal (edited or forged)")
            continue
        covered.add(run)
        raw_files = data.get("files")
        files: dict[str, t.Any] = raw_files if isinstance(raw_files, dict) else {}
        for base, mark in sorted(files.items()):
            trail = os.path.join(directory, base)
            if only is not None and os.path.abspath(trail) != os.path.abspath(only):
                continue
            if not isinstance(mark, dict) or not isinstance(mark.get("lines"), int):
                result.problem(name, None, f"checkpoint of run {run} has no line count for {base} (edited)")
                continue
            state = states.get(trail)
            if state is None:
                result.problem(
                    trail, None, f"the file is missing but run {run} wrote {mark['lines']} line(s) to it (deleted)"
                )
                continue
            count = len(state.heads)
            if count < mark["lines"]:
                result.problem(
                    trail,
                    count + 1,
                    f"the file ends at line {count} but run {run} left it at {mark['lines']} lines: lines "
                    f"{count + 1}-{mark['lines']} were cut off",
                )
            elif state.heads[mark["lines"] - 1] != mark.get("head"):
                result.problem(
                    trail,
                    mark["lines"],
                    f"line {mark['lines']} is not the line run {run} wrote last (the file was rewritten, or lines "
                    "were removed or inserted before it)",
                )
    if unchecked:
        result.warnings.append(
            f"{unchecked} checkpoint(s) are sealed with a key and were not checked: give the key (DESCOPE_AUDIT_KEY "
            "or the 'key' option)"
        )
    return covered


def verify(path: str, key: str | None = None) -> VerifyResult:
    """Verify every trail file under ``path`` and the run checkpoints next to them."""
    path = os.path.expanduser(path)
    files = trail_files(path)
    result = VerifyResult(True, forgery_detectable=bool(key))
    if not files:
        result.verified = False
        result.reason = (
            f"no audit trail at {path}: "
            + ("the directory holds no .jsonl file" if os.path.isdir(path) else "the path does not exist")
            + "; check the path, [descope_audit] dir in ansible.cfg or DESCOPE_AUDIT_DIR"
        )
        return result
    states: dict[str, _FileState] = {}
    for name in files:
        result.files += 1
        states[name] = verify_file(name, key, result)
    directory = path if os.path.isdir(path) else os.path.dirname(path) or "."
    covered = _check_checkpoints(directory, None if os.path.isdir(path) else path, states, key, result)
    for name, state in states.items():
        for run, line in sorted(state.runs.items(), key=lambda kv: kv[1]):
            if run not in covered:
                result.problem(
                    name,
                    line,
                    f"run {run} has no valid checkpoint (deleted or forged); its lines from here on cannot be anchored",
                )
    unchecked = sum(s.unchecked for s in states.values())
    legacy = sum(s.legacy for s in states.values())
    if count := len(result.torn_lines):
        result.warnings.append(f"{count} torn line(s) skipped (a writer was interrupted mid-line): see torn_lines")
    if not key:
        result.warnings.append(
            "no audit key given: the chain catches accidental damage but cannot detect a forged or rewritten trail"
            + (f" ({unchecked} keyed line(s) could only be checked for their links)" if unchecked else "")
            + "; set DESCOPE_AUDIT_KEY for the callback and for verification"
        )
    elif legacy:
        result.forgery_detectable = False
        result.warnings.append(
            f"{legacy} line(s) of format 1 predate keys and checkpoints: forgery of those lines cannot be detected"
        )
    return result
