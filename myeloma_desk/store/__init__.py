"""Local patient store (SQLite, pure Python, no Qt)."""
