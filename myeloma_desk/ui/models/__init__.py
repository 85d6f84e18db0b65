"""Qt item models: thin adapters over domain, evidence and store objects."""
