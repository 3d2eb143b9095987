# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

import pytest

from ansible_collections.descope.mgmt.plugins.module_utils._errors import DescopeConfigError
from ansible_collections.descope.mgmt.plugins.module_utils._options import (
    CONNECTION_ARGSPEC,
    DEFAULT_BASE_URL,
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


def test_empty_argument_falls_back_to_environment() -> None:
    assert settings_from_params({"project_id": "", "management_key": None}, ENV).project_id == "P2envproject"


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
    assert settings_from_params({"project_id": long_id, "management_key": "K"}, {}).base_url == "https://api.use1.descope.com"


def test_key_not_in_repr() -> None:
    s = settings_from_params({"project_id": "P2x", "management_key": "K2-secret-canary"}, {})
    assert "K2-secret-canary" not in repr(s)
    assert "K2-secret-canary" not in repr(s.cache_key())


def test_retry_settings_and_defaults() -> None:
    s = settings_from_params({"project_id": "P", "management_key": "K", "retries": 0, "retry_max_wait": 2.5, "timeout": 3}, {})
    assert (s.retries, s.retry_max_wait, s.timeout) == (0, 2.5, 3.0)
    d = settings_from_params({"project_id": "P", "management_key": "K"}, {})
    assert (d.retries, d.retry_max_wait, d.timeout, d.validate_certs) == (4, 60.0, 60.0, True)


def test_with_connection_merges_and_does_not_alias() -> None:
    spec = with_connection({"name": {"type": "str"}})
    assert set(CONNECTION_ARGSPEC) <= set(spec) and "name" in spec
    assert spec["management_key"]["no_log"] is True
    spec["timeout"]["default"] = 1
    assert CONNECTION_ARGSPEC["timeout"]["default"] == 60.0
