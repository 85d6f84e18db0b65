"""Widgets for each section of the main window."""
