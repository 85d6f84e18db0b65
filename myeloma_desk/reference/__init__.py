"""The bundled PDQ reference text: loading, headings and credit (pure Python, no Qt)."""
