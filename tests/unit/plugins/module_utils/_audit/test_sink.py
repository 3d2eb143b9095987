# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The HTTP sink against a local receiver: retries, spool, formats, and no secret in any message."""

from __future__ import annotations

import json
import pathlib
import sys
import typing as t

import pytest

from ansible_collections.descope.mgmt.plugins.module_utils import _audit
from ansible_collections.descope.mgmt.plugins.module_utils._audit import sink

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[5]))  # tests/, home of audit_receiver
from audit_receiver import Receiver  # noqa: E402  # pylint: disable=wrong-import-position

TOKEN = "sink-token-0123456789"


def _lines(tmp_path: pathlib.Path, n: int, start: int = 0) -> list[str]:
    sealed = _audit.append(str(tmp_path / "2026-11-28.jsonl"), [{"v": 2, "run_id": "r", "target_id": f"t{i}"} for i in range(start, start + n)])
    return [_audit.serialise(r) for r in sealed]


@pytest.fixture
def receiver() -> t.Iterator[Receiver]:
    server = Receiver(token=TOKEN)
    yield server
    server.close()


def test_generic_format_sends_the_lines_as_written_with_a_bearer_token(receiver: Receiver, tmp_path: pathlib.Path) -> None:
    lines = _lines(tmp_path, 3)
    sink.Sink(receiver.url, TOKEN, spool_dir=str(tmp_path)).send(lines)
    (request,) = receiver.requests
    assert request["headers"]["Authorization"] == f"Bearer {TOKEN}" and request["headers"]["Content-Type"] == "application/x-ndjson"
    assert request["body"] == "".join(line + "\n" for line in lines) and len(request["headers"]["Idempotency-Key"]) == 64


def test_transient_failures_are_retried_and_nothing_is_lost_or_duplicated(receiver: Receiver, tmp_path: pathlib.Path) -> None:
    receiver.fail_first = 2
    receiver.store_then_fail = 1  # stored, then answered 500: the retry re-sends the same lines
    lines = _lines(tmp_path, 4)
    sink.Sink(receiver.url, TOKEN, spool_dir=str(tmp_path), backoff=0.01).send(lines)
    assert len(receiver.requests) == 4
    assert sorted(receiver.unique()) == sorted(json.loads(line)["hash"] for line in lines)
    assert len(receiver.received) == 8  # the duplicate delivery is visible on the wire and removed by the hash


def test_a_receiver_down_for_a_while_gets_the_spooled_lines_with_the_next_batch(receiver: Receiver, tmp_path: pathlib.Path) -> None:
    receiver.fail_first = 100
    target = sink.Sink(receiver.url, TOKEN, spool_dir=str(tmp_path), retries=1, backoff=0.01)
    first = _lines(tmp_path, 2)
    with pytest.raises(sink.SinkError, match="kept and sent with the next batch") as info:
        target.send(first)
    assert TOKEN not in str(info.value) and (tmp_path / sink.SPOOL).read_text().splitlines() == first
    assert len(_audit.read_entries(str(tmp_path))[0]) == 2 and _audit.verify(str(tmp_path)).lines == 2  # the spool is not trail
    receiver.fail_first = 0
    second = _lines(tmp_path, 2, start=2)
    sink.Sink(receiver.url, TOKEN, spool_dir=str(tmp_path)).send(second)  # a new run: the spool goes first
    assert [line["target_id"] for line in receiver.received] == ["t0", "t1", "t2", "t3"]
    assert not (tmp_path / sink.SPOOL).exists()


def test_wrong_token_fails_at_once_without_showing_it(receiver: Receiver, tmp_path: pathlib.Path) -> None:
    with pytest.raises(sink.SinkError, match="refused the token") as info:
        sink.Sink(receiver.url, "wrong-token-9876543210", spool_dir=str(tmp_path), backoff=0.01).send(_lines(tmp_path, 1))
    assert len(receiver.requests) == 1 and "wrong-token" not in str(info.value)


def test_splunk_hec_format(tmp_path: pathlib.Path) -> None:
    server = Receiver(token=TOKEN, splunk=True)
    try:
        lines = _lines(tmp_path, 2)
        sink.Sink(server.url, TOKEN, fmt="splunk_hec", spool_dir=str(tmp_path)).send(lines)
        assert server.requests[0]["headers"]["Authorization"] == f"Splunk {TOKEN}"
        first = json.loads(server.requests[0]["body"].splitlines()[0])
        assert first["sourcetype"] == "descope:audit" and isinstance(first["time"], float) and first["event"] == json.loads(lines[0])
        assert [e["target_id"] for e in server.received] == ["t0", "t1"]
    finally:
        server.close()


@pytest.mark.parametrize(("url", "fmt", "words"), [("ftp://x", "jsonl", "http:// or https://"), ("http://127.0.0.1:1/", "xml", "not one of")])
def test_bad_configuration_is_refused(url: str, fmt: str, words: str) -> None:
    with pytest.raises(sink.SinkError, match=words):
        sink.Sink(url, None, fmt=fmt)
