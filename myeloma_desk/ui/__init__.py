"""Qt user interface (PySide6): thin views over the engine, evidence, store and reports."""
