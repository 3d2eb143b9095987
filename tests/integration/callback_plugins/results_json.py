# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test-only notification callback: writes every task result of a run to one JSON file.

The integration fixture enables it so tests can assert on structured results instead of
parsing Ansible's human output. Not part of the collection (tests/ only).
"""

from __future__ import annotations

DOCUMENTATION = r"""
name: results_json
type: notification
short_description: Write task results to a JSON file for tests
description:
  - Test helper. Writes the list of task results to the file named by E(DESCOPE_TEST_RESULTS).
options: {}
"""

import json
import os

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "notification"
    CALLBACK_NAME = "results_json"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._tasks = []
        self._path = os.environ.get("DESCOPE_TEST_RESULTS")

    def _record(self, result, status):
        res = dict(result._result)
        if status == "ok" and res.get("changed"):
            status = "changed"
        if status == "failed":
            res["failed"] = True  # ansible-core 2.19 keeps the flag outside _result for ignored failures
        self._tasks.append({"name": result._task.get_name(), "action": result._task.action, "host": result._host.get_name(), "status": status, "result": res})

    def v2_runner_on_ok(self, result):
        self._record(result, "ok")

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, "failed")

    def v2_runner_on_skipped(self, result):
        self._record(result, "skipped")

    def v2_runner_on_unreachable(self, result):
        self._record(result, "unreachable")

    def v2_playbook_on_stats(self, stats):
        if self._path:
            with open(self._path, "w", encoding="utf-8") as handle:
                json.dump(self._tasks, handle, default=str)
