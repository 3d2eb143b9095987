# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A stateful model test of descope_flow (flows and the project theme): check mode is the real run.

Hypothesis drives one emulator project: someone else imports, changes and deletes flows and the theme through the
API, and the collection deploys generated directories of flow exports (v1 and v2, screens in any order, with
``prune`` and its guards), single inline definitions, deletes, and themes. After every task it checks, as properties:

- check mode writes nothing and changes nothing;
- the real run reports the same verdict, the same flows with the same actions and summaries, the same theme
  outcome, diff and ``descope_audit`` counts;
- what the run reports is what happened: flows that disappeared are the reported deletes, new ones the reported
  creates, and an unreported flow (or an unchanged theme) was not re-imported;
- a refused task fails before its first write, and a second run of an applied task changes nothing.
"""

from __future__ import annotations

import copy
import json
import pathlib
import tempfile
import typing as t

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, rule, run_state_machine_as_test
from property_profiles import budget

FIXTURES = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "flows"
V2 = json.loads((FIXTURES / "v2" / "sign-up-or-in.json").read_text(encoding="utf-8"))["flow"]
V1 = json.loads((FIXTURES / "v1" / "sign-in.json").read_text(encoding="utf-8"))
THEME = json.loads((FIXTURES / "theme.json").read_text(encoding="utf-8"))["theme"]
IDS = ("sign-up-or-in", "sign-in", "alpha", "beta")


@st.composite
def flow_doc(draw: st.DrawFn) -> dict[str, t.Any]:
    """A v2 export of the fixture flow with some settings changed, or the v1 fixture; same content in other forms."""
    if draw(st.integers(0, 4)) == 0:
        return copy.deepcopy(V1)
    flow = copy.deepcopy(V2)
    meta = flow["metadata"]
    meta["name"] = draw(st.sampled_from(["Sign Up or In", "Sign in", "Other"]))
    meta["disabled"] = draw(st.booleans())
    if draw(st.booleans()):
        meta["description"] = draw(st.sampled_from(["", "changed"]))
    if draw(st.booleans()):
        flow["screens"] = list(reversed(flow["screens"]))  # order means nothing
    if draw(st.booleans()):
        flow["contents"]["startTask"] = "send-otp"
    return {"flow": flow} if draw(st.booleans()) else flow


def _theme(primary: str, version: str, wrap: bool) -> dict[str, t.Any]:
    """A theme export with one generated colour and version, wrapped in {"theme": ...} or not."""
    light = {"globals": {"colors": {"primary": primary}}}
    theme = {**copy.deepcopy(THEME), "componentsVersion": version, "styles": {**THEME["styles"], "light": light}}
    return {"theme": theme} if wrap else theme


theme_doc = st.builds(
    _theme,
    st.sampled_from(["#4f46e5", "#000000"]),
    st.sampled_from(["1.98.0", "1.99.0"]),
    st.booleans(),
)
guards = {
    "prune": st.booleans(),
    "protected_ids": st.lists(st.sampled_from(IDS), max_size=2, unique=True),
    "max_deletes": st.integers(0, 3),
    "allow_empty_prune": st.booleans(),
    "max_delete_ratio": st.sampled_from([0.5, 1.0]),
}
dir_task = st.fixed_dictionaries({"files": st.dictionaries(st.sampled_from(IDS), flow_doc(), max_size=3)}, optional={**guards, "theme": theme_doc})
single_task = st.one_of(
    st.fixed_dictionaries({"definition": flow_doc(), "flow_id": st.sampled_from(IDS)}, optional={"theme": theme_doc}),
    st.fixed_dictionaries({"flow_id": st.sampled_from(IDS), "state": st.just("absent")}),
    st.fixed_dictionaries({"theme": theme_doc}),
)


def _rows(result: dict[str, t.Any]) -> list[dict[str, t.Any]]:
    rows = result.get("flows")
    return rows if isinstance(rows, list) else [result["flow"]] if isinstance(result.get("flow"), dict) else []


def _items(result: dict[str, t.Any]) -> list[tuple[t.Any, ...]]:
    keys = ("action", "changed", "summary", "changes")
    rows = [(r.get("id"), *(str(r.get(k, "")).replace("would be ", "") if k == "action" else r.get(k) for k in keys)) for r in _rows(result)]
    theme = result.get("theme")
    if isinstance(theme, dict):
        rows.append(("theme", str(theme.get("action", "")).replace("would be ", ""), theme.get("changed"), theme.get("summary"), None))
    return rows


def _counts(result: dict[str, t.Any]) -> t.Any:
    return (result.get("descope_audit") or {}).get("counts")


class FlowModel(RuleBasedStateMachine):
    def __init__(self, engine: t.Any) -> None:
        super().__init__()
        self.engine = engine
        self.server = engine.server

    def live(self) -> dict[str, t.Any]:
        """Each flow's stored content and version (a re-import bumps it), and the theme."""
        api = self.server.api
        out: dict[str, t.Any] = {}
        for entry in api("POST", "/v1/mgmt/flow/list", json={}).json()["flows"]:
            flow = api("POST", "/v2/mgmt/flow/export", json={"flowId": entry["id"]}).json()["flow"]
            out[entry["id"]] = {"flow": flow, "version": entry.get("version")}
        out["theme:"] = api("POST", "/v2/mgmt/theme/export", json={}).json()["theme"]
        out["theme version:"] = api("POST", "/v1/mgmt/theme/export", json={}).json()["theme"]["version"]
        return out

    @initialize(extra=st.lists(st.sampled_from(IDS[2:]), unique=True))
    def start(self, extra: list[str]) -> None:
        self.server.reset()  # the default project: sign-up-or-in, sign-in and a theme
        self.server.clear_log()
        for flow_id in extra:
            self.someone_imports(flow_id, "Imported")

    # --- someone else edits the live project through the API
    @rule(flow_id=st.sampled_from(IDS), name=st.sampled_from(["Imported", "Sign Up or In"]))
    def someone_imports(self, flow_id: str, name: str) -> None:
        flow = {**copy.deepcopy(V2), "flowId": flow_id}
        flow["metadata"]["name"] = name
        self.server.api("POST", "/v2/mgmt/flow/import", json={"flow": flow})

    @rule(flow_id=st.sampled_from(IDS))
    def someone_deletes(self, flow_id: str) -> None:
        self.server.api("POST", "/v1/mgmt/flow/delete", json={"ids": [flow_id]})

    @rule(theme=theme_doc)
    def someone_imports_a_theme(self, theme: dict[str, t.Any]) -> None:
        self.server.api("POST", "/v2/mgmt/theme/import", json={"theme": theme.get("theme", theme)})

    # --- the collection's tasks
    @rule(task=dir_task)
    def run_directory_task(self, task: dict[str, t.Any]) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            for flow_id, doc in task.pop("files").items():
                (pathlib.Path(tmp) / f"{flow_id}.json").write_text(json.dumps(doc), encoding="utf-8")
            self._run({"src_dir": tmp, **task})

    @rule(params=single_task)
    def run_single_task(self, params: dict[str, t.Any]) -> None:
        self._run(params)

    @rule(data=st.data())
    def run_prune_keeping_some(self, data: st.DataObject) -> None:
        """Aimed at prune: a directory with some of the live flows exported as they are, the rest pruned."""
        live = sorted(k for k in self.live() if not k.startswith("theme"))
        kept = data.draw(st.lists(st.sampled_from(live), unique=True)) if live else []
        with tempfile.TemporaryDirectory() as tmp:
            for flow_id in kept or ["alpha"]:
                doc = self.live().get(flow_id, {}).get("flow") or {**copy.deepcopy(V2), "flowId": flow_id}
                (pathlib.Path(tmp) / f"{flow_id}.json").write_text(json.dumps(doc), encoding="utf-8")
            guard = data.draw(
                st.fixed_dictionaries({}, optional={"max_deletes": st.integers(0, 3), "protected_ids": st.lists(st.sampled_from(IDS), max_size=1)})
            )
            self._run({"src_dir": tmp, "prune": True, "max_delete_ratio": 1.0, **guard})

    # --- the properties
    def _run(self, params: dict[str, t.Any]) -> None:
        engine = self.engine
        ran = engine.check_then_run("descope_flow", params, self.live)
        if ran is None:
            return  # refused in both modes, with nothing written
        predicted, result, writes, before, after = ran
        assert _items(predicted) == _items(result)
        assert predicted.get("diff") == result.get("diff")
        assert _counts(predicted) == _counts(result)
        assert bool(predicted.get("changed")) == bool(result.get("changed")) == bool(writes), (result.get("changed"), writes)
        actions = {r["id"]: str(r.get("action")) for r in _rows(result)}
        flows_before = {k for k in before if not k.startswith("theme")}
        flows_after = {k for k in after if not k.startswith("theme")}
        assert flows_before - flows_after == {i for i, a in actions.items() if a == "deleted"}, (flows_before, flows_after, actions)
        assert flows_after - flows_before == {i for i, a in actions.items() if a == "created"}, (flows_before, flows_after, actions)
        for flow_id in flows_before & flows_after:
            if actions.get(flow_id) != "updated":
                assert before[flow_id] == after[flow_id], f"flow '{flow_id}' was written without being reported"
        if not (result.get("theme") or {}).get("changed"):
            assert (before["theme:"], before["theme version:"]) == (after["theme:"], after["theme version:"]), "the theme was written unreported"
        again, again_writes = engine.run("descope_flow", params)
        assert not again.get("failed") and not again["changed"] and again_writes == [], (again.get("msg"), _items(again))


SETTINGS = budget(40, stateful_step_count=8)


def test_check_mode_is_the_real_run(engine: t.Any) -> None:
    run_state_machine_as_test(lambda: FlowModel(engine), settings=SETTINGS)
