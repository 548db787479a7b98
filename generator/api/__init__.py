"""The LL2 API we mirror: its versions, query semantics (canonical queries, the engine,
the facets lists filter on) and the pydantic models of its records."""
