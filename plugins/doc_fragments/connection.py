# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared documentation: connection options and attributes of every descope.mgmt module."""

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  project_id:
    description:
      - The Descope project ID (it starts with C(P)).
      - When not set, the value of the E(DESCOPE_PROJECT_ID) environment variable is used.
      - Precedence is the task argument, then C(module_defaults) for the C(group/descope.mgmt.descope) action group,
        then the environment.
    type: str
  management_key:
    description:
      - A Descope management key allowed to manage this project (it starts with C(K)).
      - When not set, the value of the E(DESCOPE_MANAGEMENT_KEY) environment variable is used.
      - The key is never logged, returned, written to diffs, backups or the audit trail.
    type: str
  base_url:
    description:
      - Base URL of the Descope API.
      - When not set, the value of the E(DESCOPE_BASE_URL) environment variable is used, then
        V(https://api.descope.com), or the regional host C(https://api.<region>.descope.com) that the official
        SDKs derive from project IDs of 32 or more characters.
    type: str
  validate_certs:
    description:
      - Whether to verify the TLS certificate of the API. Set a private CA with E(REQUESTS_CA_BUNDLE) instead of disabling it.
    type: bool
    default: true
  timeout:
    description:
      - Seconds to wait for each HTTP response.
    type: float
    default: 60
  retries:
    description:
      - How many times one request is retried after HTTP 429 (honouring C(Retry-After)), after 5xx and Cloudflare
        52x answers (exponential backoff with jitter) and, for requests that only read, after timeouts and dropped connections.
    type: int
    default: 4
  retry_max_wait:
    description:
      - The longest C(Retry-After) wait, in seconds, honoured for one HTTP 429 answer. Each wait is reported as a warning.
    type: float
    default: 60
notes:
  - >-
    Runs on the Ansible controller. With C(connection: local) or C(delegate_to: localhost) the module's action plugin runs
    it inside the controller process (a few milliseconds per loop item, one keep-alive connection for the whole loop);
    set E(DESCOPE_MGMT_IN_PROCESS=false) to execute it as a regular module instead.
  - Requires the Python library C(requests) on the host that runs it.
"""

    ATTRIBUTES = r"""
attributes:
  action_group:
    description: Use C(group/descope.mgmt.descope) in C(module_defaults) to set the connection options once.
    support: full
    membership:
      - descope.mgmt.descope
  action:
    description: An action plugin runs the module's logic on the controller, falling back to the module itself.
    support: full
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying the target.
    support: full
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: full
  async:
    description:
      - "Not supported. A task with C(async) is refused before any request, on the controller and on the module path,
        with the message C(does not support async: remove async and poll from the task). Nothing is changed."
      - The module already sends its writes concurrently (the C(concurrency) option, where the module has one); run long tasks
        without C(async), or split them.
    support: none
"""
