# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

import typing as t

import pytest

from ansible_collections.descope.mgmt.plugins.module_utils._errors import DescopeConfigError
from ansible_collections.descope.mgmt.plugins.module_utils._options import (
    CONNECTION_ARGSPEC,
    DEFAULT_BASE_URL,
    ConnectionSettings,
    hidden_values,
    redact,
    regional_base_url,
    settings_from_params,
    with_connection,
)

ENV = {"DESCOPE_PROJECT_ID": "P2envproject", "DESCOPE_MANAGEMENT_KEY": "K2envkey", "DESCOPE_BASE_URL": "http://127.0.0.1:9/"}


def test_environment_is_the_fallback() -> None:
    s = settings_from_params({}, ENV)
    assert (s.project_id, s.management_key, s.base_url) == ("P2envproject", "K2envkey", "http://127.0.0.1:9")


def test_task_arguments_win_over_environment() -> None:
    s = settings_from_params({"project_id": "P2task", "management_key": "K2task", "base_url": "https://x.example"}, ENV)
    assert (s.project_id, s.management_key, s.base_url) == ("P2task", "K2task", "https://x.example")


def test_unset_argument_falls_back_to_environment() -> None:
    assert settings_from_params({"project_id": None, "management_key": None}, ENV).project_id == "P2envproject"


@pytest.mark.parametrize("name", ["project_id", "management_key", "base_url"])
@pytest.mark.parametrize("value", ["", "   ", "\n"])
def test_an_explicitly_empty_task_value_never_falls_back_to_the_environment(name: str, value: str) -> None:
    with pytest.raises(DescopeConfigError) as info:
        settings_from_params({name: value}, ENV)
    text = str(info.value)
    assert f"'{name}' is set on the task but empty" in text and "Fix:" in text and "environment variable" in text
    assert info.value.to_result()["hint"] == ""  # no "set the missing option" hint: the message has the fix


def test_an_empty_environment_variable_counts_as_missing() -> None:
    with pytest.raises(DescopeConfigError) as info:
        settings_from_params({}, {**ENV, "DESCOPE_MANAGEMENT_KEY": " "})
    assert [m["option"] for m in info.value.to_result()["error"]["missing"]] == ["management_key"]


def test_missing_credentials_name_option_and_variable() -> None:
    with pytest.raises(DescopeConfigError) as info:
        settings_from_params({}, {})
    text = str(info.value)
    for word in ("project_id", "DESCOPE_PROJECT_ID", "management_key", "DESCOPE_MANAGEMENT_KEY"):
        assert word in text
    result = info.value.to_result()
    assert result["error"]["kind"] == "config"
    assert [m["env"] for m in result["error"]["missing"]] == ["DESCOPE_PROJECT_ID", "DESCOPE_MANAGEMENT_KEY"]


def test_only_the_missing_one_is_named() -> None:
    with pytest.raises(DescopeConfigError) as info:
        settings_from_params({"project_id": "P2x"}, {})
    assert "DESCOPE_MANAGEMENT_KEY" in str(info.value)
    assert "DESCOPE_PROJECT_ID" not in str(info.value)


def test_regional_host_for_long_project_ids() -> None:
    long_id = "P" + "use1" + "x" * 27
    assert regional_base_url(long_id) == "https://api.use1.descope.com"
    assert regional_base_url("P2short") == DEFAULT_BASE_URL
    assert settings_from_params({"project_id": long_id, "management_key": "K2x"}, {}).base_url == "https://api.use1.descope.com"


def test_key_not_in_repr() -> None:
    s = settings_from_params({"project_id": "P2x", "management_key": "K2-secret-canary"}, {})
    assert "K2-secret-canary" not in repr(s)
    assert "K2-secret-canary" not in repr(s.cache_key())


def test_retry_settings_and_defaults() -> None:
    s = settings_from_params({"project_id": "P2x", "management_key": "K2x", "retries": 0, "retry_max_wait": 2.5, "timeout": 3}, {})
    assert (s.retries, s.retry_max_wait, s.timeout) == (0, 2.5, 3.0)
    d = settings_from_params({"project_id": "P2x", "management_key": "K2x"}, {})
    assert (d.retries, d.retry_max_wait, d.timeout, d.validate_certs) == (4, 60.0, 60.0, True)


def test_with_connection_merges_and_does_not_alias() -> None:
    spec = with_connection({"name": {"type": "str"}})
    assert set(CONNECTION_ARGSPEC) <= set(spec) and "name" in spec
    assert spec["management_key"]["no_log"] is True
    spec["timeout"]["default"] = 1
    assert CONNECTION_ARGSPEC["timeout"]["default"] == 60.0


# -- credential forms (CLI: descopecli shared/client.go requires "P..." ids and "K..." keys) ------------------

REAL_LOOKING_ID = "P2Z1234567890123456789012345"  # the CLI's own example id (descopecli main.go)
REAL_LOOKING_KEY = "K2Zabcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-_.abcdef"


def _refused(params: dict[str, t.Any], environ: dict[str, str] | None = None) -> str:
    with pytest.raises(DescopeConfigError) as info:
        settings_from_params(params, environ or {})
    result = info.value.to_result()
    return str(info.value) + " " + repr(result)


@pytest.mark.parametrize(
    "params, environ, source",
    [
        ({"project_id": REAL_LOOKING_KEY, "management_key": REAL_LOOKING_ID}, {}, "task argument 'project_id'"),
        ({}, {"DESCOPE_PROJECT_ID": REAL_LOOKING_KEY, "DESCOPE_MANAGEMENT_KEY": REAL_LOOKING_ID}, "environment variable DESCOPE_PROJECT_ID"),
        ({"management_key": REAL_LOOKING_ID}, {"DESCOPE_PROJECT_ID": REAL_LOOKING_KEY}, "environment variable DESCOPE_PROJECT_ID"),
    ],
)
def test_a_swapped_pair_is_refused_without_echoing_either_value(params: dict[str, t.Any], environ: dict[str, str], source: str) -> None:
    text = _refused(params, environ)
    assert "look swapped" in text and source in text and "Fix:" in text
    assert REAL_LOOKING_KEY not in text and REAL_LOOKING_ID not in text
    for piece in ("K2Zabc", "P2Z123", "0123456789"):
        assert piece not in text


def test_a_key_in_the_project_id_alone_is_refused_and_not_echoed() -> None:
    text = _refused({"project_id": REAL_LOOKING_KEY, "management_key": "K2another"})
    assert "looks like a management key" in text and "task argument 'project_id'" in text
    assert "K2Zabc" not in text and "K2another" not in text


def test_a_project_id_in_the_key_position_is_refused() -> None:
    text = _refused({"project_id": "P2real", "management_key": "P2other"})
    assert "looks like a project ID" in text and "task argument 'management_key'" in text and "P2other" not in text


@pytest.mark.parametrize("project_id", ["p2lowercase", "2abc", "P2ab/../x", "P2 abc", "P2ab\ncd", "P2ébc", "tenant-1", "P"])
def test_malformed_project_ids_are_refused(project_id: str) -> None:
    text = _refused({"project_id": project_id, "management_key": "K2x"})
    assert "project_id" in text and "Fix:" in text


@pytest.mark.parametrize(
    "key, what",
    [
        ("K2abc\ndef", "control character"),
        ("K2abc\r\nX-Injected: 1", "control character"),
        ("K2abc\x00def", "control character"),
        ("K2abc\x7fdef", "control character"),
        ("K2abc€def", "outside plain ASCII"),
        ("K2abc\u00a0def", "outside plain ASCII"),
        ("K2abc\u2019def", "outside plain ASCII"),
        ("K2abc def", "a space"),
        ("secret-without-prefix", "not a Descope management key"),
    ],
)
def test_unsendable_or_malformed_keys_name_the_option_source_and_fix(key: str, what: str) -> None:
    for params, environ, source in (
        ({"project_id": "P2x", "management_key": key}, {}, "task argument 'management_key'"),
        ({"project_id": "P2x"}, {"DESCOPE_MANAGEMENT_KEY": key}, "environment variable DESCOPE_MANAGEMENT_KEY"),
    ):
        text = _refused(params, environ)
        assert what in text and source in text and "Fix:" in text
        for piece in ("K2abc", "def", "secret-without-prefix", "Injected"):
            assert piece not in text


def test_surrounding_whitespace_is_trimmed_not_refused() -> None:
    s = settings_from_params({"project_id": " P2x ", "management_key": "K2abc\n"}, {})
    assert (s.project_id, s.management_key) == ("P2x", "K2abc")


def test_sources_record_where_each_value_came_from() -> None:
    s = settings_from_params({"management_key": "K2task"}, ENV)
    assert s.sources == {
        "project_id": "environment variable DESCOPE_PROJECT_ID",
        "management_key": "task argument 'management_key'",
        "base_url": "environment variable DESCOPE_BASE_URL",
    }
    assert settings_from_params({"project_id": "P2x", "management_key": "K2x"}, {}).sources["base_url"] == "the default base URL"


# -- base_url -----------------------------------------------------------------------------------------------------

CREDS = {"project_id": "P2x", "management_key": "K2x"}


@pytest.mark.parametrize(
    "url, expected",
    [
        ("http://127.0.0.1:8080/", "http://127.0.0.1:8080"),
        ("http://127.8.9.10:1", "http://127.8.9.10:1"),
        ("http://[::1]:9000", "http://[::1]:9000"),
        ("http://localhost:9000/prefix/", "http://localhost:9000/prefix"),
        ("HTTP://LOCALHOST", "HTTP://LOCALHOST"),
        ("https://api.descope.com", "https://api.descope.com"),
        ("https://proxy.example:8443/descope", "https://proxy.example:8443/descope"),
    ],
)
def test_https_and_loopback_http_are_allowed(url: str, expected: str) -> None:
    assert settings_from_params({**CREDS, "base_url": url}, {}).base_url == expected


@pytest.mark.parametrize(
    "url", ["http://api.descope.com", "http://10.0.0.5:8080", "http://[2001:db8::1]/", "http://localhost.evil.example", "http://127.0.0.1.nip.io"]
)
def test_plain_http_to_another_host_is_refused_unless_opted_in(url: str) -> None:
    text = _refused({**CREDS, "base_url": url})
    assert "plain http://" in text and "allow_insecure_http" in text and "DESCOPE_ALLOW_INSECURE_HTTP" in text
    assert settings_from_params({**CREDS, "base_url": url, "allow_insecure_http": True}, {}).allow_insecure_http
    assert settings_from_params({**CREDS, "base_url": url}, {"DESCOPE_ALLOW_INSECURE_HTTP": "true"}).base_url.startswith("http://")
    _refused({**CREDS, "base_url": url, "allow_insecure_http": False}, {"DESCOPE_ALLOW_INSECURE_HTTP": "true"})  # the task wins


def test_a_junk_opt_in_variable_is_an_error() -> None:
    text = _refused({**CREDS, "base_url": "https://x.example"}, {"DESCOPE_ALLOW_INSECURE_HTTP": "maybe"})
    assert "DESCOPE_ALLOW_INSECURE_HTTP" in text


@pytest.mark.parametrize(
    "url, what",
    [
        ("api.descope.com", "no scheme"),
        ("ftp://api.descope.com", "'ftp://'"),
        ("file:///etc/passwd", "no scheme"),
        ("https://", "no scheme"),
        ("not a url", "spaces"),
        ("https://api.descope.com /v1", "spaces"),
        ("https://api.descope.com\n", "https://api.descope.com"),
        ("https://api.descope.com:notaport", "not a valid URL"),
        ("https://api.descope.com:99999", "not a valid URL"),
        ("https://user:pass@api.descope.com", "user name or password"),
        ("https://api.descope.com/?x=1", "query string"),
        ("::::", "no scheme"),
    ],
)
def test_bad_base_urls_name_the_option_and_the_fix(url: str, what: str) -> None:
    if what == "https://api.descope.com":  # a trailing newline from a file is trimmed, not refused
        assert settings_from_params({**CREDS, "base_url": url}, {}).base_url == what
        return
    for params, environ, source in (
        ({**CREDS, "base_url": url}, {}, "task argument 'base_url'"),
        (CREDS, {"DESCOPE_BASE_URL": url}, "environment variable DESCOPE_BASE_URL"),
    ):
        text = _refused(params, environ)
        assert what in text and source in text and "Fix: set 'base_url'" in text
        assert "pass" not in text.replace("password", "")


def test_redaction_covers_values_and_their_pieces() -> None:
    s = ConnectionSettings(project_id="K2ThisIsAKeyInTheIdSlot", management_key="K2Line1Part\nK2Line2Part")
    assert set(s.secrets()) == {"K2ThisIsAKeyInTheIdSlot", "K2Line1Part\nK2Line2Part"}
    text = s.redact("a K2ThisIsAKeyInTheIdSlot b K2Line1Part c K2Line2Part d")
    assert "K2" not in text and text.count("[REDACTED]") == 3
    assert ConnectionSettings(project_id="P2x", management_key="K2y").secrets() == ("K2y",)  # a real id is not a secret
    assert redact("abc", ["", "b"]) == "a[REDACTED]c"


def test_hidden_values_cover_keys_in_any_credential_position_but_not_real_project_ids() -> None:
    hidden = hidden_values({"project_id": "K2KeyInTheIdSlot0001", "management_key": "P2IdInTheKeySlot"}, {"DESCOPE_MANAGEMENT_KEY": "K2Env\nSecondLine"})
    assert {"K2KeyInTheIdSlot0001", "P2IdInTheKeySlot", "K2Env\nSecondLine", "SecondLine"} <= hidden
    assert hidden_values({"project_id": "P2RealProject01", "management_key": None}, {}) == set()
