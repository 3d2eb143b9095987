"""The emulator answers each request the collection sends with the shape of the official SDKs' own samples.

Rows: golden_answers.json (each with its source). A row the emulator does not match yet is listed in
known_mismatches.json with the issue area that fixes it, and runs as xfail(strict=True): when the fix lands the
test fails until the entry is dropped.
"""

import json
import os

import pytest

from contract import shapes
from contract.check_traffic import Contract

HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, "golden_answers.json"), encoding="utf-8") as _fh:
    ROWS = json.load(_fh)["rows"]
with open(os.path.join(HERE, "known_mismatches.json"), encoding="utf-8") as _fh:
    KNOWN = json.load(_fh)
CONTRACT = Contract()


def _params():
    out = []
    for row in ROWS:
        known = KNOWN["shape"].get(row["row"])
        marks = []
        if known:
            marks = [pytest.mark.xfail(strict=True, reason="%s: %s" % (known["area"], shapes.text(known["why"])))]
        out.append(pytest.param(row, id=row["row"], marks=marks))
    return out


def _call(emulator, method, path, payload):
    if method in ("GET", "DELETE"):
        return emulator.api(method, path, params=payload)
    return emulator.api(method, path, json=payload)


@pytest.mark.parametrize("row", _params())
def test_emulator_answer_has_the_sample_shape(emulator, row):
    if row.get("config"):  # the emulator's reading of an unsettled answer that this sample shows
        emulator.config(**row["config"])
    for method, path, body in row["setup"]:
        answer = _call(emulator, method, path, body)
        assert answer.status_code == 200, (method, path, answer.text)
    answer = _call(
        emulator, row["method"], row["path"], row.get("query") if row["method"] == "GET" else row.get("body")
    )
    assert answer.status_code == 200, answer.text
    schema = CONTRACT.ops[(row["method"], row["path"])]["response"]
    found = shapes.problems(row["sample"], answer.json(), schema, go_keys=row.get("goKeys", False))
    assert found == [], "%s (sample: %s)" % (found, shapes.text(row["source"]))


def test_every_row_names_its_source_and_an_operation_of_the_contract():
    for row in ROWS:
        assert shapes.text(row["source"]).strip(), row["row"]
        assert (row["method"], row["path"]) in CONTRACT.ops, row["row"]


def test_known_mismatches_name_a_row_and_an_area():
    rows = {row["row"] for row in ROWS}
    for name, entry in KNOWN["shape"].items():
        assert name in rows, name
        assert entry["area"] in ("SSO", "settings", "roles"), name
    for entry in KNOWN["contract"]:
        assert entry["area"] in ("SSO", "settings", "roles") and entry["operation"] and entry["contains"], entry


def test_shape_comparison_sees_a_dropped_key_and_a_flattened_object():
    sample = {"tenant": {"authType": "saml"}, "saml": {"groupsMapping": [{"role": {"name": "r"}}]}}
    assert (
        shapes.problems(sample, {"tenant": {"authType": "none"}, "saml": {"groupsMapping": [{"role": {"name": ""}}]}})
        == []
    )
    assert shapes.problems(sample, {"tenant": {}, "saml": {"groupsMapping": [{"role": {"name": "r"}}]}}) == [
        ".tenant.authType: missing (the sample has it)"
    ]
    assert shapes.problems(sample, {"tenant": {"authType": "x"}, "saml": {"groupsMapping": [{"role": "r"}]}}) == [
        ".saml.groupsMapping[0].role: an object in the sample, string in the answer"
    ]
    assert shapes.problems({"SSO": [{"a": 1}]}, {"sso": [{"A": 2}]}, go_keys=True) == []
