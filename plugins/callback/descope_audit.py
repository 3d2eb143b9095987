# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: descope_audit
type: notification
short_description: Tamper-evident audit trail, recovery suggestions and set-mode progress for descope.mgmt tasks
description:
  - Appends one JSON line per operation that a C(descope.mgmt) module reports (create, update, delete, import, backup,
    restore, retention...), loop items included, to a daily file C(<dir>/<YYYY-MM-DD>.jsonl) (UTC day).
  - Each line holds a fixed, allow-listed schema built only from the module's sanitised C(descope_audit) result key and
    task metadata; raw task arguments, C(invocation) and result bodies are never written. A result hidden by C(no_log)
    is recorded with C(hidden=true) and no detail. A final pass removes the value of E(DESCOPE_MANAGEMENT_KEY) and of any
    secret-looking key.
  - Each line is sealed (C(hash)) and chained to the line before it (C(prev)). With O(key) the seal is HMAC-SHA256 and a
    sealed checkpoint per run (C(<dir>/checkpoints/<run_id>.json)) records each file's line count and last line, so
    M(descope.mgmt.descope_audit_info) with O(descope.mgmt.descope_audit_info#module:verify=true) detects and locates every
    edited, removed, reordered, forged or cut-off line and a rewritten trail. Without a key the seal is SHA-256, which
    catches accidents but not forgery.
  - A journal of intent (C(<dir>/journal/<run_id>.jsonl)) receives each write before it is sent; operations that a
    killed run never reported are added to the trail with C(interrupted=true) at the end of the run or, at the latest,
    by the next run.
  - With O(url) every line is also POSTed to a collector (JSON lines, bearer token) or Splunk HEC, with retries; lines
    that cannot be delivered are kept in C(<dir>/sink/spool.jsonl) and sent with the next batch.
  - Lines are appended under an exclusive file lock with C(O_APPEND) and C(fsync), so parallel C(ansible-playbook) runs
    sharing a file never lose or interleave lines. Directories are created C(0700), files C(0600).
  - When a task of this collection fails, its own message states the problem once with numbered next steps. This
    callback adds the full report (what failed, the HTTP status, the Descope error code, the request and every recovery
    step) at C(-v), or at any verbosity when the message carries no next steps (through the normal display, so AWX/AAP
    job events carry it).
  - For set-mode tasks (many tenants or flows in one task) it prints one line per item that changed or failed and the
    counts (the unchanged only as a count; every item with C(-v)). A task forced into check mode in a run that is not
    C(--check) (a role planning first) prints only the counts.
  - Each line records the controller user (the login name of the process), and inside an AWX/AAP job the job id
    (environment variable E(JOB_ID) set by AWX, or the extra variable C(awx_job_id)/C(tower_job_id)) and the user who
    launched it (extra variable C(awx_user_name)/C(tower_user_name), read from the play's extra variables).
  - A failure to write never breaks the run; it produces one warning per run, unless O(required=true).
author:
  - descope.mgmt contributors (@descope-mgmt)
requirements:
  - Enable it in C(ansible.cfg) (C([defaults] callbacks_enabled = descope.mgmt.descope_audit)) or with
    E(ANSIBLE_CALLBACKS_ENABLED=descope.mgmt.descope_audit). In AWX/AAP set it in the project's C(ansible.cfg)
    or the job template's environment variables.
options:
  dir:
    description:
      - Directory of the daily trail files; created with mode C(0700) when missing.
      - Default C(~/.descope-mgmt/audit). Inside an AWX/AAP job (ansible-runner sets E(AWX_ISOLATED_DATA_DIR) to the job's
        artifacts directory) the default is C($AWX_ISOLATED_DATA_DIR/descope_audit). AWX deletes that directory with
        the job, so such a job without O(url) and without this option prints a warning; keep the trail with O(url)
        (the C(Descope audit trail) credential) and/or a persistent path exposed to jobs.
    type: path
    env:
      - name: DESCOPE_AUDIT_DIR
    ini:
      - section: descope_audit
        key: dir
  required:
    description:
      - Make the audit mandatory. When the trail cannot be written (at start or later) the callback prints an error and
        every following C(descope.mgmt) task that can change something fails before its first request, so no change is
        made without a record. Read-only C(*_info) modules still run.
      - When V(false), a write failure produces one warning per run and the play continues.
    type: bool
    default: false
    env:
      - name: DESCOPE_AUDIT_REQUIRED
    ini:
      - section: descope_audit
        key: required
  key:
    description:
      - Secret key (at least 16 characters, for example C(openssl rand -hex 32)) that seals every line and checkpoint
        with HMAC-SHA256. Give the same key to M(descope.mgmt.descope_audit_info) to verify. Keep it out of the
        trail's directory (an AWX credential, a vault) or an attacker who can edit the trail can re-seal it.
      - Without a key the trail is sealed with plain SHA-256 and verification says it cannot detect forgery.
    type: str
    env:
      - name: DESCOPE_AUDIT_KEY
    ini:
      - section: descope_audit
        key: key
  url:
    description:
      - Also send every line to this HTTP(S) endpoint (a log collector, or Splunk HEC's C(/services/collector/event)).
      - With O(required=true) a line the sink does not take after its retries blocks further changes like a file
        write failure does.
    type: str
    env:
      - name: DESCOPE_AUDIT_URL
    ini:
      - section: descope_audit
        key: url
  token:
    description:
      - "Token for O(url), sent as C(Authorization: Bearer <token>) (or C(Splunk <token>) with O(format=splunk_hec))."
    type: str
    env:
      - name: DESCOPE_AUDIT_TOKEN
    ini:
      - section: descope_audit
        key: token
  format:
    description:
      - 'Body format for O(url). V(jsonl) posts the trail lines as written (one JSON object per line); V(splunk_hec)
        wraps each in C({"time": ..., "event": ...}) for Splunk''s HTTP Event Collector.'
    type: str
    choices: [jsonl, splunk_hec]
    default: jsonl
    env:
      - name: DESCOPE_AUDIT_FORMAT
    ini:
      - section: descope_audit
        key: format
  show_suggestions:
    description:
      - Print recovery suggestions when a task of this collection fails.
    type: bool
    default: true
    env:
      - name: DESCOPE_AUDIT_SUGGESTIONS
    ini:
      - section: descope_audit
        key: show_suggestions
  progress:
    description:
      - Print one line per changed or failed item (every item with C(-v)) and the counts for set-mode tasks.
    type: bool
    default: true
    env:
      - name: DESCOPE_AUDIT_PROGRESS
    ini:
      - section: descope_audit
        key: progress
"""

import getpass
import os
import threading
import time
import typing as t
import uuid

from ansible import constants as C
from ansible.errors import AnsibleError
from ansible.plugins.callback import CallbackBase

from ansible_collections.descope.mgmt.plugins.module_utils import _audit, _hints
from ansible_collections.descope.mgmt.plugins.module_utils._audit import chain, journal, sink
from ansible_collections.descope.mgmt.plugins.module_utils._audit.records import AWX_DATA_DIR_ENV

COLLECTION_PREFIX = "descope.mgmt."
# set in the controller's environment when a required trail cannot be written: workers forked for
# later tasks inherit it, and the descope.mgmt action plugins refuse to change anything (see _action_base.py)
BLOCK_ENV = "_DESCOPE_AUDIT_BLOCKED"
# set while this callback is enabled, so the action plugins can tell a user who forgot to enable it
ACTIVE_ENV = "_DESCOPE_AUDIT_ACTIVE"
NOT_RECORDED = ("descope_audit_info",)  # reading the trail is not an operation on Descope
SET_KEYS = ("tenants", "flows")
COUNT_KEYS = ("created", "updated", "deleted", "imported", "unchanged", "failed", "skipped")


def _get(obj: t.Any, *names: str) -> t.Any:
    """Attribute by its public name (ansible-core 2.19+) or its older private one."""
    for name in names:
        value = getattr(obj, name, None)
        if value is not None:
            return value
    return None


def task_action(task: t.Any) -> str:
    """The task's resolved FQCN when known, otherwise its action as written."""
    resolved = getattr(task, "_resolved_action", None)
    action = str(getattr(task, "action", "") or "")
    if resolved:
        return str(resolved)
    if "{{" not in action:
        try:
            resolved = getattr(task, "resolved_action", None)
        except Exception:  # pylint: disable=broad-except  # an unresolvable action is simply not ours
            resolved = None
    return str(resolved or action)


def collection_module(action: str, result: t.Mapping[str, t.Any]) -> str | None:
    """The short module name when the task belongs to this collection, else None."""
    if action.startswith(COLLECTION_PREFIX):
        return action[len(COLLECTION_PREFIX) :]
    block = result.get("descope_audit")
    # a short name that Ansible could not resolve for us: trust only our own result contract
    if "." not in action and action.startswith("descope_") and isinstance(block, t.Mapping) and block.get("module") == action:
        return action
    return None


def is_hidden(result: t.Mapping[str, t.Any], no_log: t.Any) -> bool:
    return bool(result.get("_ansible_no_log") or result.get("censored") or (isinstance(no_log, bool) and no_log))


def set_items(result: t.Mapping[str, t.Any]) -> list[dict[str, t.Any]]:
    """Per-item outcomes of a set-mode result (the resource list, else the audit operations)."""
    for key in SET_KEYS:
        items = result.get(key)
        if isinstance(items, list) and items and all(isinstance(i, dict) for i in items):
            found = [
                {"id": i.get("id"), "action": i.get("action") or ("changed" if i.get("changed") else "unchanged"), "type": key[:-1], "error": i.get("error")}
                for i in items
            ]
            theme = result.get("theme")
            if isinstance(theme, t.Mapping) and theme.get("action"):  # descope_flow deploys the theme in the same task
                found.append({"id": "theme", "action": theme["action"], "type": "theme", "error": theme.get("error")})
            return found
    block = result.get("descope_audit")
    ops = block.get("operations") if isinstance(block, t.Mapping) else None
    if isinstance(ops, list) and len(ops) > 1:
        return [
            {"id": o.get("target_id"), "action": o.get("action") or o.get("operation"), "type": o.get("target_type") or "item", "error": o.get("error")}
            for o in ops
            if isinstance(o, dict)
        ]
    return []


def progress_lines(module: str, host: str, result: t.Mapping[str, t.Any], verbose: bool = False, plan_step: bool = False) -> list[str]:
    """One line per item that changed or failed, the unchanged as a count; every item with ``verbose`` (-v).

    ``plan_step``: a ``check_mode: true`` task in a real run (a role planning before it applies) prints only
    the counts, so the same list is not shown twice.
    """
    items = set_items(result)
    if not items:
        return []
    block = result.get("descope_audit") if isinstance(result.get("descope_audit"), t.Mapping) else {}
    check = bool(block.get("check_mode")) if block else False
    prefix = f"{module} [{host}]"
    lines = []
    for item in items:
        action = str(item["action"])
        if plan_step or (action == "unchanged" and not verbose):
            continue
        text = f"{prefix}: {item['type']} {item['id']}: {'would be ' if check and action not in ('unchanged', 'failed', 'skipped') else ''}{action}"
        error = item.get("error")
        if isinstance(error, t.Mapping):
            detail = " ".join(str(x) for x in (error.get("status") and f"HTTP {error.get('status')}", error.get("code"), error.get("message")) if x)
            text += f" ({detail})" if detail else ""
        lines.append(text)
    # counted from the items, so the total always matches what the task did
    counts: dict[str, int] = {}
    for item in items:
        counts[str(item["action"])] = counts.get(str(item["action"]), 0) + 1
    shown = [f"{counts.get(k, 0)} {k}" for k in COUNT_KEYS if k in counts or k in ("created", "updated", "deleted", "unchanged", "failed")]
    shown += [f"{n} {k}" for k, n in sorted(counts.items()) if k not in COUNT_KEYS]
    note = " (check mode: nothing was written)" if check and not plan_step else " (plan only; the list follows when it is applied)" if plan_step else ""
    lines.append(f"{prefix}: {len(items)} item(s): {', '.join(shown)}{note}")
    return lines


def _play_of(task: t.Any) -> t.Any:
    """The play a task belongs to (through its blocks, includes and roles), or None."""
    node = task
    for _depth in range(100):  # bounded: a parent chain never loops, but a broken one must not hang the run
        play = getattr(node, "_play", None)
        if play is not None:
            return play
        node = getattr(node, "_parent", None)
        if node is None:
            return None
    return None


def said_once(result: t.Mapping[str, t.Any]) -> bool:
    """The task's own message already states the problem and numbered next steps (the [ERROR] line shows it):
    the full report would repeat it, so it is printed only at -v."""
    return "Next steps: 1) " in str(result.get("msg") or "")


def failure_report(module: str, host: str, task_name: str, result: t.Mapping[str, t.Any]) -> list[str]:
    """What failed, the HTTP status and Descope code, and the recovery steps from the hint catalogue."""
    block = result.get("descope_audit") if isinstance(result.get("descope_audit"), t.Mapping) else {}
    failed_ops = [o for o in (block.get("operations") or []) if isinstance(o, t.Mapping) and o.get("outcome") == "failed"] if block else []
    error = result.get("error") if isinstance(result.get("error"), t.Mapping) else None
    target = None
    if failed_ops:
        error = failed_ops[0].get("error") or error
        target = failed_ops[0].get("target_id")
    if error is None and block and isinstance(block.get("error"), t.Mapping):
        error = block.get("error")
    if error is None:
        error = {"message": result.get("msg")}
    error = dict(error)
    target = target or error.get("target_id")
    context = {
        "module": module,
        "project_id": block.get("project_id") if block else None,
        "target_id": target,
        "validation_errors": result.get("validation_errors") or [],
    }
    kind = (failed_ops[0].get("target_type") if failed_ops else None) or "object"
    what = f"{module} on {host}" + (f", task '{task_name}'" if task_name else "") + (f", {kind} '{target}'" if target else "")
    facts = []
    if error.get("status"):
        facts.append(f"HTTP {error.get('status')}")
    if error.get("code"):
        facts.append(f"Descope code {error.get('code')}")
    if error.get("method") and error.get("path"):
        facts.append(f"{error.get('method')} {error.get('path')}")
    message = error.get("message") or error.get("description")
    head = f"descope.mgmt: {what} failed" + (f" ({', '.join(facts)})" if facts else "") + (f": {message}" if message else "")
    if len(failed_ops) > 1:
        head += f" [{len(failed_ops)} operations failed: {', '.join(str(o.get('target_id')) for o in failed_ops[:10])}]"
    steps = _hints.suggestions(error, context)
    return [head] + [f"  {n}. {step}" for n, step in enumerate(steps, start=1)]


class CallbackModule(CallbackBase):  # type: ignore[misc]  # ansible is untyped
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "notification"
    CALLBACK_NAME = "descope.mgmt.descope_audit"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().__init__(*args, **kwargs)
        self.run_id = str(uuid.uuid4())
        self.playbook: str | None = None
        self.play: str | None = None
        self.awx_job_id: str | None = os.environ.get("JOB_ID") or None
        self.awx_user: str | None = os.environ.get("AWX_USER_NAME") or None
        try:
            self.user: str | None = getpass.getuser()
        except Exception:  # pylint: disable=broad-except  # no passwd entry in some containers
            self.user = os.environ.get("USER")
        self.dir = _audit.default_dir(os.environ)
        self.required = False
        self.show_suggestions = True
        self.progress = True
        self.write_failed: str | None = None
        self.key: str | None = None
        self.sink: sink.Sink | None = None
        self.journal: tuple[str, int] | None = None
        self.records_written = 0
        self._starts: dict[tuple[str, str], float] = {}
        self._lock = threading.Lock()
        self._now = _audit.utc_now  # replaceable in tests

    # ------------------------------------------------------------------ options

    def set_options(self, task_keys: t.Any = None, var_options: t.Any = None, direct: t.Any = None) -> None:
        super().set_options(task_keys=task_keys, var_options=var_options, direct=direct)
        configured = self.get_option("dir")
        self.dir = os.path.expanduser(str(configured)) if configured else _audit.default_dir(os.environ)
        self.required = bool(self.get_option("required"))
        self.show_suggestions = bool(self.get_option("show_suggestions"))
        self.progress = bool(self.get_option("progress"))
        try:
            self.key = chain.check_key(self.get_option("key"))
        except chain.KeyError_ as exc:
            self.key = None
            self._write_failure(_audit.AuditWriteError(str(exc)), raise_error=False)
        url = self.get_option("url")
        if url:
            try:
                self.sink = sink.Sink(str(url), self.get_option("token") or None, str(self.get_option("format") or "jsonl"), spool_dir=self.dir)
            except sink.SinkError as exc:
                self._write_failure(_audit.AuditWriteError(str(exc)), raise_error=False)
        if self.required:
            self._preflight()
        self._warn_if_not_kept(configured)

    def _warn_if_not_kept(self, configured: t.Any) -> None:
        """An AWX/AAP job whose only copy of the trail is in its artifacts: AWX deletes them with the job."""
        if configured or self.sink is not None or not os.environ.get(AWX_DATA_DIR_ENV):
            return
        self._display.warning(
            "descope.mgmt.descope_audit: this AWX/AAP job writes its audit trail only to the job's artifacts "
            f"({self.dir}), which AWX deletes with the job: attach the 'Descope audit trail' credential (a collector) "
            "or set DESCOPE_AUDIT_DIR to a path exposed to jobs (docs/awx-aap.md, 'Where the trail goes')"
        )

    def _preflight(self) -> None:
        """With required=true, prove the trail is writable before the first task runs."""
        path = _audit.file_for(self.dir, self._now())
        try:
            _audit.ensure_dir(self.dir)
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            os.close(fd)
        except OSError as exc:
            self._write_failure(_audit.AuditWriteError(_audit.write_failure(path, exc)), raise_error=False)

    # ------------------------------------------------------------------ playbook context

    def v2_playbook_on_start(self, playbook: t.Any) -> None:
        name = getattr(playbook, "_file_name", None)
        self.playbook = str(name) if name else None
        os.environ[ACTIVE_ENV] = self.run_id
        self._open_journal()

    def _open_journal(self) -> None:
        """Reconcile journals of runs that died, then open this run's (workers inherit its path and lock)."""
        try:
            recovered = journal.reconcile_abandoned(self.dir, self.key)
            if recovered:
                self._display.warning(f"descope.mgmt.descope_audit: added {len(recovered)} operation(s) of interrupted run(s) to the trail (interrupted=true)")
                self._ship(recovered)
            header = {"playbook": self.playbook, "user": self.user, "awx_job_id": self.awx_job_id, "awx_user": self.awx_user}
            self.journal = journal.open_run(self.dir, self.run_id, header)
            os.environ[journal.ENV_JOURNAL] = self.journal[0]
            if self.required:  # the engine sends no write it could not journal first
                os.environ[journal.ENV_REQUIRED] = "1"
            else:
                os.environ.pop(journal.ENV_REQUIRED, None)
        except OSError as exc:
            self._write_failure(_audit.AuditWriteError(_audit.write_failure(journal.journal_path(self.dir, self.run_id), exc)), raise_error=False)
        except (_audit.AuditWriteError, sink.SinkError) as exc:
            self._write_failure(_audit.AuditWriteError(str(exc)), raise_error=False)

    def v2_playbook_on_play_start(self, play: t.Any) -> None:
        try:
            self.play = str(play.get_name()).strip() or None
        except Exception:  # pylint: disable=broad-except
            self.play = None
        manager = getattr(play, "_variable_manager", None)
        extra = getattr(manager, "extra_vars", None) if manager is not None else None
        if isinstance(extra, t.Mapping):
            self.awx_job_id = str(extra.get("awx_job_id") or extra.get("tower_job_id") or self.awx_job_id or "") or None
            self.awx_user = str(extra.get("awx_user_name") or extra.get("tower_user_name") or self.awx_user or "") or None

    def v2_runner_on_start(self, host: t.Any, task: t.Any) -> None:
        self._starts[(str(getattr(host, "name", host)), str(getattr(task, "_uuid", "")))] = time.monotonic()

    # ------------------------------------------------------------------ results

    def v2_runner_on_ok(self, result: t.Any) -> None:
        self._event("ok", result, item=False)

    def v2_runner_on_failed(self, result: t.Any, ignore_errors: bool = False) -> None:
        self._event("failed", result, item=False)

    def v2_runner_on_unreachable(self, result: t.Any) -> None:
        self._event("unreachable", result, item=False)

    def v2_runner_item_on_ok(self, result: t.Any) -> None:
        self._event("ok", result, item=True)

    def v2_runner_item_on_failed(self, result: t.Any) -> None:
        self._event("failed", result, item=True)

    def _event(self, status: str, result_obj: t.Any, item: bool) -> None:
        task = _get(result_obj, "task", "_task")
        host = _get(result_obj, "host", "_host")
        data = _get(result_obj, "result", "_result")
        host_name = str(host.get_name() if hasattr(host, "get_name") else getattr(host, "name", host))
        self.handle(status, host_name, task, dict(data) if isinstance(data, t.Mapping) else {}, item=item)

    def handle(self, status: str, host: str, task: t.Any, result: dict[str, t.Any], item: bool = False) -> None:
        """Record, report and show progress for one task result or loop item (plain data in)."""
        module = collection_module(task_action(task), result)
        if module is None:
            return
        if not item and isinstance(result.get("results"), list):
            return  # a loop's summary: every item was already handled by v2_runner_item_on_*
        if not item and result.get("censored") and (getattr(task, "loop", None) is not None or getattr(task, "loop_with", None)):
            return  # the same, censored whole by ansible-core 2.16 (2.19 keeps its 'results' list)
        failed = status in ("failed", "unreachable")
        hidden = is_hidden(result, getattr(task, "no_log", None))
        task_name = ""
        try:
            task_name = str(task.get_name())
        except Exception:  # pylint: disable=broad-except
            task_name = str(getattr(task, "name", "") or "")
        uuid_ = str(getattr(task, "_uuid", "") or "")
        secrets = self._secrets(task)
        # a role's plan before its apply writes nothing and the apply records every change: a plan line in a
        # real run would read as a second, planned-only copy of each change (a failed plan is still recorded)
        plan_only = self._plan_step(task) and not failed
        if module not in NOT_RECORDED and not plan_only:
            started = self._starts.get((host, uuid_))
            meta = {
                "run_id": self.run_id,
                "playbook": self.playbook,
                "play": self.play,
                "task": task_name,
                "task_uuid": uuid_ or None,
                "module": module,
                "host": host,
                "user": self.user,
                "awx_job_id": self.awx_job_id,
                "awx_user": self.awx_user,
                "check_mode": getattr(task, "check_mode", None) is True,
            }
            if status == "unreachable" and not hidden:
                result = {"descope_audit": {"error": {"kind": "unreachable", "message": "host unreachable"}}}
            records = _audit.build_records(
                meta,
                result.get("descope_audit"),
                failed,
                secrets,
                hidden=hidden,
                changed=bool(result.get("changed")),
                duration_ms=int((time.monotonic() - started) * 1000) if started is not None else None,
                now=self._now(),
                error=result.get("error"),
            )
            self._write(records)
        if hidden:
            if failed and self.show_suggestions:
                self._show([f"descope.mgmt: {module} on {host}, task '{task_name}' failed (details hidden by no_log)"], secrets, warn=True)
            return
        if self.progress:
            self._show(progress_lines(module, host, result, verbose=self._display.verbosity >= 1, plan_step=self._plan_step(task)), secrets)
        if failed and self.show_suggestions and (self._display.verbosity >= 1 or not said_once(result)):
            self._show(failure_report(module, host, task_name, result), secrets, warn=True)

    # ------------------------------------------------------------------ output

    @staticmethod
    def _plan_step(task: t.Any) -> bool:
        """A task forced into check mode in a run that is not --check (a role's plan before its apply).

        A play in check mode (descope.mgmt.drift) is a dry run, not a plan: its tasks are reported and recorded
        like those of a --check run.
        """
        if getattr(task, "check_mode", None) is not True:
            return False
        try:
            from ansible import context  # pylint: disable=import-outside-toplevel

            if context.CLIARGS.get("check"):
                return False
        except Exception:  # pylint: disable=broad-except
            return False
        return getattr(_play_of(task), "check_mode", None) is not True

    def _secrets(self, task: t.Any) -> list[str]:
        # the task's literal key (never recorded) is also scrubbed, in case a module echoed it somewhere
        args = getattr(task, "args", None)
        extra = []
        if isinstance(args, t.Mapping):
            value = args.get("management_key")
            if isinstance(value, str) and "{{" not in value:
                extra.append(value)
        return _audit.secret_values(os.environ, extra)

    def _show(self, lines: list[str], secrets: t.Sequence[str], warn: bool = False) -> None:
        if not lines:
            return
        text = _audit.scrub_text("\n".join(lines), secrets)
        if warn:
            self._display.display(text, color=C.COLOR_WARN)  # one job event in AWX, in the warning colour
        else:
            self._display.display(text)

    def _write(self, records: list[dict[str, t.Any]]) -> None:
        if not records:
            return
        with self._lock:
            try:
                sealed = _audit.append(_audit.file_for(self.dir, self._now()), records, key=self.key, run_id=self.run_id)
                self.records_written += len(records)
                self._ship(sealed)
            except sink.SinkError as exc:
                # the line is on file already: raising here would make ansible-core report the task again
                self._write_failure(exc, raise_error=False)
            except _audit.AuditWriteError as exc:
                self._write_failure(exc, raise_error=True)
            except Exception as exc:  # pylint: disable=broad-except  # the audit must never break the run by surprise
                self._write_failure(_audit.AuditWriteError(f"cannot write the Descope audit trail in {self.dir}: {exc}"), raise_error=True)

    def _ship(self, sealed: list[dict[str, t.Any]]) -> None:
        if self.sink is not None and sealed:
            self.sink.send([chain.serialise(r) for r in sealed])

    def _write_failure(self, exc: Exception, raise_error: bool) -> None:
        first = self.write_failed is None
        self.write_failed = str(exc)
        if not self.required:
            if first:
                self._display.warning(
                    f"descope.mgmt.descope_audit: {exc}. The play continues without an audit trail for this run "
                    f"(set DESCOPE_AUDIT_REQUIRED=true to stop changes instead)."
                )
            return
        os.environ[BLOCK_ENV] = str(exc)
        if first:
            self._display.error(
                f"descope.mgmt.descope_audit: {exc}. The audit is required (DESCOPE_AUDIT_REQUIRED): "
                "every further descope.mgmt task that could change something will fail."
            )
        if raise_error:
            raise AnsibleError(f"descope.mgmt.descope_audit: {exc}")

    def v2_playbook_on_stats(self, stats: t.Any) -> None:
        if self.journal is not None:
            path, fd = self.journal
            self.journal = None
            os.environ.pop(journal.ENV_JOURNAL, None)
            os.environ.pop(journal.ENV_REQUIRED, None)
            with self._lock:
                try:
                    missing = journal.close_run(self.dir, path, fd, self.key)
                    if missing:
                        self._display.warning(
                            f"descope.mgmt.descope_audit: {len(missing)} operation(s) were sent but never reported by their task; recorded as interrupted"
                        )
                        self._ship(missing)
                except (OSError, _audit.AuditWriteError, sink.SinkError) as exc:
                    self._write_failure(_audit.AuditWriteError(str(exc)), raise_error=False)
        if self.write_failed and self.required:
            self._display.error(f"descope.mgmt.descope_audit: the audit trail for run {self.run_id} is incomplete: {self.write_failed}")
