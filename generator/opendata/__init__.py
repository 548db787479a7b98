"""Open data: dumps (JSON, NDJSON, CSV, SQLite), JSON Schemas, the data package
and the changes since the previous snapshot."""
