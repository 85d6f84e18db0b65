"""Treatment-evidence database built from the PDQ summary (pure Python, no Qt)."""
