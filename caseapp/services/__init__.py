"""Use cases and pure domain rules, one module per area; every call is one unit of work."""
