# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Controller-side execution for descope.mgmt modules (FOR INTERNAL COLLECTION USE ONLY).

A plain module pays ~0.3 s per loop item (AnsiballZ packaging, a new interpreter, a new TLS
connection). Every descope.mgmt module talks only to the Descope API, so when the task runs on the
controller anyway (``connection: local`` or ``delegate_to: localhost``) the action plugin validates the
arguments against the module's own argument spec and runs the same ``run_task`` in this process,
reusing one HTTP client for the whole loop. For any other connection, or with
``DESCOPE_MGMT_IN_PROCESS=false``, it executes the module the normal way.
"""

from __future__ import annotations

import difflib
import os
import re
import typing as t

from ansible.errors import AnsibleActionFail, AnsibleError
from ansible.module_utils.basic import missing_required_lib
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.common.parameters import remove_values
from ansible.module_utils.errors import UnsupportedError
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase

from ansible_collections.descope.mgmt.plugins.module_utils._pipeline import _lifeline, censor_secrets, run_task
from ansible_collections.descope.mgmt.plugins.module_utils._pipeline._types import identifier_problems
from ansible_collections.descope.mgmt.plugins.module_utils._spec import ResourceSpec
from ansible_collections.descope.mgmt.plugins.module_utils._text import user_terms

IN_PROCESS_ENV = "DESCOPE_MGMT_IN_PROCESS"
AUDIT_BLOCKED_ENV = "_DESCOPE_AUDIT_BLOCKED"
# every module documents this refusal under attributes.async (docs/architecture.md, "Module vs action plugin")
ASYNC_REFUSED = (
    "descope.mgmt.{module} does not support async: remove async and poll from the task. "
    "It runs on the controller and already sends its writes concurrently (see the concurrency option). Nothing was changed."
)


def async_refusal(spec: ResourceSpec) -> str:
    """The refusal for this module: the concurrency option is named only where the module has one (roles batch their writes)."""
    if spec.rules.concurrency:
        return ASYNC_REFUSED.format(module=spec.module)
    how = " and already batches its writes" if spec.writes else ""
    return f"descope.mgmt.{spec.module} does not support async: remove async and poll from the task. It runs on the controller{how}. Nothing was changed."


def validate_args(spec: ResourceSpec, args: t.Mapping[str, t.Any]) -> tuple[dict[str, t.Any], set[str]]:
    """The task arguments validated exactly as AnsibleModule would (types, defaults, mutually_exclusive, required_if...).

    Returns the validated parameters and the values of ``no_log`` options (to scrub from the result, as
    ``exit_json`` does on the module path). Raises ``AnsibleActionFail`` with Ansible's own message.
    """
    kwargs = {k: v for k, v in spec.module_kwargs.items() if k != "supports_check_mode"}
    validator = ArgumentSpecValidator(spec.argument_spec, **kwargs)
    # The validator deep-copies every parameter; a list of free-form mappings (descope_tenant's 10,000 tenants, each value
    # tagged by ansible-core) cost seconds of it. It never looks inside such a mapping (type dict, no 'options': a mapping
    # element passes as it is), so it is given {} in its place and the item itself is kept; the items are checked by the spec.
    opaque = {
        name: value
        for name, value in args.items()
        if isinstance(value, list) and (spec.argument_spec.get(name) or {}).get("elements") == "dict" and "options" not in spec.argument_spec[name]
    }
    outcome = validator.validate({**args, **{name: [{} if isinstance(e, dict) else e for e in value] for name, value in opaque.items()}})
    try:
        error = outcome.errors[0]
    except IndexError:
        error = None
    if error is not None:
        msg = user_terms(outcome.errors.msg)  # "got _AnsibleTaggedInt (123)" -> "got integer (123)"
        if isinstance(error, UnsupportedError):
            msg = f"Unsupported parameters for ({spec.module}) module: {msg}"
        raise AnsibleActionFail(msg)
    params = dict(args)
    params.update(outcome.validated_parameters)
    for name, value in opaque.items():
        checked = params[name]  # the same length: one validated element per item
        params[name] = [item if isinstance(item, dict) else checked[index] for index, item in enumerate(value)]
    return params, set(outcome._no_log_values)  # pylint: disable=protected-access  # what AnsibleModule scrubs


def unknown_options(spec: ResourceSpec, args: t.Mapping[str, t.Any]) -> str | None:
    """A misspelled option, named with the closest valid ones (difflib), or None when all are known."""
    known = set(spec.argument_spec)
    for option in spec.argument_spec.values():
        known.update(option.get("aliases") or ())
    unknown = sorted(str(k) for k in args if str(k) not in known and not str(k).startswith("_ansible"))
    if not unknown:
        return None
    parts = []
    for name in unknown:
        close = difflib.get_close_matches(name, sorted(known), n=2, cutoff=0.6)
        parts.append(f"'{name}'" + (f" (did you mean {' or '.join(repr(c) for c in close)}?)" if close else ""))
    return (
        f"descope.mgmt.{spec.module} has no option {', '.join(parts)}. Nothing was run. "
        f"Next steps: 1) Correct the option name on the task (or in module_defaults). 2) List the options with: ansible-doc descope.mgmt.{spec.module}."
    )


_VARIABLE = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)")


def value_origins(raw_task_args: t.Mapping[str, t.Any] | None, args: t.Mapping[str, t.Any]) -> dict[str, str]:
    """Where each connection option came from: the task itself, module_defaults, or a variable templated into either."""
    origins: dict[str, str] = {}
    raw = raw_task_args or {}
    for option in ("project_id", "management_key", "base_url"):
        if args.get(option) is None:
            continue
        written = raw.get(option)
        place = f"task argument '{option}'" if option in raw else f"module_defaults ('{option}')"
        found = _VARIABLE.search(written) if isinstance(written, str) else None
        origins[option] = f"{place}, from the variable '{found.group(1)}' (host or group variables, vars or extra vars)" if found else place
    return origins


def raw_args(task: t.Any) -> dict[str, t.Any] | None:
    """The task's arguments as written, before module_defaults and templating (None when unknown)."""
    ds = getattr(task, "_ds", None)
    if not isinstance(ds, t.Mapping):
        return None
    for key, value in ds.items():
        if key == "args" and isinstance(value, t.Mapping):
            return dict(value)
        if isinstance(key, str) and key.rsplit(".", 1)[-1].startswith("descope_") and isinstance(value, t.Mapping):
            return dict(value)
    return {}


def scrub(result: dict[str, t.Any], no_log_values: set[str]) -> dict[str, t.Any]:
    """Remove no_log values from a result, as ``AnsibleModule.exit_json``/``fail_json`` do."""
    if not no_log_values:
        return result
    return t.cast(dict[str, t.Any], remove_values(result, no_log_values))


# --- audit callback check (issue 13, owned by the audit engineer): set by the descope_audit callback while enabled
AUDIT_ACTIVE_ENV = "_DESCOPE_AUDIT_ACTIVE"
AUDIT_MISSING = (
    "descope.mgmt: the descope.mgmt.descope_audit callback is not enabled, so this run leaves no audit trail and prints "
    "no recovery suggestions. Add this line under [defaults] in ansible.cfg: callbacks_enabled = descope.mgmt.descope_audit "
    "(or set ANSIBLE_CALLBACKS_ENABLED=descope.mgmt.descope_audit)"
)


def warn_if_audit_off(task: t.Any) -> None:
    """Warn once per play (workers are forked per task: a marker file in the run's local temp dir remembers)."""
    if os.environ.get(AUDIT_ACTIVE_ENV):
        return
    try:
        from ansible import constants as C  # pylint: disable=import-outside-toplevel
        from ansible.utils.display import Display  # pylint: disable=import-outside-toplevel

        parent, play = task, None
        while parent is not None and play is None:
            play = getattr(parent, "_play", None)
            parent = getattr(parent, "_parent", None)
        marker = os.path.join(str(C.DEFAULT_LOCAL_TMP), f"descope-audit-off-{getattr(play, '_uuid', 'play')}")
        os.close(os.open(marker, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        return
    except Exception:  # noqa: BLE001  # pylint: disable=broad-except  # a warning must never fail the task
        pass
    Display().warning(AUDIT_MISSING)


# --- end of the audit callback check


def live_progress() -> t.Callable[[str], None] | None:
    """Print progress lines as they happen: in a forked worker (ansible-core >= 2.14) Display proxies them to the controller."""
    try:
        from ansible.utils.display import Display  # pylint: disable=import-outside-toplevel

        display = Display()
    except Exception:  # noqa: BLE001  # pylint: disable=broad-except  # no display: no live progress
        return None

    def emit(line: str) -> None:
        display.display(line)

    return emit


def controller_pid() -> int | None:
    """The controller's pid when this runs in a worker it forked (ansible-core's WorkerProcess), else None."""
    import multiprocessing  # pylint: disable=import-outside-toplevel

    parent = multiprocessing.parent_process()
    return parent.pid if parent is not None else None


class DescopeActionBase(ActionBase):  # type: ignore[misc]  # ansible is untyped
    """Subclasses set ``SPEC`` (the module's ``ResourceSpec``, imported directly).

    ``PATH_OPTIONS`` names options holding local file or directory paths: relative values are looked up
    the way ``copy``/``template`` find ``src`` (the role's ``files/``, then the playbook's), and left as
    they are (relative to the current directory) when nothing is found there.
    """

    TRANSFERS_FILES = False
    SPEC: ResourceSpec
    PATH_OPTIONS: tuple[str, ...] = ()

    def _resolve_paths(self, args: dict[str, t.Any]) -> dict[str, t.Any]:
        """Hook: return ``args`` with the ``PATH_OPTIONS`` resolved; subclasses may extend it."""
        resolved = dict(args)
        for name in self.PATH_OPTIONS:
            value = resolved.get(name)
            if isinstance(value, str) and value and not os.path.isabs(value):
                try:  # noqa: SIM105
                    resolved[name] = self._find_needle("files", value)
                except AnsibleError:
                    pass  # not in files/: the module reads it relative to the current directory
        return resolved

    def _in_process(self) -> bool:
        if not boolean(os.environ.get(IN_PROCESS_ENV, "true"), strict=False):
            return False
        name = str(getattr(self._connection, "_load_name", "") or getattr(self._connection, "transport", ""))
        return name in ("local", "ansible.builtin.local")

    def _environ(self) -> dict[str, str]:
        """The controller environment overlaid with the task's ``environment:`` keyword."""
        env = dict(os.environ)
        raw: dict[str, t.Any] = {}
        try:
            self._compute_environment_string(raw)
        except Exception:  # noqa: BLE001  # pylint: disable=broad-except  # a bad environment keyword fails the module path too
            raw = {}
        env.update({str(k): str(v) for k, v in raw.items()})
        return env

    def _censor(self, result: dict[str, t.Any]) -> dict[str, t.Any]:
        """A result holding a one-time secret: ``register:`` gets it, no callback, junit or job event does.

        ``_ansible_no_log`` censors the result itself; the task's own no_log is set as well because ansible-core
        2.16 censors a loop's summary (which repeats every item) only by the task's no_log, sent back with it.
        """
        censor_secrets(self.SPEC, result)
        if result.get("_ansible_no_log") is True:
            self._task.no_log = True
        return result

    def run(self, tmp: t.Any = None, task_vars: dict[str, t.Any] | None = None) -> dict[str, t.Any]:
        spec = self.SPEC
        if self._task.async_val:
            # refused on both paths, before anything runs (ActionBase's generic refusal names no fix)
            raise AnsibleActionFail(async_refusal(spec))
        result: dict[str, t.Any] = super().run(tmp, task_vars)
        del tmp
        # set by the descope_audit callback (required=true) in the controller when the trail cannot be written
        blocked = os.environ.get(AUDIT_BLOCKED_ENV)
        warn_if_audit_off(self._task)  # audit callback check (issue 13)
        if blocked and spec.writes:
            raise AnsibleActionFail(f"Not run: the Descope audit trail is required but cannot be written ({blocked}). Nothing was changed.")
        misspelled = unknown_options(spec, self._task.args)
        if misspelled:  # both paths: before the module is shipped, so the message is ours, not AnsibleModule's
            raise AnsibleActionFail(misspelled)
        # names and ids as written, before either path turns `no` into "False": refused the same on both (0 requests)
        misread = identifier_problems(spec.argument_spec, self._task.args)
        if not self._in_process() and not misread:
            # the worker ends itself once the controller is gone; the module it started then sees its pipe close,
            # and on this host (the worker's environment reaches a local module only) asks about the controller too
            controller = controller_pid()
            _lifeline.watch(controller)
            if controller is not None:
                os.environ[_lifeline.CONTROLLER_ENV] = str(controller)  # this worker's own environment, gone with it
            module_args = self._resolve_paths(dict(self._task.args))
            result.update(self._execute_module(module_name=f"descope.mgmt.{spec.module}", module_args=module_args, task_vars=task_vars))
            return self._censor(result)  # set here: ansible-core drops the _ansible_ keys a module returns

        for lib, available, _trace in spec.libraries:
            if not available:
                raise AnsibleActionFail(missing_required_lib(lib) + " (the module runs on the Ansible controller)")
        args, no_log_values = validate_args(spec, self._task.args)
        args = self._resolve_paths(args)

        # a forked worker stops sending writes, and ends itself, once the controller that forked it is gone
        _lifeline.watch(controller_pid())
        warnings: list[str] = []
        out = run_task(
            spec,
            args,
            check_mode=bool(self._task.check_mode),
            diff=bool(self._task.diff),
            environ=self._environ(),
            warn=warnings.append,
            in_process=True,
            progress=live_progress(),
            origins=value_origins(raw_args(self._task), args),
            misread=misread,
        )
        if warnings:
            out["warnings"] = warnings
        out = scrub(out, no_log_values)
        result.setdefault("warnings", []).extend(out.pop("warnings", []))
        if not result["warnings"]:
            del result["warnings"]
        result.update(out)
        result.setdefault("changed", False)
        return self._censor(result)
