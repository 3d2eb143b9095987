# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Error types shared by the client, the engine and every module (FOR INTERNAL COLLECTION USE ONLY).

Every failure a task can report is one of these, and ``to_result()`` turns it into the result keys
documented in docs/architecture.md (``msg``, ``error``, ``hint``, ``validation_errors``). None of them
ever holds the management key: the client builds them from the response and the request path only.
"""

from __future__ import annotations

import dataclasses
import typing as t
import urllib.parse

from ansible_collections.descope.mgmt.plugins.module_utils._hints import one_line
from ansible_collections.descope.mgmt.plugins.module_utils._text import escape_text


class DescopeError(Exception):
    """Base class: carries a machine-readable ``error`` dict and the one-line hint."""

    kind = "error"

    def error_dict(self) -> dict[str, t.Any]:
        return {"kind": self.kind, "message": str(self)}

    def to_result(self) -> dict[str, t.Any]:
        error = self.error_dict()
        hint = one_line(error)
        msg = str(self)
        if hint:
            msg = f"{msg} Hint: {hint}"
        return {"msg": msg, "error": error, "hint": hint}


class DescopeAPIError(DescopeError):
    """An HTTP call that failed after retries (``status`` is None for network failures)."""

    def __init__(
        self,
        status: int | None,
        method: str,
        path: str,
        error_code: str | None = None,
        error_description: str | None = None,
        error_message: str | None = None,
        retry_after: float | None = None,
        network_error: str | None = None,
        outcome_unknown: bool = False,
    ) -> None:
        self.status = status
        # a write whose answer was lost (dropped after sending, read timeout, unreadable body): it may have landed
        self.outcome_unknown = outcome_unknown
        self.method = method
        self.path = path
        self.error_code = error_code
        self.error_description = error_description
        self.error_message = error_message
        self.retry_after = retry_after
        self.network_error = network_error
        super().__init__(self._describe())

    @property
    def kind(self) -> str:  # type: ignore[override]
        return "network" if self.status is None else "api"

    def _describe(self) -> str:
        where = f"{self.method} {self.path}"
        if self.status is None:
            return f"Descope API request {where} failed: {self.network_error or 'network error'}."
        parts = [p for p in (self.error_code, self.error_description, self.error_message) if p]
        detail = ": ".join(parts) if parts else "no error details in the response"
        return f"Descope API request {where} failed with HTTP {self.status} ({detail})."

    @property
    def is_not_found(self) -> bool:
        # Only a 404 says "absent" (the live evidence: descope-ruby-sdk integration tests, 404 for a missing
        # user). Descope's 400 texts are unpublished, so no wording is guessed: a word such as "unknown" in an
        # unrelated 400 must never turn a failed delete into "already deleted". Callers that must tell a 400
        # not-found from a real refusal read whether the object exists (tenant/search by id, the flow list).
        return self.status == 404

    @property
    def is_rate_limited(self) -> bool:
        return self.status == 429 or self.error_code == "E130429"

    def error_dict(self) -> dict[str, t.Any]:
        return {
            "kind": self.kind,
            "status": self.status,
            "code": self.error_code,
            "description": self.error_description,
            "message": self.error_message or self.network_error,
            "method": self.method,
            "path": self.path,
            "retry_after": self.retry_after,
            "not_found": self.is_not_found,
            **({"outcome_unknown": True} if self.outcome_unknown else {}),
        }


class DescopeConfigError(DescopeError):
    """Missing or unusable connection settings, found before any request."""

    kind = "config"

    def __init__(self, missing: list[tuple[str, str]], detail: str | None = None) -> None:
        self.missing = missing
        if missing:
            names = " and ".join(f"option '{opt}' (environment variable {env})" for opt, env in missing)
            text = f"Missing Descope connection settings: set {names}."
        else:
            text = detail or "Invalid Descope connection settings."
        super().__init__(text)

    def error_dict(self) -> dict[str, t.Any]:
        return {"kind": self.kind, "message": str(self), "missing": [{"option": o, "env": e} for o, e in self.missing]}


@dataclasses.dataclass(frozen=True)
class Problem:
    """One validation problem: which item, which field, what is wrong and how to fix it."""

    field: str
    message: str
    fix: str
    index: int | None = None
    id: str | None = None
    source: str | None = None  # a file name or JSON path when the item came from a file

    def as_dict(self) -> dict[str, t.Any]:
        return {k: v for k, v in dataclasses.asdict(self).items() if v is not None}

    def describe(self) -> str:
        where = []
        if self.source:
            where.append(self.source)
        if self.index is not None:
            where.append(f"item {self.index}")
        if self.id:
            where.append(f"id '{self.id}'")
        prefix = f"{', '.join(where)}: " if where else ""
        return escape_text(
            f"{prefix}{self.field}: {self.message} Fix: {self.fix}"
        )  # a value may hold bidi or control characters


class DescopeValidationError(DescopeError):
    """All the problems found in the input, reported together before anything is written."""

    kind = "validation"

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        lines = "; ".join(p.describe() for p in problems)
        super().__init__(f"Validation failed with {len(problems)} problem(s), nothing was written: {lines}")

    def error_dict(self) -> dict[str, t.Any]:
        return {
            "kind": self.kind,
            "message": f"{len(self.problems)} validation problem(s)",
            "count": len(self.problems),
        }

    def to_result(self) -> dict[str, t.Any]:
        result = super().to_result()
        result["validation_errors"] = [p.as_dict() for p in self.problems]
        return result


class DescopeFileError(DescopeError):
    """A local file or directory problem (backups, flow exports, audit files)."""

    kind = "file"

    def __init__(self, path: str, message: str, fix: str | None = None) -> None:
        self.path = path
        self.fix = fix
        super().__init__(f"{path}: {message}" + (f" Fix: {fix}" if fix else ""))

    def error_dict(self) -> dict[str, t.Any]:
        return {"kind": self.kind, "message": str(self), "path": self.path}


def redirect_refused(response: t.Any, method: str, path: str, write: bool) -> DescopeAPIError:
    """A 3xx answer, not followed (the key and the body stay with base_url's host); only the target's origin is named.

    307/308 mean "send it there instead": nothing was done. After a 301/302/303 (a gateway's move, or a server that did
    the work and points at the result) a write may have been applied: its outcome is unknown (re-running converges).
    """
    target = urllib.parse.urlsplit(
        urllib.parse.urljoin(str(response.url or ""), str(response.headers.get("Location") or ""))
    )
    where = f"{target.scheme}://{target.netloc.rpartition('@')[2]}" if target.netloc else "an address it did not name"
    return DescopeAPIError(
        response.status_code,
        method,
        path,
        error_description="redirect not followed",
        error_message=f"base_url answered with a redirect to {where}; a request is never sent on to another address. "
        "Fix: set base_url to the Descope API itself (https://api.descope.com, or your region's or custom domain's "
        "API URL)",
        outcome_unknown=write and response.status_code not in (307, 308),
    )
