"""Paths in dist/ that one stage writes and lower floors link to: the JS client's files (written
by client/, linked from the site's pages and read by the responder)."""

#: The JS query engine (client/ll2-static.js), at the root of dist/.
CLIENT_PATH = "ll2-static.js"


def compact_path(version: str) -> str:
    """The compact data the JS engine answers `version` from (client/compact.py)."""
    return f"compact/{version}.json"
