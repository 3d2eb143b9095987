# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The viewer's time bounds and filters."""

from __future__ import annotations

import datetime
import pathlib

import pytest

from ansible_collections.descope.mgmt.plugins.module_utils import _audit

UTC = _audit.UTC  # Python 3.10 has no datetime.UTC
NOW = datetime.datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "end", "expected"),
    [
        ("2026-11-28", False, datetime.datetime(2026, 11, 28, tzinfo=UTC)),
        ("2026-11-28", True, datetime.datetime(2026, 11, 28, 23, 59, 59, 999999, tzinfo=UTC)),
        ("yesterday", False, datetime.datetime(2026, 11, 27, tzinfo=UTC)),
        ("yesterday", True, datetime.datetime(2026, 11, 27, 23, 59, 59, 999999, tzinfo=UTC)),
        ("today", True, datetime.datetime(2026, 11, 28, 23, 59, 59, 999999, tzinfo=UTC)),
        ("1d", False, datetime.datetime(2026, 11, 27, 12, 0, tzinfo=UTC)),
        ("2h", True, datetime.datetime(2026, 11, 28, 10, 0, tzinfo=UTC)),
        ("30m", False, datetime.datetime(2026, 11, 28, 11, 30, tzinfo=UTC)),
        ("1w", False, datetime.datetime(2026, 11, 21, 12, 0, tzinfo=UTC)),
        ("2026-11-28T08:00:00Z", True, datetime.datetime(2026, 11, 28, 8, 0, tzinfo=UTC)),
        ("2026-11-28T08:00:00+02:00", False, datetime.datetime(2026, 11, 28, 6, 0, tzinfo=UTC)),
    ],
)
def test_time_bounds(text: str, end: bool, expected: datetime.datetime) -> None:
    assert _audit.parse_bound(text, end=end, now=NOW) == expected


def _entries(tmp_path: pathlib.Path) -> str:
    records = []
    for stamp, op, project, run in (
        ("2026-11-27T23:59:00.000Z", "create", "P1", "r1"),
        ("2026-11-28T00:00:00.000Z", "update", "P1", "r1"),
        ("2026-11-28T23:30:00.000Z", "delete", "P2", "r2"),
        ("2026-11-29T00:00:00.001Z", "update", "P2", "r2"),
    ):
        records.append({"v": 2, "time": stamp, "operation": op, "project_id": project, "run_id": run, "target_id": f"{op}-{stamp[:10]}"})
    _audit.append(str(tmp_path / "2026-11-28.jsonl"), records)
    return str(tmp_path)


def test_until_a_bare_date_includes_that_whole_day(tmp_path: pathlib.Path) -> None:
    result = _audit.info({"path": _entries(tmp_path), "since": "2026-11-28", "until": "2026-11-28"}, {}, now=NOW)
    assert [e["time"] for e in result["entries"]] == ["2026-11-28T00:00:00.000Z", "2026-11-28T23:30:00.000Z"]


def test_yesterday_and_relative_times(tmp_path: pathlib.Path) -> None:
    path = _entries(tmp_path)
    assert [e["operation"] for e in _audit.info({"path": path, "since": "yesterday", "until": "yesterday"}, {}, now=NOW)["entries"]] == ["create"]
    assert [e["operation"] for e in _audit.info({"path": path, "since": "13h"}, {}, now=NOW)["entries"]] == ["create", "update", "delete", "update"]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [({"project": ["P2"]}, ["delete", "update"]), ({"operation": ["update"]}, ["update", "update"]), ({"run_id": ["r1"]}, ["create", "update"])],
)
def test_one_project_one_operation_one_run(tmp_path: pathlib.Path, filters: dict[str, list[str]], expected: list[str]) -> None:
    assert [e["operation"] for e in _audit.info({"path": _entries(tmp_path), **filters}, {}, now=NOW)["entries"]] == expected


@pytest.mark.parametrize("text", ["last tuesday", "1y", "2026-13-01", "-1d", "soon"])
def test_unusable_times_are_refused_in_one_sentence(tmp_path: pathlib.Path, text: str) -> None:
    with pytest.raises(_audit.AuditInfoError) as info:
        _audit.info({"path": str(tmp_path), "since": text}, {}, now=NOW)
    message = str(info.value)
    assert message.startswith("Option 'since': ") and message.count("ISO 8601") == 1 and message.count(".") <= 2, message


def test_short_key_is_refused_without_showing_it(tmp_path: pathlib.Path) -> None:
    with pytest.raises(_audit.AuditInfoError, match="at least 16") as info:
        _audit.info({"path": str(tmp_path), "verify": True, "key": "tiny-secret"}, {})
    assert "tiny-secret" not in str(info.value)
