# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A key-shaped token at the start of a line is refused in every free-text field of every module.

Only the fields a spec names in ``certificate_fields`` (PEM certificates, where a wrapped base64 line may have the
shape) let it through. The fields are enumerated from the argument specs, so a new option is covered by itself.
"""

from __future__ import annotations

import json
import pathlib
import re
import typing as t

import pytest
from harness import SPECS, run_spec

from ansible_collections.descope.mgmt.plugins.module_utils import _backup
from ansible_collections.descope.mgmt.plugins.module_utils._authz._fields import PERMISSION_KEYS, ROLE_KEYS
from ansible_collections.descope.mgmt.plugins.module_utils._pipeline._secrets import KEY_SHAPE, param_problems
from ansible_collections.descope.mgmt.plugins.module_utils._tenant._fields import ITEM_KEYS as TENANT_KEYS

SHAPED = "K3" + "Zq7" * 24  # built here: no real-looking key is committed
AT_LINE_START = f"Team notes\n{SHAPED}\n"
INDENTED = f"Team notes\n    {SHAPED}"
# connection options are checked by the credential checks instead (a key there is named as a misplaced key)
SKIPPED = {"project_id"}
# the keys of the free-form set items, checked by each spec's own schema (the guard walks every value of an item)
ITEMS = {"tenants": TENANT_KEYS, "roles": ROLE_KEYS, "permissions": PERMISSION_KEYS}


Steps = tuple[tuple[str, bool], ...]  # (key, its value is a list of one element) from the top of the params down


def _nest(steps: Steps, value: t.Any) -> t.Any:
    """The params that put ``value`` at ``steps``: ((roles, True), (description, False)) -> {roles: [{description: v}]}."""
    if not steps:
        return value
    (name, listed), rest = steps[0], steps[1:]
    inner = _nest(rest, value)
    return {name: [inner] if listed else inner}


def _text_fields(argument_spec: t.Mapping[str, t.Any], prefix: str = "", above: Steps = ()) -> t.Iterator[tuple[str, Steps]]:
    """(option path, steps) for every option that takes free text, at any depth."""
    for name, option in argument_spec.items():
        if option.get("no_log") or (not prefix and name in SKIPPED):
            continue
        path = f"{prefix}{name}"
        kind, elements, sub = option.get("type", "str"), option.get("elements"), option.get("options")
        here = (*above, (name, kind == "list"))
        if sub:
            yield from _text_fields(sub, f"{path}.", here)
        elif kind in ("str", "raw") or (kind == "list" and elements in (None, "str", "raw")):
            yield path, here
        if kind == "dict" or ((kind == "list" and elements in ("dict", "raw")) and not sub):
            for key in ("note", *ITEMS.get(name, ())):
                yield f"{path}.{key}", (*here, (key, False))


FIELDS = sorted({(module, path): steps for module, spec in SPECS.items() for path, steps in _text_fields(spec.argument_spec)}.items())


def _spec(module: str) -> t.Any:
    return _backup.RESTORE_SPEC if module == "descope_backup" else SPECS[module]


def test_the_enumeration_covers_every_module_and_the_reported_field() -> None:
    assert {key[0] for key, _steps in FIELDS} == set(SPECS)
    assert ("descope_role", "roles.description") in {key for key, _steps in FIELDS}
    assert len(FIELDS) > 60


@pytest.mark.parametrize(("key", "steps"), FIELDS, ids=[f"{key[0]}:{key[1]}" for key, _steps in FIELDS])
@pytest.mark.parametrize("text", [AT_LINE_START, INDENTED], ids=["line-start", "indented"])
def test_a_key_at_the_start_of_a_line_is_refused_outside_certificate_fields(key: tuple[str, str], steps: Steps, text: str) -> None:
    module, path = key
    spec = _spec(module)
    problems, found = param_problems(spec.argument_spec, _nest(steps, text), {}, spec.certificate_fields)
    if path in spec.certificate_fields:
        assert problems == [], problems  # a wrapped PEM line
        mid = param_problems(spec.argument_spec, _nest(steps, f"cert: {SHAPED}"), {}, spec.certificate_fields)[0]
        assert len(mid) == 1  # not at a line start: refused there too
        return
    assert len(problems) == 1 and SHAPED in found, (path, problems)
    assert problems[0].field.replace("[0]", "") == path
    assert SHAPED not in json.dumps([p.__dict__ for p in problems], default=str)


def test_the_certificate_fields_are_the_saml_certificates_only() -> None:
    declared = {module: _spec(module).certificate_fields for module in SPECS if _spec(module).certificate_fields}
    assert declared == {
        "descope_sso": ("saml.idp_cert", "saml.idp_additional_certs"),
        "descope_backup": ("sso.sso.saml.idp_cert", "sso.sso.saml.idp_additional_certs"),  # a restore's sso.json
    }


def test_a_role_description_with_another_projects_key_on_its_own_line_is_never_sent(emulator: t.Any) -> None:
    role = {"name": "auditor", "description": f"Read-only access.\n{SHAPED}"}
    for check in (True, False):
        result = run_spec("descope_role", {"roles": [role]}, check=check, diff=True, environ=emulator.env)
        assert result.get("failed") and [p["field"] for p in result["validation_errors"]] == ["roles[0].description"]
        assert SHAPED not in json.dumps(result)
    assert emulator.requests() == []


def _saml(cert: str) -> dict[str, t.Any]:
    saml = {"idp_url": "https://idp.example.com/sso", "entity_id": "https://idp.example.com/entity", "idp_cert": cert}
    return {"tenant_id": "t1", "protocol": "saml", "saml": saml}


def _cert_with_a_key_shaped_line() -> str:
    """A real X.509 certificate (tests/fixtures/sso) re-wrapped so that one base64 line has a key's shape."""
    pem = (pathlib.Path(__file__).parents[4] / "fixtures" / "sso" / "idp_cert.pem").read_text(encoding="utf-8")
    body = "".join(line.strip() for line in pem.splitlines() if "-----" not in line)
    run = re.search(r"K[0-9][A-Za-z0-9]{38}", body)
    assert run is not None, "the fixture has no run of base64 a key-shaped line can be cut from"
    lines = [body[: run.start()], run.group(0), body[run.end() :]]
    text = "-----BEGIN CERTIFICATE-----\n" + "\n".join(x for x in lines if x) + "\n-----END CERTIFICATE-----"
    assert KEY_SHAPE.search(text), "the re-wrapped certificate must hold a key-shaped line"
    return text


CERT = _cert_with_a_key_shaped_line()


def test_a_backup_of_a_certificate_with_such_a_line_is_restored(emulator: t.Any, tmp_path: t.Any) -> None:
    assert not run_spec("descope_tenant", {"id": "t1", "name": "T1"}, environ=emulator.env).get("failed")
    configured = run_spec("descope_sso", _saml(CERT), environ=emulator.env)
    assert not configured.get("failed") and configured["changed"], configured
    taken = run_spec("descope_backup", {"backup_dir": str(tmp_path), "include": ["tenants", "sso"]}, environ=emulator.env)
    assert not taken.get("failed"), taken
    restore = {"backup_dir": str(tmp_path), "state": "restored", "backup": "latest", "include": ["tenants", "sso"]}
    restored = run_spec("descope_backup", restore, check=True, environ=emulator.env)
    assert not restored.get("failed"), restored
    assert [c["id"] for c in restored["sso"]], restored  # the SSO section was really read and planned


def test_the_same_line_in_the_sso_name_is_refused(emulator: t.Any) -> None:
    params = _saml(CERT)
    params["saml"]["entity_id"] = f"https://idp.example.com/entity\n{SHAPED}"
    result = run_spec("descope_sso", params, environ=emulator.env)
    assert result.get("failed") and [p["field"] for p in result["validation_errors"]] == ["saml.entity_id"], result
