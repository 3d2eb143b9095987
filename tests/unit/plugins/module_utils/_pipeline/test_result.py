# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""censor_secrets: a result holding a spec's one-time secret, at any depth, is marked no_log; nothing else is."""

from __future__ import annotations

import dataclasses
import typing as t

import pytest

from ansible_collections.descope.mgmt.plugins.module_utils import _sso
from ansible_collections.descope.mgmt.plugins.module_utils._pipeline._result import censor_secrets, holds_secret

SPEC = dataclasses.replace(_sso.ADMIN_LINK_SPEC, secret_results=("admin_link", "cleartext"))


@pytest.mark.parametrize(
    "result",
    [
        {"changed": True, "admin_link": "https://x.invalid/?t=abc"},
        {"changed": True, "keys": [{"id": "k1", "cleartext": "s3cret"}]},
        {"changed": True, "nested": {"deeper": [{"admin_link": "x"}]}},
    ],
)
def test_a_result_holding_a_secret_is_censored(result: dict[str, t.Any]) -> None:
    assert censor_secrets(SPEC, dict(result))["_ansible_no_log"] is True


@pytest.mark.parametrize(
    "result",
    [
        {"changed": True, "msg": "Check mode: would have generated an SSO setup link"},
        {"changed": True, "admin_link": ""},
        {"changed": True, "admin_link": None, "keys": [{"id": "k1"}]},
        {"changed": False, "msg": "admin_link"},  # the key's name inside a value is not the key
    ],
)
def test_a_result_without_a_secret_stays_visible(result: dict[str, t.Any]) -> None:
    assert "_ansible_no_log" not in censor_secrets(SPEC, dict(result))


def test_a_spec_naming_no_secret_never_censors() -> None:
    plain = dataclasses.replace(SPEC, secret_results=())
    assert "_ansible_no_log" not in censor_secrets(plain, {"admin_link": "x"})
    assert holds_secret({"a": [{"b": {"admin_link": "x"}}]}, {"admin_link"}) is True


def test_the_admin_link_spec_names_its_link() -> None:
    assert _sso.ADMIN_LINK_SPEC.secret_results == ("admin_link",)
