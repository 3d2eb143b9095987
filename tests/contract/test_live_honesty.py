"""tests/fixtures/live_answers.json says which source recorded it, and nothing calls an emulator record a real answer.

tests/live records real answers (``source: live``, ``target: <api host>``) when DESCOPE_LIVE_* is set; the committed
file may instead hold the emulator's own answers (``source: emulator``), which are no evidence about the real API.
"""

import json
import pathlib
import re
import subprocess

ROOT = pathlib.Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "live_answers.json"
# words that present an answers file as the real API's
CLAIM = re.compile(
    r"real (descope |api )?answers?|recorded (live|against (a |the )?(real|live))|answers? of the real|"
    r"from a (real|live) project|live (api|project) answers?|(real|live) (api|descope) (said|says|answered)",
    re.I,
)
MENTION = re.compile(r"live_answers(\.json)?|the answers file", re.I)


def _texts():
    listed = subprocess.run(["git", "ls-files", "*.md", "*.py", "*.rst", "*.yml", "*.txt"], cwd=ROOT,
                            capture_output=True, text=True, check=False).stdout.split()  # fmt: skip
    if not listed:  # not a git checkout (an installed copy): every file of these kinds
        listed = [str(p.relative_to(ROOT)) for ext in ("md", "py", "rst", "yml") for p in ROOT.rglob("*." + ext)]
    return [p for p in listed if not p.startswith((".cache/", "tests/output/"))]


def claims(text):
    """Lines that name the answers file and call its content real without saying it depends on its source."""
    return [line.strip() for line in text.splitlines() if MENTION.search(line) and CLAIM.search(line)
            and "source" not in line.lower()]  # fmt: skip


def test_the_fixture_names_its_source_and_target_consistently():
    doc = json.loads(FIXTURE.read_text(encoding="utf-8"))
    assert doc["source"] in ("live", "emulator")
    if doc["source"] == "emulator":
        assert doc["target"] == "emulator"
    else:
        assert doc["target"] != "emulator" and not re.match(r"(127\.|localhost|\[::1\])", doc["target"])


def test_no_doc_or_test_calls_an_emulator_record_a_real_answer():
    doc = json.loads(FIXTURE.read_text(encoding="utf-8"))
    if doc["source"] != "emulator":
        return  # a live record may be called real
    found = []
    for rel in _texts():
        path = ROOT / rel
        if path.is_file() and path != pathlib.Path(__file__):
            found += ["%s: %s" % (rel, line) for line in claims(path.read_text(encoding="utf-8", errors="replace"))]
    assert found == [], "live_answers.json has source: emulator, yet these call it real: %s" % found


def test_the_scan_sees_a_planted_claim_and_lets_a_conditional_one_pass():
    assert claims("tests/fixtures/live_answers.json holds the real API answers for the probes.")
    assert claims("The answers file was recorded against the real Descope in November.")
    assert not claims("live_answers.json: ``source: live`` is a real project, ``source: emulator`` the emulator")
    assert not claims("the real answer of the API")  # does not name the file
