# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A secret pasted into a field that is not secret is refused before any request, by every module (docs/safety.md)."""

from __future__ import annotations

import base64
import json
import pathlib
import typing as t

import pytest
from harness import SPECS, run_spec

from ansible_collections.descope.mgmt.plugins.module_utils._pipeline._secrets import key_shaped

REPO = pathlib.Path(__file__).resolve().parents[5]
FLOW_FIXTURE = REPO / "tests" / "fixtures" / "flows" / "v2" / "sign-up-or-in.json"
# shaped like a Descope management key (K, a digit, 72 letters and digits), built here so no real-looking key is committed
SHAPED = "K3" + "Zq7" * 24
KEY = "<the management key>"  # placeholder replaced by the emulator's key in each case


def _tenants(note: str) -> dict[str, t.Any]:
    items: list[dict[str, t.Any]] = [{"id": f"t{i}", "name": f"T{i}"} for i in range(3)]
    return {"tenants": [*items, {"id": "t3", "name": "T3", "custom_attributes": {"note": note}}]}


# every module, with the key pasted into one field that is not secret, and the path the error must name
CASES: dict[str, tuple[dict[str, t.Any], str]] = {
    "descope_tenant": (_tenants(f"rotate {KEY} soon"), "tenants[3].custom_attributes.note"),
    "descope_tenant_info": ({"names": ["a", KEY]}, "names[1]"),
    "descope_flow": ({"flow_id": "f1", "definition": {"flow": {"metadata": {"description": KEY}}}}, "definition.flow.metadata.description"),
    "descope_flow_info": ({"flow_ids": [KEY]}, "flow_ids[0]"),
    "descope_backup": ({"backup_dir": "backups", "state": "restored", "backup": KEY}, "backup"),
    "descope_permission": ({"permissions": [{"name": "p", "description": f"key={KEY}"}]}, "permissions[0].description"),
    "descope_permission_info": ({"names": [KEY]}, "names[0]"),
    "descope_role": ({"roles": [{"name": "r", "description": KEY}]}, "roles[0].description"),
    "descope_role_info": ({"tenant_ids": [KEY]}, "tenant_ids[0]"),
    "descope_tenant_settings": ({"tenant_id": "t1", "password_policy": {"disallowed_characters": KEY}}, "password_policy.disallowed_characters"),
    "descope_tenant_settings_info": ({"tenant_ids": [KEY]}, "tenant_ids[0]"),
    "descope_sso": (
        {"tenant_id": "t1", "protocol": "oidc", "oidc": {"name": "Okta", "client_id": KEY, "client_secret": "a-real-client-secret"}},
        "oidc.client_id",
    ),
    "descope_sso_info": ({"tenant_ids": [KEY]}, "tenant_ids[0]"),
    "descope_sso_admin_link": ({"tenant_id": "t1", "email": f"{KEY}@example.com"}, "email"),
}


def _with(value: t.Any, key: str) -> t.Any:
    return json.loads(json.dumps(value).replace(KEY, key))


def test_every_module_has_a_case() -> None:
    assert sorted(CASES) == sorted(SPECS)


def _assert_refused(result: dict[str, t.Any], field: str, secret: str, emulator: t.Any) -> None:
    assert result.get("failed") and result["error"]["kind"] == "validation", result
    assert [p["field"] for p in result["validation_errors"]] == [field], result["validation_errors"]
    assert "nothing was sent" in result["validation_errors"][0]["message"] and field in result["msg"]
    assert secret not in json.dumps(result)
    assert emulator.requests() == []  # refused before the first read, not only before the first write


@pytest.mark.parametrize("check", [False, True], ids=["apply", "check"])
@pytest.mark.parametrize("module", sorted(CASES))
def test_the_management_key_pasted_into_any_module_is_refused_before_any_request(emulator: t.Any, module: str, check: bool) -> None:
    key = emulator.env["DESCOPE_MANAGEMENT_KEY"]
    params, field = CASES[module]
    result = run_spec(module, _with(params, key), environ=emulator.env, check=check, diff=True)
    _assert_refused(result, field, key, emulator)
    assert "management key (environment variable DESCOPE_MANAGEMENT_KEY)" in result["validation_errors"][0]["message"]


@pytest.mark.parametrize("module", sorted(CASES))
def test_a_key_shaped_value_is_refused_by_every_module_and_never_shown(emulator: t.Any, module: str) -> None:
    params, field = CASES[module]
    result = run_spec(module, _with(params, SHAPED), environ=emulator.env, diff=True)
    _assert_refused(result, field, SHAPED, emulator)
    assert "shaped like a Descope management key" in result["validation_errors"][0]["message"]


def test_the_key_given_as_a_task_argument_is_named_as_such(emulator: t.Any) -> None:
    key = emulator.env["DESCOPE_MANAGEMENT_KEY"]
    env = {k: v for k, v in emulator.env.items() if k != "DESCOPE_MANAGEMENT_KEY"}
    result = run_spec("descope_role", {"name": "r", "description": f"x {key} y", "management_key": key}, environ=env)
    _assert_refused(result, "description", key, emulator)
    assert "task argument 'management_key'" in result["validation_errors"][0]["message"]


def test_an_attribute_name_holding_the_key_is_named_by_its_mapping(emulator: t.Any) -> None:
    key = emulator.env["DESCOPE_MANAGEMENT_KEY"]
    result = run_spec("descope_tenant", {"id": "t1", "name": "T", "custom_attributes": {key: "x"}}, environ=emulator.env)
    _assert_refused(result, "custom_attributes", key, emulator)
    assert result["validation_errors"][0]["message"].startswith("has a name (a key of the mapping) that holds the management key")


def test_every_other_problem_is_reported_with_it(emulator: t.Any) -> None:
    key = emulator.env["DESCOPE_MANAGEMENT_KEY"]
    result = run_spec("descope_tenant", {"tenants": [{"id": "a", "name": key}], "concurrency": 99}, environ=emulator.env)
    assert [p["field"] for p in result["validation_errors"]] == ["concurrency", "tenants[0].name"]
    assert key not in json.dumps(result) and emulator.requests() == []


def test_another_no_log_secret_pasted_elsewhere_is_refused(emulator: t.Any) -> None:
    secret = "sso-client-secret-0123"
    params = {"tenant_id": "t1", "protocol": "oidc", "oidc": {"name": "Okta", "client_id": "c", "client_secret": secret}, "display_name": f"uses {secret}"}
    result = run_spec("descope_sso", params, environ=emulator.env)
    _assert_refused(result, "display_name", secret, emulator)
    assert "secret (no_log) option 'oidc.client_secret'" in result["validation_errors"][0]["message"]


def test_environment_secrets_of_the_audit_trail_and_backups_are_refused_too(emulator: t.Any) -> None:
    for name in ("DESCOPE_AUDIT_KEY", "DESCOPE_AUDIT_TOKEN", "DESCOPE_BACKUP_SIGNING_KEY"):
        secret = f"value-of-{name.lower()}-xyz"
        result = run_spec("descope_role", {"name": "r", "description": secret}, environ={**emulator.env, name: secret})
        _assert_refused(result, "description", secret, emulator)
        assert name in result["validation_errors"][0]["message"]


def test_a_short_secret_is_refused_as_a_whole_value_only(emulator: t.Any) -> None:
    """A 6-character secret inside ordinary text is a coincidence, not a paste: only the whole value is refused."""
    params = {"tenant_id": "t1", "protocol": "oidc", "oidc": {"name": "Okta", "client_id": "c", "client_secret": "open"}}
    inside = run_spec("descope_sso", {**params, "display_name": "an open door"}, environ=emulator.env, check=True)
    assert not inside.get("failed") or "secret" not in json.dumps(inside.get("validation_errors")), inside
    whole = run_spec("descope_sso", {**params, "display_name": "open"}, environ=emulator.env, check=True)
    assert [p["field"] for p in whole["validation_errors"]] == ["display_name"]


def test_the_secret_in_its_own_no_log_option_is_accepted(emulator: t.Any) -> None:
    emulator.seed(tenants=[{"id": "t1", "name": "T"}])
    params = {"tenant_id": "t1", "protocol": "oidc", "oidc": {"name": "Okta", "client_id": "c", "client_secret": SHAPED}}
    result = run_spec("descope_sso", params, environ=emulator.env)
    assert not result.get("failed"), result


def test_a_key_in_a_flow_file_is_refused_naming_the_file_and_the_path(emulator: t.Any, tmp_path: pathlib.Path) -> None:
    key = emulator.env["DESCOPE_MANAGEMENT_KEY"]
    doc = json.loads(FLOW_FIXTURE.read_text(encoding="utf-8"))
    doc["flow"]["metadata"]["description"] = f"deploy with {key}"
    src = tmp_path / "sign-up-or-in.json"
    src.write_text(json.dumps(doc), encoding="utf-8")
    for params in ({"src": str(src)}, {"src_dir": str(tmp_path)}):
        result = run_spec("descope_flow", params, environ=emulator.env, check=True)
        assert result.get("failed") and [p["field"] for p in result["validation_errors"]] == ["flow.metadata.description"], result
        assert result["validation_errors"][0]["source"].endswith("sign-up-or-in.json")
        assert key not in json.dumps(result) and emulator.requests() == []


def test_a_key_shaped_value_in_the_theme_file_is_refused(emulator: t.Any, tmp_path: pathlib.Path) -> None:
    theme = tmp_path / "theme.json"
    theme.write_text(json.dumps({"theme": {"styles": {"note": {"text": SHAPED}}}}), encoding="utf-8")
    result = run_spec("descope_flow", {"theme": str(theme)}, environ=emulator.env)
    assert result.get("failed") and result["validation_errors"][0]["source"] == str(theme), result
    assert SHAPED not in json.dumps(result) and emulator.requests() == []


def test_a_backup_holding_a_key_is_not_restored(emulator: t.Any, tmp_path: pathlib.Path) -> None:
    """A key stored in Descope by mistake (before this guard) is in its backups: a restore must not send it again.

    (A backup never holds this task's own key: descope_backup refuses to write it.)
    """
    emulator.seed(tenants=[{"id": "t1", "name": "T1"}, {"id": "t2", "name": f"leaked {SHAPED}"}])
    taken = run_spec("descope_backup", {"backup_dir": str(tmp_path), "include": ["tenants"]}, environ=emulator.env)
    assert not taken.get("failed"), taken
    emulator.seed(tenants=[{"id": "t1", "name": "T1"}])
    emulator.clear_log()
    result = run_spec("descope_backup", {"backup_dir": str(tmp_path), "state": "restored", "backup": "latest"}, environ=emulator.env)
    assert result.get("failed") and [p["field"] for p in result["validation_errors"]] == ["tenants[1].name"], result
    assert SHAPED not in json.dumps(result) and emulator.requests() == []


def test_the_shape_rule_can_be_lifted_but_not_the_exact_key(emulator: t.Any) -> None:
    lifted = {**emulator.env, "DESCOPE_ALLOW_KEY_SHAPED_VALUES": "true"}
    shaped = run_spec("descope_role", {"name": "r", "description": SHAPED}, environ=lifted, check=True)
    assert not shaped.get("failed"), shaped
    key = emulator.env["DESCOPE_MANAGEMENT_KEY"]
    exact = run_spec("descope_role", {"name": "r", "description": key}, environ=lifted, check=True)
    assert exact.get("failed") and [p["field"] for p in exact["validation_errors"]] == ["description"]


@pytest.mark.parametrize(
    "text",
    [
        SHAPED,
        f"key {SHAPED}",
        f"DESCOPE_MANAGEMENT_KEY={SHAPED}",
        f'"{SHAPED}"',
        f"Bearer P2abc:{SHAPED}",
        f"({SHAPED}),",
        "K2" + "aB1" * 13,  # 41 characters: the shortest length refused
        f"  {SHAPED}  ",  # a whole value with spaces around it
        f"note%20{SHAPED}",  # percent-encoded separators (a URL or form value)
        f"https://example.com/cb?state=x%3D{SHAPED}&a=b",
        f"first line\nsecond line ends with {SHAPED}",
    ],
)
def test_key_shapes_are_found(text: str) -> None:
    assert len(key_shaped(text)) == 1


@pytest.mark.parametrize(
    "text",
    [
        "Kraftfahrzeughaftpflichtversicherungsgesellschaften",  # a word: no digit after the K
        "K2" + "aB1" * 12 + "a",  # 39 characters: one short
        "K2xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",  # a placeholder: no upper case, few digits
        "K2ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGH",  # no lower case
        "K2abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz",  # no digits after K2
        "P2" + "aB1" * 20,  # a project id shape
        "T2aB1cD2eF3gH4iJ5kL6mN7oP8",  # a 28-character Descope id
        "see https://example.com/assets/K2" + "aB1" * 15,  # inside a URL path
        "img.K2" + "aB1" * 15,  # a dotted name
        "sha512-K2" + "aB1" * 15,  # an integrity hash
        "data+K2" + "aB1" * 15,  # inside a base64 run
        "K2" + "aB1" * 15 + "+rest",  # continues as base64
        "K2" + "aB1" * 15 + "==",  # padded base64
        "a%2FK2" + "aB1" * 15,  # percent-encoded '/': still inside a path once decoded
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",  # a hex digest
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.K2" + "aB1" * 14,  # a JWT signature segment
        "",
    ],
)
def test_ordinary_text_is_not_a_key_shape(text: str) -> None:
    assert key_shaped(text) == []


PEM_LINES = [
    "-----BEGIN CERTIFICATE-----\nK2" + "aB1" * 20 + "\n-----END CERTIFICATE-----",  # a PEM line
    # an indented line of a wrapped certificate in SAML metadata XML (Keycloak, Shibboleth and others indent it)
    "<ds:X509Certificate>\n    MIIDdDCCAlygAwIBAgIGAXr0nB3wMA0GCSqGSIb3DQEBCwUAMHsxFDASBgNVBAoT\n    K3"
    + "aB1" * 20
    + "\n\t\tK3"
    + "aB1" * 20
    + "\r\n  </ds:X509Certificate>",
]


@pytest.mark.parametrize("text", PEM_LINES)
def test_a_line_of_a_certificate_is_a_key_shape_only_outside_certificate_fields(text: str) -> None:
    assert key_shaped(text, certificate=True) == []
    assert key_shaped(text) != []  # in a description, a name, a flow's text...


def test_no_committed_example_fixture_or_golden_file_looks_like_a_key() -> None:
    """False positives are as bad as misses: nothing this repository ships or feeds its modules has the shape."""
    roots = ("examples", "docs", "roles", "playbooks", "tests/fixtures", "tests/unit/plugins/module_utils/golden", "tests/emulator")
    scanned = 0
    for root in roots:
        for path in (REPO / root).rglob("*"):
            if path.is_file() and path.suffix in (".json", ".yml", ".yaml", ".md", ".txt", ".html", ".py", ".j2"):
                scanned += 1
                assert key_shaped(path.read_text(encoding="utf-8", errors="replace")) == [], path
    assert scanned > 50


def _der(tag: int, content: bytes) -> bytes:
    size = len(content)
    return bytes([tag]) + (bytes([size]) if size < 0x80 else bytes([0x82]) + size.to_bytes(2, "big")) + content


def _indented_certificate_with_line(line: str) -> str:
    """A DER certificate structure (SEQUENCE {tbs {serial, ...}, algorithm, signature}) whose second base64 line is
    ``line``: its 48 bytes sit at offset 48, so the 64-character wrap puts them on a line of their own."""
    payload = bytes(33) + base64.b64decode(line) + bytes(200)  # 15 header bytes precede the payload
    tbs = _der(0x30, _der(0x02, b"\x01") + _der(0x04, payload))
    text = base64.b64encode(_der(0x30, tbs + _der(0x30, b"") + _der(0x03, b"\x00"))).decode()
    lines = [text[i : i + 64] for i in range(0, len(text), 64)]
    return "-----BEGIN CERTIFICATE-----\n    " + "\n    ".join(lines) + "\n    -----END CERTIFICATE-----"


def test_an_indented_certificate_whose_line_looks_like_a_key_is_configured(emulator: t.Any) -> None:
    # A PEM copied out of SAML metadata XML keeps its indentation; one wrapped line in a few thousand starts with "K" and
    # a digit and has no '+' or '/', which is the key shape. That is a certificate, not a pasted key.
    line = "K3" + "aB1" * 20 + "xy"
    cert = _indented_certificate_with_line(line)
    assert len(line) == 64 and "\n    " + line + "\n" in cert
    saml = {"idp_url": "https://idp.example.com/sso", "entity_id": "https://idp.example.com/entity", "idp_cert": cert}
    assert not run_spec("descope_tenant", {"id": "t1", "name": "T1"}, environ=emulator.env).get("failed")
    result = run_spec("descope_sso", {"tenant_id": "t1", "protocol": "saml", "saml": saml}, environ=emulator.env)
    assert not result.get("failed") and result["changed"], result
