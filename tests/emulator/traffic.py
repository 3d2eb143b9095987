"""Traffic log for the contract stage: every request and answer, one JSON line each, when asked for.

``DESCOPE_EMULATOR_TRAFFIC_DIR=<dir>`` makes each emulator process append to ``<dir>/emulator-<pid>.jsonl``,
so one pytest run (xdist workers, ansible-playbook subprocesses, several emulators) collects all of its
traffic in one directory; tests/contract/check_traffic.py reads it. Without the variable nothing is written.
"""

import json
import os
import threading

ENV = "DESCOPE_EMULATOR_TRAFFIC_DIR"
_LOCK = threading.Lock()


def _decode(raw):
    if raw is None:
        return None
    if not raw.strip():
        return {}
    try:
        return json.loads(raw)
    except ValueError:
        return {"x-unparsed": raw.decode("utf-8", "replace")[:200]}


def write(entry, query, raw, status, payload, user_agent):
    """Append one exchange; the request body and the answer are stored as parsed JSON."""
    folder = os.environ.get(ENV)
    if not folder:
        return
    line = {
        "method": entry["method"],
        "path": entry["path"],
        "query": query,
        "request": _decode(raw),
        "status": status,
        "answer": _decode(payload) if status is not None else None,
        "fault": entry.get("fault"),
        "userAgent": user_agent,
    }
    text = json.dumps(line, separators=(",", ":"), sort_keys=True) + "\n"
    with _LOCK:
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "emulator-%d.jsonl" % os.getpid()), "a", encoding="utf-8") as handle:
            handle.write(text)
