"""Entry point for ``python tests/emulator``: makes ``emulator`` importable, then serves."""

import os
import sys

if __package__ in (None, ""):
    # Run as a directory: put tests/ on the path so the package imports by its own name.
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from emulator.server import main  # noqa: E402  pylint: disable=wrong-import-position

if __name__ == "__main__":
    sys.exit(main())
