# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""validate_args and scrub: the in-process path validates and masks exactly as AnsibleModule does."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleActionFail
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.common.parameters import remove_values

from ansible_collections.descope.mgmt.plugins.module_utils import _authz, _backup, _flow, _tenant
from ansible_collections.descope.mgmt.plugins.plugin_utils._action_base import (
    ASYNC_REFUSED,
    async_refusal,
    raw_args,
    scrub,
    unknown_options,
    validate_args,
    value_origins,
)


def test_defaults_are_applied_like_the_module() -> None:
    params, _no_log = validate_args(_tenant.SPEC, {"id": "a", "name": "A"})
    assert params["state"] == "present" and params["concurrency"] == 4 and params["cascade"] is False and params["validate_certs"] is True


def test_types_are_converted_like_the_module() -> None:
    params, _no_log = validate_args(_tenant.SPEC, {"id": "a", "name": "A", "disabled": "yes", "concurrency": "8"})
    assert params["disabled"] is True and params["concurrency"] == 8


@pytest.mark.parametrize(
    ("spec", "args", "expected"),
    [
        (_tenant.SPEC, {"id": "a", "tenants": []}, "mutually exclusive"),
        (_tenant.SPEC, {}, "one of the following is required"),
        (_flow.SPEC, {"src_dir": "x", "flow_id": "f"}, "mutually exclusive"),
        (_flow.SPEC, {"flow_id": "f", "prune": True}, "prune is True but all of the following are missing: src_dir"),
        (_backup.SPEC, {"backup_dir": "/b", "state": "restored"}, "state is restored but all of the following are missing: backup"),
        (_tenant.SPEC, {"id": "a", "colour": "red"}, "Unsupported parameters for (descope_tenant) module: colour"),
        (_tenant.SPEC, {"id": "a", "state": "gone"}, "value of state must be one of: present, absent"),
    ],
)
def test_the_module_kwargs_are_enforced_with_ansibles_messages(spec: object, args: dict[str, object], expected: str) -> None:
    with pytest.raises(AnsibleActionFail) as caught:
        validate_args(spec, args)  # type: ignore[arg-type]
    assert expected in caught.value.message


def _ansible_validates(spec: object, args: dict[str, object]) -> tuple[dict[str, object], str]:
    """What ansible-core's own validator makes of the arguments (the whole of them, deep-copied): parameters and message."""
    kwargs = {k: v for k, v in spec.module_kwargs.items() if k != "supports_check_mode"}  # type: ignore[attr-defined]
    outcome = ArgumentSpecValidator(spec.argument_spec, **kwargs).validate(args)  # type: ignore[attr-defined]
    return outcome.validated_parameters, outcome.errors.msg if outcome.errors.errors else ""


def test_free_form_items_are_handed_on_as_they_are_and_everything_else_as_ansible_validates() -> None:
    # descope_tenant's tenants: elements dict, no suboptions; the validator is not given the items to deep-copy
    items: list[object] = [{"id": "a", "name": "A", "custom_attributes": {"plan": ["x"]}}, "id=b,name=B", {"id": "c", "unknown": 1}]
    args = {"tenants": items, "concurrency": "8", "prune": "yes"}
    params, _no_log = validate_args(_tenant.SPEC, args)
    expected, message = _ansible_validates(_tenant.SPEC, args)
    assert message == "" and params == expected
    assert params["concurrency"] == 8 and params["prune"] is True
    assert params["tenants"][1] == {"id": "b", "name": "B"}  # a k=v string is converted, as Ansible does
    assert params["tenants"][0] is items[0] and params["tenants"][2] is items[2]  # the mappings themselves, not copies
    assert args["tenants"] is items and items[1] == "id=b,name=B"  # the task's arguments are left as they were


@pytest.mark.parametrize("bad", [[{"id": "a"}, 5], [{"id": "a"}, "no-equals-sign"], [["a"]], [None]])
def test_a_bad_item_fails_with_ansibles_own_message(bad: list[object]) -> None:
    _params, message = _ansible_validates(_tenant.SPEC, {"tenants": bad})
    assert message
    with pytest.raises(AnsibleActionFail) as caught:
        validate_args(_tenant.SPEC, {"tenants": bad})
    assert caught.value.message == message


def test_no_log_values_are_collected_and_scrubbed_like_exit_json() -> None:
    key = "K2SecretKeyForScrubbing000000001"
    _params, no_log = validate_args(_tenant.SPEC, {"id": "a", "name": "A", "management_key": key})
    assert key in no_log
    result = {"tenant": {"after": {"name": key}}, "msg": f"saw {key}"}
    assert scrub(result, no_log) == remove_values(result, no_log)
    assert key not in repr(scrub(result, no_log))


def test_nothing_to_scrub_returns_the_result_unchanged() -> None:
    result = {"changed": False}
    assert scrub(result, set()) is result


def test_the_async_refusal_names_the_module_and_the_fix() -> None:
    assert ASYNC_REFUSED.format(module="descope_flow").startswith("descope.mgmt.descope_flow does not support async: remove async and poll")


def test_the_async_refusal_names_the_concurrency_option_only_where_it_exists() -> None:
    assert "see the concurrency option" in async_refusal(_tenant.SPEC)
    for spec in (_authz.ROLE_SPEC, _authz.PERMISSION_SPEC, _authz.ROLE_INFO_SPEC):
        message = async_refusal(spec)
        assert message.startswith(f"descope.mgmt.{spec.module} does not support async: remove async and poll") and "concurrency" not in message


def test_a_misspelled_option_gets_a_did_you_mean() -> None:
    assert unknown_options(_tenant.SPEC, {"id": "a", "nmae": "A"}) == (
        "descope.mgmt.descope_tenant has no option 'nmae' (did you mean 'name'?). Nothing was run. "
        "Next steps: 1) Correct the option name on the task (or in module_defaults). 2) List the options with: ansible-doc descope.mgmt.descope_tenant."
    )


def test_an_unknown_option_with_nothing_close_is_named_alone_and_known_ones_pass() -> None:
    assert unknown_options(_tenant.SPEC, {"id": "a", "name": "A", "zzzzqqq": 1}).startswith("descope.mgmt.descope_tenant has no option 'zzzzqqq'. Nothing")
    assert unknown_options(_tenant.SPEC, {"id": "a", "name": "A", "_ansible_check_mode": False}) is None


class _Task:
    def __init__(self, ds: object) -> None:
        self._ds = ds


def test_value_origins_tell_task_module_defaults_and_variables_apart() -> None:
    raw = raw_args(_Task({"name": "t", "descope.mgmt.descope_tenant": {"id": "a", "project_id": "{{ descope_project_id }}"}}))
    args = {"id": "a", "project_id": "P2x", "management_key": "K2y"}
    assert value_origins(raw, args) == {
        "project_id": "task argument 'project_id', from the variable 'descope_project_id' (host or group variables, vars or extra vars)",
        "management_key": "module_defaults ('management_key')",
    }
    assert value_origins(raw_args(_Task({"args": {"project_id": "P2x"}})), {"project_id": "P2x"}) == {"project_id": "task argument 'project_id'"}
    assert raw_args(_Task(None)) is None
