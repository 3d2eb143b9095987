# Copyright: descope.mgmt contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What tests read in ansible-playbook's output: the warnings it printed."""

from __future__ import annotations

import re

# Ansible prints "[WARNING]: text" and wraps long text onto indented lines; 2.19 also prints "[DEPRECATION WARNING]"
_WARNING = re.compile(r"^\[(?:DEPRECATION )?WARNING\]:? ?(.*)$")


def playbook_warnings(output: str, allowed: tuple[str, ...] = ()) -> list[str]:
    """Every warning in ``output`` (stdout and stderr of a run) whose text contains none of ``allowed``."""
    found = []
    for line in output.splitlines():
        match = _WARNING.match(line.strip())
        if match and not any(part in match.group(1) for part in allowed):
            found.append(match.group(1))
    return found
