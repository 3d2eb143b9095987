# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Recovery-suggestion catalogue (FOR INTERNAL COLLECTION USE ONLY).

One catalogue serves two readers: modules append ``one_line()`` to their failure message, and the
``descope.mgmt.descope_audit`` callback prints ``suggestions()`` in full. Both take the plain
``error`` dict from a task result (see _errors.py), never an exception, so the callback can use them
on results that crossed a process boundary.
"""

from __future__ import annotations

import re
import typing as t

_CREDENTIALS_HOW = (
    "Set the credentials through the environment (DESCOPE_PROJECT_ID, DESCOPE_MANAGEMENT_KEY), through "
    "module_defaults for group/descope.mgmt.descope with the key in Ansible Vault, or in AWX/AAP through the "
    "'Descope Management API' credential type shipped in awx/credential_type.yml."
)


def _category(error: t.Mapping[str, t.Any]) -> str:
    kind = error.get("kind")
    status = error.get("status")
    if error.get("outcome_unknown"):
        return "unknown_outcome"
    if kind in ("config", "validation", "file", "network"):
        return str(kind)
    if status in (401, 403):
        return "auth"
    if status == 429 or error.get("code") == "E130429":
        return "rate_limit"
    if error.get("not_found") or status == 404:
        return "not_found"
    text = " ".join(str(error.get(k) or "") for k in ("description", "message")).lower()
    if status == 400 and ("already exist" in text or "duplicate" in text or "in use" in text or "taken" in text):
        return "duplicate"
    if status == 400 and error.get("code") in ("E011001", "E011002", "E011003", "E011004"):
        return "bad_request"
    if isinstance(status, int) and status >= 500:
        return "server"
    if isinstance(status, int) and 200 <= status < 300:
        return "unreadable"  # a 2xx whose body is empty or not JSON, still so after the retries
    return "other"


_ONE_LINE: dict[str, str] = {
    "auth": "check that DESCOPE_PROJECT_ID and DESCOPE_MANAGEMENT_KEY belong together and the key is active and "
    "allowed for this project",
    "rate_limit": "Descope rate-limited the run; raise 'retries'/'retry_max_wait' or lower 'concurrency' and forks",
    "not_found": "the id does not exist in this project; list what exists with the matching descope.mgmt *_info module",
    "duplicate": "an object with that id, name or domain already exists; adopt it with the *_info module or choose "
    "another value",
    "bad_request": "Descope rejected the request body; check the field named in the message against the module "
    "documentation",
    "server": "Descope returned a server error after retries; re-run later (the modules are idempotent) or raise "
    "'retries'",
    "network": "could not reach the Descope API; check 'base_url' / DESCOPE_BASE_URL, proxies, DNS and "
    "'validate_certs'",
    "config": "set the missing option on the task, in module_defaults (group/descope.mgmt.descope) or in the "
    "environment",
    "validation": "fix each listed item and field; nothing was written",
    "file": "check the path, its permissions and that it holds what the module expects",
    "unknown_outcome": "the write was sent but its answer was lost, so it may have been applied; re-run the play (the "
    "modules are idempotent and converge)",
    "unreadable": "Descope (or a proxy in front of it) answered with an empty or non-JSON body; re-run later and "
    "check base_url and proxy settings",
}


def one_line(error: t.Mapping[str, t.Any]) -> str:
    """A single sentence to append to a module's failure message ('' when there is nothing useful)."""
    if error.get("kind") == "config" and not error.get("missing"):
        return ""  # a malformed setting: the message itself names the option and the fix
    return _ONE_LINE.get(_category(error), "")


def suggestions(error: t.Mapping[str, t.Any], context: t.Mapping[str, t.Any] | None = None) -> list[str]:
    """Concrete recovery steps for a failed task, most likely fix first."""
    ctx = dict(context or {})
    cat = _category(error)
    status = error.get("status")
    target = ctx.get("target_id")
    module = str(ctx.get("module") or "")
    resource = "flow" if "flow" in module else "tenant"
    steps: list[str] = []
    if cat == "auth":
        steps += [
            f"HTTP {status}: Descope did not accept the management key for project '{ctx.get('project_id') or '?'}'.",
            "Check the key is not expired or deleted (Descope console > Company > Management Keys).",
            "Check the key is not limited to other projects, and that the project id (starts with 'P') and the key "
            "(starts with 'K') are not swapped.",
            _CREDENTIALS_HOW,
        ]
    elif cat == "rate_limit":
        wait = error.get("retry_after")
        shown = f"{wait:g}" if isinstance(wait, (int, float)) else "a while"  # 7.0 -> "7"
        steps += [
            f"Descope answered 429 (E130429) and asked to wait {shown} second(s); the retries ran out.",
            "Lower the parallelism: the module option 'concurrency' for set-mode tasks, and 'forks' / 'serial' "
            "across projects.",
            "Raise 'retries' and 'retry_max_wait' so the client keeps honouring Retry-After for longer.",
        ]
    elif cat == "not_found":
        what = f"'{target}'" if target else "the requested id"
        steps += [
            f"{what} does not exist in this project (Descope answered {status} not found).",
            f"List what exists: descope.mgmt.descope_{resource}_info (or 'ansible-playbook descope.mgmt.drift' for "
            "the whole project).",
            "If it should exist, check that the task targets the right project (project_id / DESCOPE_PROJECT_ID).",
        ]
    elif cat == "duplicate":
        steps += [
            "An object with the same id, name or self-provisioning domain already exists.",
            "Adopt it instead: read it with descope.mgmt.descope_tenant_info and declare it with the same id.",
            "Or change the conflicting value; domains may be shared only with allow_duplicate_domains=true.",
        ]
    elif cat == "bad_request":
        steps += [
            f"Descope rejected the request ({error.get('code')}): "
            f"{error.get('message') or error.get('description') or 'no detail'}.",
            "Compare the task's fields with 'ansible-doc descope.mgmt.<module>'; run with --check --diff to see what "
            "would be sent.",
        ]
    elif cat == "server":
        steps += [
            f"Descope returned HTTP {status} after the configured retries.",
            "Re-run the play: every module is idempotent, so only what is still missing will be written.",
            "Raise 'retries' for flaky periods; check https://status.descope.com for incidents.",
        ]
    elif cat == "unknown_outcome":
        what = f"'{target}'" if target else "the object"
        steps += [
            f"{error.get('method')} {error.get('path')} was sent but no usable answer came back "
            f"({error.get('message') or 'connection lost'}); the change to {what} may or may not have been applied, "
            "so it was not repeated automatically.",
            "Re-run the play: every module compares with what exists first, so it writes only what is still missing.",
            "If answers time out repeatedly, raise 'timeout'; check proxies or load balancers that cut long requests.",
        ]
    elif cat == "unreadable":
        steps += [
            f"{error.get('method')} {error.get('path')} answered HTTP {status} with "
            f"{error.get('description') or 'an unreadable body'}, even after the retries; nothing was written on the "
            "strength of it.",
            "Re-run later: every module is idempotent.",
            "Check that 'base_url' (DESCOPE_BASE_URL) points at the Descope API and that no proxy (HTTPS_PROXY) "
            "rewrites the answers.",
        ]
    elif cat == "network":
        steps += [
            f"No answer from the Descope API: {error.get('message') or 'connection failed'}.",
            "Check 'base_url' (DESCOPE_BASE_URL), DNS, proxy variables (HTTPS_PROXY) and firewalls from the "
            "controller.",
            "For a private CA set REQUESTS_CA_BUNDLE; use validate_certs=false only for testing.",
        ]
    elif cat == "config":
        if not error.get("missing"):
            steps.append(str(error.get("message") or "Invalid Descope connection settings."))
        for item in error.get("missing") or []:
            steps.append(f"Set option '{item.get('option')}' or environment variable {item.get('env')}.")
        steps.append(_CREDENTIALS_HOW)
    elif cat == "validation":
        for problem in ctx.get("validation_errors") or []:
            where = ", ".join(
                x
                for x in (
                    problem.get("source"),
                    f"item {problem['index']}" if problem.get("index") is not None else None,
                    f"id '{problem['id']}'" if problem.get("id") else None,
                )
                if x
            )
            steps.append(
                f"{where + ': ' if where else ''}{problem.get('field')}: {problem.get('message')} Fix: "
                f"{problem.get('fix')}"
            )
        steps.append("Nothing was written; fix the items above and run again (use --check --diff to preview).")
    elif cat == "file":
        steps.append(f"{error.get('message')}")
    else:
        steps.append(str(error.get("message") or "Unexpected error; re-run with -vvv for details."))
    return steps


# --- the failed task's message: the problem once, in the user's terms, then numbered next steps

_QUOTED = re.compile(r"'([^'\s]{1,255})'|\"([^\"\s]{1,255})\"")
_ENV = {"project_id": "DESCOPE_PROJECT_ID", "management_key": "DESCOPE_MANAGEMENT_KEY", "base_url": "DESCOPE_BASE_URL"}


def sentence(text: t.Any) -> str:
    """``text`` as one sentence: stripped, ending in exactly one full stop (never cut short)."""
    value = " ".join(str(text or "").split())
    if not value:
        return ""
    return value if value[-1] in ".!?" else value + "."


def _from(option: str, context: t.Mapping[str, t.Any]) -> str:
    sources = context.get("sources") or {}
    return str(sources.get(option) or f"option '{option}' or environment variable {_ENV.get(option, option.upper())}")


def _steps(lines: t.Sequence[str]) -> str:
    return " ".join(f"{n}) {sentence(line)}" for n, line in enumerate(lines, start=1))


def _quoted_ids(text: str) -> set[str]:
    """The ids an API message quotes ('e1' or "e1"): Descope's texts are unpublished, so only quoting is trusted."""
    return {a or b for a, b in _QUOTED.findall(text)}


def headline(error: t.Mapping[str, t.Any], context: t.Mapping[str, t.Any]) -> str:
    """The problem, once, without the HTTP plumbing (that stays in the result's ``error`` key)."""
    cat = _category(error)
    status = error.get("status")
    pid = context.get("project_id")
    target = context.get("target_id") or error.get("target_id")
    project = f" for project '{pid}'" if pid else ""
    if cat == "auth":
        return f"Descope refused the management key{project} (HTTP {status})."
    if cat == "rate_limit":
        wait = error.get("retry_after")
        asked = f", last asked to wait {wait:g} s" if isinstance(wait, (int, float)) else ""
        return f"Descope kept rate-limiting the requests (HTTP 429{asked}) until the retries ran out."
    if cat == "not_found":
        said = str(error.get("message") or "")
        named = _quoted_ids(said)
        if target and named and target not in named:
            # the API named what is missing, and it is not the object written (a parent, a role...): say that
            return f"Descope answered HTTP {status}{project} to the request for '{target}': {sentence(said)}"
        return (
            f"'{target}' does not exist{project} (HTTP {status})."
            if target
            else f"The requested object does not exist{project} (HTTP {status})."
        )
    if cat == "network":
        return f"No answer from the Descope API: {sentence(error.get('message') or 'connection failed')}"
    if cat == "server":
        return (
            f"Descope answered HTTP {status} (a server error) to {error.get('method')} {error.get('path')}, also "
            "after the retries."
        )
    if cat == "validation":
        return f"The task input has {error.get('count') or 'some'} problem(s); nothing was written."
    return sentence(error.get("message") or error.get("description") or "The task failed.")


def next_steps(error: t.Mapping[str, t.Any], context: t.Mapping[str, t.Any]) -> list[str]:
    """Short steps naming where each value really came from (``context['sources']``)."""
    cat = _category(error)
    module = str(context.get("module") or "")
    if cat == "auth":
        return [
            f"Check the management key from {_from('management_key', context)}: it must be active and allowed for "
            "this project (Descope console > Company > Management Keys)",
            f"Check the project id from {_from('project_id', context)}: it must be the project the key belongs to",
        ]
    if cat == "rate_limit":
        return [
            "Lower 'concurrency' on set-mode tasks, and forks or serial across projects",
            "Raise 'retries' and 'retry_max_wait'",
            "Re-run: the modules are idempotent and write only what is still missing",
        ]
    if cat == "not_found":
        resource = module.replace("descope_", "").replace("_info", "") or "tenant"
        return [
            f"List what exists with descope.mgmt.descope_{resource}_info",
            f"Check the project id from {_from('project_id', context)} names the intended project",
        ]
    if cat == "network":
        return [
            f"Check the API address from {_from('base_url', context)}",
            "Check DNS, proxy variables (HTTPS_PROXY) and firewalls on the controller; for a private CA set "
            "REQUESTS_CA_BUNDLE",
        ]
    if cat == "server":
        return [
            "Re-run later: the modules are idempotent",
            "Raise 'retries' for flaky periods; check https://status.descope.com",
        ]
    if cat == "config":
        steps = [
            f"Set option '{m.get('option')}' on the task or in module_defaults, or environment variable {m.get('env')}"
            for m in error.get("missing") or []
        ]
        return (
            [*steps, "In AWX/AAP attach the 'Descope Management API' credential (awx/credential_type.yml)"]
            if steps
            else []
        )
    if cat == "validation":
        steps = []
        for problem in context.get("validation_errors") or []:
            where = ", ".join(
                x
                for x in (
                    problem.get("source"),
                    f"item {problem['index']}" if problem.get("index") is not None else None,
                    f"id '{problem['id']}'" if problem.get("id") else None,
                )
                if x
            )
            steps.append(
                f"{where + ': ' if where else ''}{problem.get('field')}: {sentence(problem.get('message'))} "
                f"{sentence(problem.get('fix'))}"
            )
        return steps
    hint = one_line(error)
    return [hint] if hint else []


def failure_message(error: t.Mapping[str, t.Any], context: t.Mapping[str, t.Any]) -> str:
    """``msg`` of a failed task: the headline, then 'Next steps: 1) ... 2) ...'; details stay in ``error``."""
    steps = next_steps(error, context)
    text = headline(error, context)
    return f"{text} Next steps: {_steps(steps)}" if steps else text
