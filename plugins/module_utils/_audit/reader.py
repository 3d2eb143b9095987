# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The viewer: time bounds, filters, reading entries and ``descope_audit_info`` (FOR INTERNAL COLLECTION USE ONLY)."""

from __future__ import annotations

import datetime
import json
import os
import re
import typing as t

from ansible_collections.descope.mgmt.plugins.module_utils._audit import chain
from ansible_collections.descope.mgmt.plugins.module_utils._audit.records import ENV_KEY, UTC, default_dir, utc_now
from ansible_collections.descope.mgmt.plugins.module_utils._audit.verify import trail_files, verify

FILTERS = ("since", "until", "project", "operation", "target_id", "outcome", "run_id", "changed_only", "module", "host")
_RELATIVE = re.compile(r"^(\d+)\s*(m|min|h|d|w)$", re.IGNORECASE)
_UNITS = {"m": 60, "min": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
TIME_HELP = (
    "use an ISO 8601 date or timestamp (2026-11-28, 2026-11-28T12:00:00Z), a relative time (30m, 2h, 1d, 1w) or "
    "today / yesterday"
)


class AuditInfoError(Exception):
    """A problem with descope_audit_info's own input (bad timestamp...)."""


def parse_bound(value: t.Any, end: bool, now: datetime.datetime | None = None) -> datetime.datetime:
    """A time bound; a bare date (or today/yesterday) as ``until`` means the end of that UTC day.

    Raises ValueError with one sentence-fragment reason (the caller names the option).
    """
    now = now or utc_now()
    if isinstance(value, datetime.datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    text = str(value).strip()
    day: datetime.date | None = None
    lowered = text.lower()
    if lowered in ("today", "yesterday"):
        day = now.astimezone(UTC).date() - datetime.timedelta(days=1 if lowered == "yesterday" else 0)
    elif lowered == "now":
        return now
    elif match := _RELATIVE.match(text):
        return now - datetime.timedelta(seconds=int(match.group(1)) * _UNITS[match.group(2).lower()])
    elif re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            day = datetime.date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"'{text}' is not a valid date; {TIME_HELP}") from None
    if day is not None:
        start = datetime.datetime(day.year, day.month, day.day, tzinfo=UTC)
        return start + datetime.timedelta(days=1) - datetime.timedelta(microseconds=1) if end else start
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        ts = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"'{value}' is not a time; {TIME_HELP}") from None
    return ts if ts.tzinfo else ts.replace(tzinfo=UTC)


def _entry_time(entry: t.Mapping[str, t.Any]) -> datetime.datetime | None:
    try:
        return parse_bound(entry.get("time"), end=False)
    except ValueError:
        return None


def _matches(
    entry: t.Mapping[str, t.Any],
    filters: t.Mapping[str, t.Any],
    since: datetime.datetime | None,
    until: datetime.datetime | None,
) -> bool:
    if since or until:
        ts = _entry_time(entry)
        if ts is None or (since and ts < since) or (until and ts > until):
            return False
    pairs = (
        ("project", "project_id"),
        ("operation", "operation"),
        ("target_id", "target_id"),
        ("outcome", "outcome"),
        ("run_id", "run_id"),
        ("module", "module"),
        ("host", "host"),
    )
    for option, field in pairs:
        wanted = filters.get(option)
        if wanted not in (None, "", []):
            allowed = wanted if isinstance(wanted, (list, tuple)) else [wanted]
            value = entry.get(field)
            if option == "module":
                value = str(value or "").rsplit(".", 1)[-1]
                allowed = [str(a).rsplit(".", 1)[-1] for a in allowed]
            if value not in allowed:
                return False
    return not (filters.get("changed_only") and not entry.get("changed"))


def _file_day(name: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(os.path.basename(name).rsplit(".", 1)[0])
    except ValueError:
        return None


def read_entries(
    path: str, filters: t.Mapping[str, t.Any] | None = None, now: datetime.datetime | None = None
) -> tuple[list[dict[str, t.Any]], list[str]]:
    """Entries of the trail matching ``filters`` (see FILTERS), oldest first, plus the files read.

    Unreadable lines are skipped here (verify reports them).
    """
    filters = dict(filters or {})
    since = parse_bound(filters["since"], end=False, now=now) if filters.get("since") else None
    until = parse_bound(filters["until"], end=True, now=now) if filters.get("until") else None
    files = trail_files(path)
    entries = []
    for name in files:
        day = _file_day(name)
        if day and since and day < since.astimezone(UTC).date():
            continue  # a whole day older than 'since' (files are named by UTC day)
        with open(name, encoding="utf-8", errors="replace") as handle:
            for line in handle:
                try:
                    entry = json.loads(line) if line.strip() else None
                except ValueError:
                    continue
                if isinstance(entry, dict) and _matches(entry, filters, since, until):
                    entries.append(entry)
    return entries, files


INFO_ARGUMENT_SPEC: dict[str, dict[str, t.Any]] = {
    "path": {"type": "path"},
    "since": {"type": "str"},
    "until": {"type": "str"},
    "project": {"type": "list", "elements": "str"},
    "operation": {"type": "list", "elements": "str"},
    "target_id": {"type": "list", "elements": "str"},
    "outcome": {"type": "list", "elements": "str", "choices": ["ok", "failed", "check", "skipped", "unknown"]},
    "run_id": {"type": "list", "elements": "str"},
    "module": {"type": "list", "elements": "str"},
    "host": {"type": "list", "elements": "str"},
    "changed_only": {"type": "bool", "default": False},
    "verify": {"type": "bool", "default": False},
    "key": {"type": "str", "no_log": True},
}


def info(
    params: t.Mapping[str, t.Any], environ: t.Mapping[str, str], now: datetime.datetime | None = None
) -> dict[str, t.Any]:
    """descope_audit_info: read (and optionally verify) the trail; same result on both execution paths."""
    path = os.path.expanduser(str(params.get("path") or default_dir(environ)))
    filters = {k: params.get(k) for k in FILTERS if k in params}
    bounds: dict[str, datetime.datetime] = {}
    for option in ("since", "until"):
        if filters.get(option):
            try:
                bounds[option] = parse_bound(filters[option], end=option == "until", now=now)
            except ValueError as exc:
                raise AuditInfoError(f"Option '{option}': {exc}.") from None
    if "since" in bounds and "until" in bounds and bounds["since"] > bounds["until"]:
        raise AuditInfoError("Option 'since' is later than 'until'; swap them.")
    try:
        key = chain.check_key(params.get("key") or environ.get(ENV_KEY))
    except chain.KeyError_ as exc:
        raise AuditInfoError(f"Option 'key': {exc}.") from None
    try:
        entries, files = read_entries(path, filters, now=now)
        result: dict[str, t.Any] = {"entries": entries, "count": len(entries), "files": files, "path": path}
        if params.get("verify"):
            checked = verify(path, key)
            result.update(
                verified=checked.verified,
                lines_checked=checked.lines,
                first_broken_line=checked.first_broken_line,
                broken_file=checked.broken_file,
                reason=checked.reason,
                problems=checked.problems,
                torn_lines=checked.torn_lines,
                forgery_detectable=checked.forgery_detectable,
                checkpoints=checked.checkpoints,
            )
            if checked.warnings:
                result["warnings"] = checked.warnings
    except OSError as exc:
        raise AuditInfoError(
            f"Cannot read the audit trail {path}: {exc.strerror or exc}. Check the path and its permissions."
        ) from None
    result["msg"] = message(result, path)
    return result


def message(result: t.Mapping[str, t.Any], path: str) -> str:
    """What was read or verified, in one line: a task failed on ``verified`` (failed_when) shows this, not "Unknown
    error"."""
    files = len(result.get("files") or [])
    if "verified" not in result:
        return (
            f"Read {result.get('count', 0)} audit entr{'y' if result.get('count') == 1 else 'ies'} from {files} "
            f"file(s) under {path}."
        )
    torn = len(result.get("torn_lines") or [])
    torn_note = f" {torn} torn line(s) (a writer killed mid-line) were skipped; see torn_lines." if torn else ""
    if result["verified"] and result.get("forgery_detectable"):
        return (
            f"Audit trail verified: {result.get('lines_checked', 0)} line(s) in {files} file(s) and "
            f"{result.get('checkpoints', 0)} checkpoint(s) under {path} are intact and sealed with the key.{torn_note}"
        )
    if result["verified"]:
        return (
            f"Audit trail intact but not provable: {result.get('lines_checked', 0)} line(s) in {files} file(s) under "
            f"{path} link up, but without a key anyone who can write the files could rewrite them undetected "
            f"(forgery_detectable is false).{torn_note} Next step: set DESCOPE_AUDIT_KEY (or [descope_audit] key in "
            "ansible.cfg) for the descope_audit callback and for this task, so that new lines are sealed with the "
            "key and a forged or rewritten line is detected."
        )
    broken, line = result.get("broken_file"), result.get("first_broken_line")
    if broken is None:  # no trail at all
        return (
            f"Audit trail verification failed: {result.get('reason')}. Next step: point 'path' at the directory the "
            "descope_audit callback writes to, and check that the callback is enabled (callbacks_enabled = "
            "descope.mgmt.descope_audit)."
        )
    where = f"{broken}:{line}" if line is not None else f"{broken} (a run checkpoint)"
    more = len(result.get("problems") or []) - 1
    more_note = f" ({more} more problem(s) listed in 'problems')" if more > 0 else ""
    return (
        f"Audit trail verification failed at {where}: {result.get('reason')}{more_note}.{torn_note} Next steps: 1) do "
        "not trust the entries of that file from that line on; compare it with the copy your audit sink "
        "(DESCOPE_AUDIT_URL) or your backups hold; 2) if the key was changed, verify again with the key the trail "
        "was written with ('key' option or DESCOPE_AUDIT_KEY); 3) keep the files as evidence, and write new runs to "
        "a fresh directory (DESCOPE_AUDIT_DIR) until it is explained."
    )
