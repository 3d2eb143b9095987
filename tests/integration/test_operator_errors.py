# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a failed task prints through real ansible-playbook: the problem once, next steps naming the real source."""

from __future__ import annotations

import os
import typing as t

import pytest

WRONG_KEY = "K2WrongKeyForThisProject000000000"


@pytest.mark.canary
def test_401_names_the_host_variable_and_module_defaults(playbook: t.Any, emulator: t.Any) -> None:
    play = {
        "module_defaults": {"group/descope.mgmt.descope": {"management_key": WRONG_KEY}},
        "vars": {"descope_project_id": emulator.project_id},
    }
    task = {"name": "bad key", "descope.mgmt.descope_tenant": {"id": "a", "name": "A", "project_id": "{{ descope_project_id }}"}}
    run = playbook.run([task], play=play, env={"DESCOPE_MANAGEMENT_KEY": None, "DESCOPE_PROJECT_ID": None}, callbacks=["descope.mgmt.descope_audit"])
    msg = run.task("bad key")["msg"]
    assert msg == (
        f"Descope refused the management key for project '{emulator.project_id}' (HTTP 401). Next steps: "
        "1) Check the management key from module_defaults ('management_key'): it must be active and allowed for this project "
        "(Descope console > Company > Management Keys). 2) Check the project id from task argument 'project_id', from the variable "
        "'descope_project_id' (host or group variables, vars or extra vars): it must be the project the key belongs to."
    )
    assert WRONG_KEY not in run.stdout
    assert run.task("bad key")["error"]["status"] == 401  # full detail stays in the result
    assert "error" not in run.task("bad key")["descope_audit"]
    if os.environ.get("DESCOPE_TEST_CANARY"):  # the canary stage runs at -vvvv, which also prints the invocation
        return
    assert run.stdout.count("Descope refused the management key") == 2  # the [ERROR] line and the registered result, no third report
    # ... once: the result Ansible dumps after the [ERROR] line holds the error in 'error' only
    assert run.stdout.count('"status": 401') == 1, run.stdout
    failure = run.stdout[run.stdout.index("[ERROR]") : run.stdout.index("PLAY RECAP")]
    assert failure.count("invalid or missing management key") == 1, failure  # the API's own words, once
    assert len(failure.encode()) < 1900, failure  # it was 1.9 KB with the error repeated in descope_audit


@pytest.mark.canary
def test_network_error_is_whole_and_names_the_address_source(playbook: t.Any, emulator: t.Any) -> None:
    task = {"name": "offline", "descope.mgmt.descope_tenant": {"id": "a", "name": "A", "base_url": "http://127.0.0.1:1", "retries": 0}}
    msg = playbook.run([task], env={"DESCOPE_ALLOW_INSECURE_HTTP": "true"}).task("offline")["msg"]
    assert msg.startswith(
        "No answer from the Descope API: ConnectionError: [Errno 111] Connection refused. Next steps: 1) Check the API address from task argument 'base_url'."
    ), msg


def test_misspelled_option_on_the_module_path_too(playbook: t.Any, emulator: t.Any) -> None:
    run = playbook.run([{"name": "typo", "descope.mgmt.descope_tenant": {"id": "a", "nmae": "A"}}], env={"DESCOPE_MGMT_IN_PROCESS": "false"})
    assert "has no option 'nmae' (did you mean 'name'?)" in run.task("typo")["msg"]
    assert "ansible_collections.descope.mgmt.plugins.action" not in run.stdout
    assert emulator.writes() == []
