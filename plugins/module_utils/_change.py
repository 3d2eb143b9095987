# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The planned-change type every resource spec returns (FOR INTERNAL COLLECTION USE ONLY).

A resource spec compares what is declared with what exists and returns a list of ``Change``; the
pipeline (``_pipeline``) applies them. The helpers here only read changes (counts, diff entries,
audit operations), so specs and the pipeline format them the same way.
"""

from __future__ import annotations

import dataclasses
import typing as t

from ansible_collections.descope.mgmt.plugins.module_utils._errors import DescopeAPIError

AUDIT_VERSION = 1
PAST_TENSE = {
    "create": "created",
    "update": "updated",
    "delete": "deleted",
    "import": "imported",
    "unchanged": "unchanged",
    "backup": "backed_up",
    "restore": "restored",
    "retention": "removed",
    "export": "exported",
}


@dataclasses.dataclass
class Change:
    """One planned operation on one object; ``before``/``after`` hold managed fields only."""

    target_type: str
    target_id: str
    action: str
    before: dict[str, t.Any] | None = None
    after: dict[str, t.Any] | None = None
    apply: t.Callable[[t.Any], None] | None = None
    phase: int = 0
    stage: int = 0  # a failure in one stage skips every later stage (restore: tenants, then flows, then the snapshot)
    outcome: str = "pending"  # ok | failed | check | skipped | unchanged
    error: dict[str, t.Any] | None = None
    duration_ms: int = 0
    pruned: bool = False  # a delete planned by prune (not declared by the task): the delete guards count these
    renamed_from: str | None = None  # an update that renames the object in place: its id before

    @property
    def changed(self) -> bool:
        return self.action != "unchanged"

    @property
    def result_action(self) -> str:
        """What happened (or would happen, in check mode) in past tense: created, updated ..."""
        if self.outcome in ("failed", "skipped"):
            return self.outcome
        return PAST_TENSE.get(self.action, self.action)

    def as_result(self) -> dict[str, t.Any]:
        item: dict[str, t.Any] = {
            "id": self.target_id,
            "action": self.result_action,
            "changed": self.changed and self.outcome in ("ok", "check"),
        }
        item["before"] = self.before
        item["after"] = self.after
        if self.renamed_from is not None:
            item["renamed_from"] = self.renamed_from
        if self.error:
            item["error"] = self.error
        return item

    def as_operation(self, check_mode: bool) -> dict[str, t.Any]:
        return operation(
            self.action if self.action != "unchanged" else "read",
            self.target_type,
            self.target_id,
            self.changed and self.outcome in ("ok", "check"),
            self.result_action,
            check_mode,
            before=self.before,
            after=self.after,
            outcome=self.outcome,
            error=self.error,
            duration_ms=self.duration_ms,
        )


def operation(
    name: str,
    target_type: str,
    target_id: str,
    changed: bool,
    action: str,
    check_mode: bool,
    before: dict[str, t.Any] | None = None,
    after: dict[str, t.Any] | None = None,
    outcome: str | None = None,
    error: dict[str, t.Any] | None = None,
    duration_ms: int = 0,
) -> dict[str, t.Any]:
    """One entry of ``descope_audit.operations``: the only shape the audit callback records (docs/architecture.md)."""
    if outcome is None:
        outcome = ("check" if check_mode else "ok") if changed else "unchanged"
    return {
        "operation": name,
        "target_type": target_type,
        "target_id": target_id,
        "changed": changed,
        "action": action,
        "before": before,
        "after": after,
        "outcome": outcome,
        "check_mode": check_mode,
        "error": error,
        "duration_ms": duration_ms,
    }


def counts(changes: list[Change]) -> dict[str, int]:
    result = {"created": 0, "updated": 0, "deleted": 0, "imported": 0, "unchanged": 0, "failed": 0, "skipped": 0}
    for change in changes:
        key = change.result_action
        result[key] = result.get(key, 0) + 1
    return {k: v for k, v in result.items() if v or k in ("created", "updated", "deleted", "unchanged", "failed")}


def diff_entries(changes: list[Change]) -> list[dict[str, t.Any]]:
    """Ansible diff entries (a list of before/after dicts), one per changed object."""
    entries = []
    for change in changes:
        if not change.changed:
            continue
        label = f"{change.target_type} {change.target_id}"
        before_label, done = label, change.action
        if change.renamed_from is not None:  # a rename reads as one: old name before, new name after
            before_label = f"{change.target_type} {change.renamed_from}"
            done = f"rename from {change.renamed_from}"
        entries.append(
            {
                "before_header": f"{before_label} (before)" if change.before is not None else f"{label} (absent)",
                "after_header": f"{label} (after {done})" if change.after is not None else f"{label} (deleted)",
                "before": change.before if change.before is not None else {},
                "after": change.after if change.after is not None else {},
            }
        )
    return entries


# the words of messages for a target type whose name reads badly as one (the type is a stored audit value: its
# spelling stays); each: (one, the noun after a count, the plural)
_NOUNS = {
    "sso": ("SSO connection", "SSO connection(s)", "SSO connections"),
    "sso_admin_link": ("SSO admin link", "SSO admin link(s)", "SSO admin links"),
    "tenant_settings": ("tenant settings", "tenant settings", "tenant settings"),
}


def noun(target_type: str, form: int = 0) -> str:
    """The words for a target type: ``form`` 0 ``tenant``, 1 ``tenant(s)`` (after a count), 2 ``tenants``."""
    return _NOUNS.get(target_type, (target_type, f"{target_type}(s)", f"{target_type}s"))[form]


def counted_noun(target_type: str) -> str:
    return noun(target_type, 1)


def plural_noun(target_type: str) -> str:
    return noun(target_type, 2)


def summary_message(target_type: str, changes: list[Change], check_mode: bool) -> str:
    c = counts(changes)
    parts = [f"{n} {k}" for k, n in c.items() if n]
    prefix = "Check mode: would have " if check_mode else ""
    if not any(ch.changed for ch in changes):
        return (
            f"All {len(changes)} {counted_noun(target_type)} already match; nothing to do."
            if changes
            else f"No {plural_noun(target_type)} declared; nothing to do."
        )
    return f"{prefix}{', '.join(parts)} ({plural_noun(target_type)})."


def first_error(changes: list[Change]) -> dict[str, t.Any] | None:
    """The first failure; else the reason the first write that was not sent gave (a required journal, a dead
    controller)."""
    for outcome in ("failed", "skipped"):
        for change in changes:
            if change.outcome == outcome and change.error:
                return dict(change.error, target_id=change.target_id)
    return None


def raise_for_not_found(exc: DescopeAPIError) -> None:
    """Re-raise unless the error means 'absent' (404, or Descope's 400 not-found)."""
    if not exc.is_not_found:
        raise exc
