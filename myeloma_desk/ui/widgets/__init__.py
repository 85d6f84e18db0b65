"""Reusable widgets: the assessment panel, snapshot field editors and forms, the trend chart."""
