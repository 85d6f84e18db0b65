"""Pure-Python clinical domain: snapshot models, units, criteria rules and the engine.

Imports only the standard library and pydantic (an import-linter contract enforces it).
"""

ENGINE_VERSION = "0.1.0"
