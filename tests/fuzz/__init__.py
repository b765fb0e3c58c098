"""Property-based fuzzing of lint, migrate and fix (see conftest.py for the profiles)."""
