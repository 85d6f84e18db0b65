"""Printable assessment reports: build.py makes the content (pure); render_qt.py renders it."""
