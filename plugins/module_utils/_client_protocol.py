# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The calls resource specs make on the Descope client (FOR INTERNAL COLLECTION USE ONLY).

``DescopeClient`` implements it; a spec is typed against this protocol, so mypy checks every call a spec makes while
tests stay free to hand in a recording fake.
"""

from __future__ import annotations

import typing as t

Answer = dict[str, t.Any]
# for a create whose answer was lost: the answer to use if it landed, or None to send it again
Resolve = t.Callable[[], "Answer | None"]


class ApiClient(t.Protocol):
    """Descope Management API calls: ``read`` only reads; ``idempotent`` may be repeated harmlessly."""

    def get(self, path: str, params: t.Mapping[str, t.Any] | None = None) -> Answer: ...

    def post(
        self,
        path: str,
        body: t.Any = None,
        read: bool = False,
        idempotent: bool = False,
        resolve: Resolve | None = None,
    ) -> Answer: ...

    def patch(self, path: str, body: t.Any, idempotent: bool = False, resolve: Resolve | None = None) -> Answer: ...

    def request(
        self,
        method: str,
        path: str,
        params: t.Mapping[str, t.Any] | None = None,
        body: t.Any = None,
        read: bool = False,
        idempotent: bool = False,
        resolve: Resolve | None = None,
    ) -> Answer: ...
