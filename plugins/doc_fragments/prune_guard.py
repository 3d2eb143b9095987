# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared documentation: the delete guards of every descope.mgmt module that prunes."""

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  allow_empty_prune:
    description:
      - With O(prune=true), a task that declares no object of a kind (an empty list, a directory without flow files,
        a backup without tenants) would delete every unprotected object of that kind. That is refused before any
        write unless this is V(true).
      - V(true) also lifts O(max_delete_ratio) for that empty set (emptying is 100 percent of it by definition).
    type: bool
    default: false
  max_delete_ratio:
    description:
      - With O(prune=true), the task fails before any write (check mode included) when prune would delete more than
        this share of the objects of one kind that exist (for example V(0.5) refuses 3 deletes out of 5, accepts 2).
      - Deleting the only object of a kind is 100 percent and is refused with the default; set V(1) to lift the guard.
      - The message names the count and the objects. The same idea as auth0-deploy-cli's C(AUTH0_ALLOW_DELETE) and
        Terraform's C(prevent_destroy).
      - Deletes the task names itself (O(state=absent)) are never counted.
    type: float
    default: 0.5
  max_deletes:
    description:
      - With O(prune=true), the task fails before any write when prune would delete more than this many objects of
        one kind. Unset means no count limit (O(max_delete_ratio) still applies).
    type: int
"""
