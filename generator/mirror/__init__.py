"""The JSON mirror: every event at its detail path, the core lists page by page,
and the manifest of every precomputed query."""
