# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Generated flow files and definitions, valid and broken, through descope_flow's engine.

Property: a directory of flow files (or one inline definition) is either deployed (and a second run
changes nothing), or rejected with validation errors naming the file and the JSON path, with zero
write requests. Never a traceback.
"""

from __future__ import annotations

import copy
import json
import pathlib
import tempfile
import typing as t

from hypothesis import event, given
from hypothesis import strategies as st
from property_profiles import budget

FIXTURES = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "flows"
V2 = json.loads((FIXTURES / "v2" / "sign-up-or-in.json").read_text(encoding="utf-8"))
V1 = json.loads((FIXTURES / "v1" / "sign-in.json").read_text(encoding="utf-8"))
THEME = json.loads((FIXTURES / "theme.json").read_text(encoding="utf-8"))
OPTIONS = {"src_dir", "concurrency", "flow_id", "definition", "the file name"}
SETTINGS = budget(100)

json_leaf = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.text(max_size=4))
json_value = st.recursive(
    json_leaf, lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=4), inner, max_size=3)), max_leaves=8
)
json_object = st.dictionaries(st.sampled_from(["flow", "flowId", "metadata", "contents", "screens", "x"]), json_value, max_size=4)
WRONG = st.sampled_from([None, 1, "text", [], {}, True])


@st.composite
def mutated(draw: st.DrawFn, base: dict[str, t.Any]) -> dict[str, t.Any]:
    """A copy of a valid export with a few generated breakages (or none)."""
    doc = copy.deepcopy(base)
    flow = doc["flow"]
    for _step in range(draw(st.integers(0, 2))):
        kind = draw(st.sampled_from(["drop", "retype", "dup-screen", "dangling", "empty-name", "rename", "screen-retype"]))
        if kind == "drop":
            key = draw(st.sampled_from(sorted(flow)))
            flow.pop(key, None)
        elif kind == "retype":
            key = draw(st.sampled_from(sorted(flow)))
            flow[key] = draw(WRONG)
        elif kind == "dup-screen" and isinstance(flow.get("screens"), list) and flow["screens"]:
            flow["screens"].append(copy.deepcopy(flow["screens"][0]))
        elif kind == "dangling" and isinstance(flow.get("contents"), dict):
            flow["contents"].setdefault("tasks", {})["ghost"] = {"id": "ghost", "type": "screen", "screenId": "SCnotThere"}
        elif kind == "empty-name" and isinstance(flow.get("metadata"), dict):
            flow["metadata"]["name"] = draw(st.sampled_from(["", "   ", 5]))
        elif kind == "rename" and isinstance(flow.get("metadata"), dict):
            flow["metadata"]["name"] = draw(st.text(min_size=1, max_size=8).filter(str.strip))
        elif kind == "screen-retype" and isinstance(flow.get("screens"), list) and flow["screens"]:
            flow["screens"][0] = draw(WRONG)
    return doc


contents = st.one_of(
    mutated(V2),
    mutated(V2),
    st.just(V1),
    st.just(THEME),  # descope_flow_info writes the theme next to the flows: skipped with a warning
    json_value.map(json.dumps),
    st.sampled_from(["", "{", "not json", "[]", "null"]),
)
file_names = st.sampled_from(["alpha", "beta", "gamma-1", "with space", "semi;colon", "ü", "a" * 101])


@st.composite
def flow_dir(draw: st.DrawFn) -> dict[str, t.Any]:
    names = draw(st.lists(file_names, min_size=1, max_size=4, unique=True))
    return {name: draw(contents) for name in names}


def write_dir(root: pathlib.Path, files: dict[str, t.Any]) -> None:
    for name, content in files.items():
        text = content if isinstance(content, str) else json.dumps(content)
        (root / f"{name}.json").write_text(text, encoding="utf-8")


def check_rejection(result: dict[str, t.Any], writes: list[dict[str, t.Any]], root: str | None) -> None:
    if result.get("argument_errors"):
        # refused by Ansible's own argument-spec validation (an item that is not a mapping...): before any request
        assert writes == [] and result["msg"], result
        return
    assert result["error"]["kind"] == "validation", result  # anything else slipped past validation
    assert writes == [], "a rejected input must not cause a single write"
    problems = result["validation_errors"]
    assert problems and result["error"]["count"] == len(problems)
    for problem in problems:
        assert problem["field"] and problem["message"] and problem["fix"], problem
        if problem["field"] not in OPTIONS:
            assert problem["field"].startswith("$"), f"not a JSON path: {problem}"
            if root is not None:
                assert str(problem.get("source", "")).startswith(root), f"problem names no file: {problem}"


@SETTINGS
@given(files=flow_dir())
def test_any_flow_directory_is_deployed_or_rejected_cleanly(engine: t.Any, files: dict[str, t.Any]) -> None:
    engine.fresh()
    with tempfile.TemporaryDirectory() as tmp:
        write_dir(pathlib.Path(tmp), files)
        params = {"src_dir": tmp}
        predicted, check_writes = engine.run("descope_flow", params, check=True)
        assert check_writes == []
        result, writes = engine.run("descope_flow", params)
        assert bool(predicted.get("failed")) == bool(result.get("failed")), (predicted.get("msg"), result.get("msg"))
        if result.get("failed"):
            event("rejected")
            check_rejection(result, writes, tmp)
            return
        event("deployed" if result["changed"] else "no change")
        assert all(f["action"] != "failed" for f in result["flows"]), result["flows"]
        again, again_writes = engine.run("descope_flow", params)
        assert not again.get("failed") and not again["changed"] and again_writes == [], again.get("msg")


@SETTINGS
@given(definition=st.one_of(mutated(V2), json_object, json_object.map(lambda d: {"flow": d})), flow_id=st.sampled_from(["generated", "bad id!", None]))
def test_any_inline_definition_is_deployed_or_rejected_cleanly(engine: t.Any, definition: dict[str, t.Any], flow_id: str | None) -> None:
    engine.fresh()
    params = {"definition": definition, "flow_id": flow_id}
    result, writes = engine.run("descope_flow", params)
    if result.get("failed"):
        event("rejected")
        check_rejection(result, writes, None)
        return
    event("deployed")
    assert len(writes) == 1 and writes[0]["path"] == "/v2/mgmt/flow/import"
    again, again_writes = engine.run("descope_flow", params)
    assert not again["changed"] and again_writes == []
