"""tests/contract imports its helpers as the ``contract`` package (tests/ is on sys.path via tests/conftest.py)."""
