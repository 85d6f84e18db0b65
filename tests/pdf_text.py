"""The text of a PDF the app wrote, page by page, whitespace runs collapsed: through pypdf
(``page_texts``) or poppler's ``pdftotext -layout`` (``layout_texts``, reading order as
printed). Used by the report tests in tests/ui and tests/cli."""

from __future__ import annotations

import subprocess
from pathlib import Path

from pypdf import PdfReader


def page_texts(path: Path) -> list[str]:
    """Text of each page with whitespace runs collapsed (pypdf separates words with tabs)."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(path).pages]


def layout_texts(path: Path) -> list[str]:
    """Text of each page as ``pdftotext -layout`` reads it (needs poppler-utils)."""
    out = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    ).stdout.decode("utf-8")
    return [" ".join(p.split()) for p in out.split("\f") if p.strip()]
