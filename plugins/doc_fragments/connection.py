# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared documentation: connection options and attributes of every descope.mgmt module."""

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  project_id:
    description:
      - The Descope project ID (C(P) followed by letters and digits, for example C(P2Z1234567890123456789012345)).
      - When not set, the value of the E(DESCOPE_PROJECT_ID) environment variable is used. A value set on the task but
        empty (for example an undefined variable) is an error, never a silent fallback to the environment.
      - A value that is not a project ID is refused before any request; when it looks like a management key (or the key
        looks like a project ID) the task fails with "look swapped" and neither value is shown.
      - Precedence is the task argument, then C(module_defaults) for the C(group/descope.mgmt.descope) action group,
        then the environment.
    type: str
  management_key:
    description:
      - A Descope management key allowed to manage this project (it starts with C(K)).
      - When not set, the value of the E(DESCOPE_MANAGEMENT_KEY) environment variable is used. A value set on the task
        but empty is an error, never a silent fallback to the environment.
      - A key holding a line break, a tab, a space or a character outside plain ASCII is refused before any request
        with the option, where the value came from (task argument or environment variable) and the fix; the key is not shown.
      - The key is never logged, returned, written to diffs, backups or the audit trail.
    type: str
  base_url:
    description:
      - Base URL of the Descope API.
      - When not set, the value of the E(DESCOPE_BASE_URL) environment variable is used, then
        V(https://api.descope.com), or the regional host C(https://api.<region>.descope.com) that the official
        SDKs derive from project IDs of 32 or more characters.
      - Must be an C(https://) URL (a path prefix is allowed; a user name, password, query or fragment is not). Plain
        C(http://) is accepted only to this machine (C(localhost), C(127.0.0.0/8), C(::1)) unless O(allow_insecure_http=true).
    type: str
  allow_insecure_http:
    description:
      - Allow a plain C(http://) O(base_url) to a host that is not this machine. The management key then travels unencrypted;
        use it only when the link is protected another way (a tunnel, a sidecar proxy).
      - When not set, the E(DESCOPE_ALLOW_INSECURE_HTTP) environment variable is used (V(true)/V(false)); the default is V(false).
    type: bool
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
      - How many times one request is retried after HTTP 503 and Cloudflare 520/521/522/524/530 (the statuses the official
        SDKs retry, with exponential backoff and jitter), and for requests that only read also after 500/502/504, timeouts,
        dropped connections and unreadable answers. Updates and deletes are also repeated after a dropped connection; a
        create whose answer was lost is first looked up, never blindly sent again.
      - HTTP 429 answers get up to four times this many retries; the client learns the rate the API accepts from them
        and paces every worker to it (like the AWS SDKs' adaptive retry mode). V(0) turns every retry off.
    type: int
    default: 4
  retry_max_wait:
    description:
      - The longest C(Retry-After) wait, in seconds, honoured for one HTTP 429 answer. Each wait is reported as a warning.
        A C(Retry-After) of one second or less is not slept; the learned pace spaces the retry.
    type: float
    default: 60
notes:
  - >-
    Runs on the Ansible controller. With C(connection: local) or C(delegate_to: localhost) the module's action plugin runs
    it inside the controller process (a few milliseconds per loop item, one keep-alive connection for the whole loop);
    set E(DESCOPE_MGMT_IN_PROCESS=false) to execute it as a regular module instead.
  - Requires the Python library C(requests) on the host that runs it.
  - >-
    Like the official Descope SDKs, the first request of a client reads the project's rate-limit tier
    (C(GET /v1/mgmt/license)) and later requests carry it in the C(x-descope-license) header; a failed read is ignored.
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
