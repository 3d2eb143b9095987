# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Refuse a secret pasted into a field that is not secret, before any request (FOR INTERNAL COLLECTION USE ONLY).

Masking (``_run._without_secrets``, ``no_log``) only hides a value in what Ansible prints: a management key pasted
into a tenant name would still be sent to Descope and stored there in plain text. So the pipeline refuses, for every
module, a task where a field that is not ``no_log`` holds

- the exact value of a secret given to the task: the management key (task argument or ``DESCOPE_MANAGEMENT_KEY``),
  any ``no_log`` option (SSO ``client_secret``, the backup ``signing_key``...), ``DESCOPE_AUDIT_KEY``,
  ``DESCOPE_AUDIT_TOKEN`` and ``DESCOPE_BACKUP_SIGNING_KEY``: anywhere in the text when the secret has 8 characters
  or more, as the whole value when it is shorter (a short secret inside ordinary text is too likely a coincidence);
- a token shaped like a Descope management key (``KEY_SHAPE``), whoever's key it is.

Task arguments are checked before anything else; the content of local files a spec loads in ``declare`` (flow
files, a backup being restored) right after ``declare``, before ``plan`` sends its first read. Messages name the
field and the fix, never the value (docs/safety.md, "Secrets pasted into other fields").
"""

from __future__ import annotations

import dataclasses
import re
import typing as t
import urllib.parse

from ansible_collections.descope.mgmt.plugins.module_utils._errors import DescopeValidationError, Problem

# The only published rule for a management key is the leading "K" (descope/descopecli shared/client.go refuses a
# DESCOPE_MANAGEMENT_KEY that does not start with "K"); key lengths and alphabets are not published. Keys seen in
# public examples are "K", a digit (like the "P2"/"P3" of project ids), then about 70 letters and digits. The shape
# asks for "K", a digit and 38 or more letters and digits, with upper case, lower case and digits all present, as a
# whole token: not inside a longer word, path, URL, dotted name or base64 run. In a field that holds certificates or
# metadata (a spec's ``certificate_fields``) a token at the start of a line is not one either: a line of a PEM
# certificate or wrapped base64 is letters and digits too. Descope object ids (28 characters, like project ids),
# hex digests (lower case), words and placeholders ("K2xxxx...") never match it.
KEY_SHAPE = re.compile(r"(?<![A-Za-z0-9+/_.-])K[0-9][A-Za-z0-9]{38,}(?![A-Za-z0-9+/_=.-])")
ALLOW_KEY_SHAPED_ENV = "DESCOPE_ALLOW_KEY_SHAPED_VALUES"
ENV_SECRETS = ("DESCOPE_MANAGEMENT_KEY", "DESCOPE_AUDIT_KEY", "DESCOPE_AUDIT_TOKEN", "DESCOPE_BACKUP_SIGNING_KEY")
MIN_CONTAINED_LEN = 8
# connection options checked on their own before any request (_options._check_credentials names swaps and misplaced
# keys)
_SKIPPED_OPTIONS = frozenset({"project_id"})
_TRUE = ("1", "true", "yes", "on", "y")


@dataclasses.dataclass(frozen=True)
class Secret:
    value: str
    where: str  # "the management key (environment variable DESCOPE_MANAGEMENT_KEY)": never the value


def _is_key_shaped(token: str) -> bool:
    body = token[2:]
    return any(c.isupper() for c in body) and any(c.islower() for c in body) and sum(c.isdigit() for c in body) >= 2


def _line_start(text: str, start: int) -> bool:
    """After a line break and indentation only: a line of a PEM/base64 block, indented as in SAML metadata XML."""
    newline = max(text.rfind("\n", 0, start), text.rfind("\r", 0, start))
    return newline >= 0 and not text[newline + 1 : start].strip(" \t")


def key_shaped(text: str, certificate: bool = False) -> list[str]:
    """Every token of ``text`` shaped like a Descope management key (in the text as written, and percent-decoded).

    ``certificate``: the text is a certificate or metadata field, whose lines may start with such a token.
    """
    found: list[str] = []
    for match in KEY_SHAPE.finditer(text):
        if _is_key_shaped(match.group(0)) and not (certificate and _line_start(text, match.start())):
            found.append(match.group(0))
    if "%" in text:  # "?note=x%20K2...": an escape before the key is a separator once decoded
        decoded = urllib.parse.unquote(text)
        if decoded != text:
            found.extend(token for token in key_shaped(decoded, certificate) if token not in found)
    return found


_INDEX = re.compile(r"\[[0-9]+\]")


def field_name(field: str) -> str:
    """A reported field path as an option path: ``saml.idp_additional_certs[2]`` -> ``saml.idp_additional_certs``."""
    return _INDEX.sub("", field)


def _no_log_values(argument_spec: t.Mapping[str, t.Any], params: t.Mapping[str, t.Any], prefix: str) -> list[Secret]:
    found: list[Secret] = []
    for name, option in argument_spec.items():
        value = params.get(name) if isinstance(params, t.Mapping) else None
        if value is None:
            continue
        if option.get("no_log"):
            if isinstance(value, str) and value.strip():
                key = not prefix and name == "management_key"
                where = (
                    "the management key (task argument 'management_key')"
                    if key
                    else f"the value of the secret (no_log) option '{prefix}{name}'"
                )
                found.append(Secret(value.strip(), where))
            continue
        sub = option.get("options")
        if isinstance(sub, t.Mapping):
            items = value if isinstance(value, list) else [value]
            for item in items:
                if isinstance(item, t.Mapping):
                    found.extend(_no_log_values(sub, item, f"{prefix}{name}."))
    return found


def secrets_of(
    argument_spec: t.Mapping[str, t.Any], params: t.Mapping[str, t.Any], environ: t.Mapping[str, str]
) -> list[Secret]:
    """Every secret given to the task, longest first (a longer secret holding a shorter one is reported as itself)."""
    found = _no_log_values(argument_spec, params, "")
    for name in ENV_SECRETS:
        raw = environ.get(name)
        if raw and str(raw).strip():
            what = "the management key" if name == "DESCOPE_MANAGEMENT_KEY" else "the secret"
            found.append(Secret(str(raw).strip(), f"{what} (environment variable {name})"))
    unique: dict[str, Secret] = {}
    for secret in found:
        unique.setdefault(secret.value, secret)
    return sorted(unique.values(), key=lambda s: len(s.value), reverse=True)


def _no_log_names(argument_spec: t.Mapping[str, t.Any]) -> frozenset[str]:
    return frozenset(name for name, option in argument_spec.items() if option.get("no_log"))


class Finder:
    """Looks for the task's secrets and key-shaped tokens in values; collects one Problem per field."""

    def __init__(self, secrets: list[Secret], environ: t.Mapping[str, str], certificates: t.Iterable[str] = ()) -> None:
        self.secrets = secrets
        self.certificates = frozenset(certificates)  # option paths of certificate and metadata fields
        self.shapes = str(environ.get(ALLOW_KEY_SHAPED_ENV, "")).strip().lower() not in _TRUE
        self.problems: list[Problem] = []
        self.found: set[str] = (
            set()
        )  # the values to mask as well (-vvvv invocation): a key-shaped token is no known secret

    def _match(self, text: str) -> Secret | None:
        stripped = text.strip()
        for secret in self.secrets:
            if stripped == secret.value or (len(secret.value) >= MIN_CONTAINED_LEN and secret.value in text):
                return secret
        return None

    def check(self, text: str, field: str, source: str | None = None, is_name: bool = False) -> None:
        """``is_name``: the text is a key of the mapping at ``field`` (an attribute name), reported under the mapping's
        path."""
        holds = "has a name (a key of the mapping) that holds" if is_name else "holds"
        secret = self._match(text)
        if secret is not None:
            self.found.add(secret.value)
            self.problems.append(
                Problem(
                    field,
                    f"{holds} {secret.where}. It would be sent to Descope and stored there in plain text, so nothing "
                    "was sent; the value is not shown.",
                    "Remove the secret from this field (check the variable, template or file it came from); secrets "
                    "belong only in no_log options such as 'management_key'. If it was committed or shared, rotate "
                    "it.",
                    source=source,
                )
            )
            return
        certificate = not is_name and field_name(field) in self.certificates
        shaped = key_shaped(text, certificate) if self.shapes else []
        if shaped:
            self.found.update(shaped)
            self.problems.append(
                Problem(
                    field,
                    f"{holds} a value shaped like a Descope management key ('K', a digit, then 38 or more letters and "
                    "digits). It would be sent to Descope and stored there in plain text, so nothing was sent; the "
                    "value is not shown.",
                    "Remove the key from this field (check the variable, template or file it came from) and rotate "
                    "it if it was committed or shared. If the value is not a key, set the environment variable "
                    f"{ALLOW_KEY_SHAPED_ENV}=true for this task (the exact values of the task's own secrets are still "
                    "refused).",
                    source=source,
                )
            )

    def walk(self, value: t.Any, field: str, source: str | None = None) -> None:
        if isinstance(value, str):
            self.check(value, field, source)
        elif isinstance(value, bytes):
            self.check(value.decode("utf-8", "replace"), field, source)
        elif isinstance(value, t.Mapping):
            for key, item in value.items():
                if isinstance(key, str):
                    self.check(key, field or "$", source, is_name=True)
                self.walk(item, join(field, str(key)), source)
        elif isinstance(value, (list, tuple, set, frozenset)):
            for index, item in enumerate(sorted(value, key=repr) if isinstance(value, (set, frozenset)) else value):
                self.walk(item, f"{field}[{index}]", source)


def join(field: str, key: str) -> str:
    return f"{field}.{key}" if field else key


def param_problems(
    argument_spec: t.Mapping[str, t.Any],
    params: t.Mapping[str, t.Any],
    environ: t.Mapping[str, str],
    certificate_fields: t.Iterable[str] = (),
) -> tuple[list[Problem], set[str]]:
    """The task arguments: every option that is not no_log, at any depth (``tenants[3].custom_attributes.note``).

    ``certificate_fields``: the option paths (``saml.idp_cert``) whose lines may start with a key-shaped token.
    """
    finder = Finder(secrets_of(argument_spec, params, environ), environ, certificate_fields)
    _walk_options(finder, argument_spec, params, "")
    return finder.problems, finder.found


def _walk_options(
    finder: Finder, argument_spec: t.Mapping[str, t.Any], params: t.Mapping[str, t.Any], prefix: str
) -> None:
    skipped = _no_log_names(argument_spec) | (_SKIPPED_OPTIONS if not prefix else frozenset())
    for name, value in params.items():
        if name in skipped or value is None or str(name).startswith("_ansible"):
            continue
        field = f"{prefix}{name}"
        sub = (argument_spec.get(name) or {}).get("options")
        if isinstance(sub, t.Mapping) and isinstance(value, t.Mapping):
            _walk_options(finder, sub, value, f"{field}.")
        elif isinstance(sub, t.Mapping) and isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, t.Mapping):
                    _walk_options(finder, sub, item, f"{field}[{index}].")
                else:
                    finder.walk(item, f"{field}[{index}]")
        else:
            finder.walk(value, field)


def file_problems(
    declared: t.Any,
    argument_spec: t.Mapping[str, t.Any],
    params: t.Mapping[str, t.Any],
    environ: t.Mapping[str, str],
    certificate_fields: t.Iterable[str] = (),
) -> tuple[list[Problem], set[str]]:
    """What a spec's ``declare`` loaded from local files (flow files, a verified backup), before any request.

    Only content that came from a file is scanned (the task's arguments were checked already, and a declared
    object may legitimately hold a no_log value, such as the SSO client secret): a dataclass with a string
    ``source`` or ``path`` field is file content, reported with that source; a field ``X`` next to a string
    ``X_source`` is file content from that source (descope_flow's ``theme``).
    """
    finder = Finder(secrets_of(argument_spec, params, environ), environ, certificate_fields)
    _walk_declared(finder, declared, 0)
    return finder.problems, finder.found


def _walk_declared(finder: Finder, value: t.Any, depth: int) -> None:
    if depth > 4:  # declared objects nest dataclasses a few levels deep; file content itself is walked by Finder.walk
        return
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        names = [f.name for f in dataclasses.fields(value)]
        own = next((getattr(value, n) for n in ("source", "path") if isinstance(getattr(value, n, None), str)), None)
        for name in names:
            item = getattr(value, name)
            if name in ("source", "path") or name.endswith("_source"):
                continue
            side = getattr(value, f"{name}_source", None)
            if isinstance(side, str) and side:
                finder.walk(item, "", side)
            elif own:
                if dataclasses.is_dataclass(item) or (
                    isinstance(item, list) and any(dataclasses.is_dataclass(i) for i in item)
                ):
                    _walk_declared(finder, item, depth + 1)
                else:
                    finder.walk(item, name, own)
            else:
                _walk_declared(finder, item, depth + 1)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _walk_declared(finder, item, depth + 1)


class PastedSecretError(DescopeValidationError):
    """The validation failure for a pasted secret; ``values`` are the key-shaped tokens to mask in the result too."""

    def __init__(self, problems: list[Problem], values: set[str]) -> None:
        super().__init__(problems)
        self.values = frozenset(values)


def refuse_pasted(problems: list[Problem], found: tuple[list[Problem], set[str]]) -> None:
    """Raise with every problem so far when a secret was found: the task must stop before its first request."""
    pasted, values = found
    if pasted:
        raise PastedSecretError([*problems, *pasted], values)
