# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a Descope answer means: its JSON object, or the error it stands for (FOR INTERNAL COLLECTION USE ONLY)."""

from __future__ import annotations

import typing as t

from ansible_collections.descope.mgmt.plugins.module_utils._client_retry import retry_after
from ansible_collections.descope.mgmt.plugins.module_utils._errors import DescopeAPIError, redirect_refused


def decode_answer(method: str, path: str, response: t.Any, read: bool = True) -> dict[str, t.Any]:
    """The JSON object of a 2xx answer; else the DescopeAPIError it stands for (a redirect is never followed)."""
    # never followed: a 307 would take the body elsewhere, a 302 make a write a GET
    if 300 <= response.status_code < 400:
        raise redirect_refused(response, method, path, not read)
    text = response.text or ""
    payload: t.Any = None
    if text.strip():
        try:
            payload = response.json()
        except ValueError:
            payload = None
            if response.ok:
                raise DescopeAPIError(
                    response.status_code,
                    method,
                    path,
                    error_description="malformed response body",
                    error_message="the response is not valid JSON",
                    outcome_unknown=not read,
                ) from None
    elif response.ok and read:
        # A read always answers with data: an empty body means the answer was lost on the way, and taking it
        # as {} would turn "tenants: [...]" into "no tenants". Writes are different: whether a void call
        # answers {} or nothing is not documented (descope-api.md section 1), so an empty 2xx write is a success.
        raise DescopeAPIError(
            response.status_code,
            method,
            path,
            error_description="empty response body",
            error_message="the response has no body (expected a JSON object)",
        )
    if response.ok:
        return payload if isinstance(payload, dict) else {}
    body = payload if isinstance(payload, dict) else {}
    wait = retry_after(response) if response.status_code == 429 else None
    raise DescopeAPIError(
        response.status_code,
        method,
        path,
        error_code=_str_or_none(body.get("errorCode")),
        error_description=_str_or_none(body.get("errorDescription")) or (None if body else (response.reason or None)),
        error_message=_str_or_none(body.get("errorMessage")),
        retry_after=wait,
    )


def _str_or_none(value: t.Any) -> str | None:
    return None if value in (None, "") else str(value)
