"""Offline emulator of the Descope Management API (stdlib only).

Run it with ``python tests/emulator --port 0``; see docs/architecture.md, section "Emulator".
"""
