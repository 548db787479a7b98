"""Times as LL2 and the snapshot write them: ISO 8601 with a zone, e.g. 2025-12-04T17:06:15Z."""

from datetime import datetime


def parse_utc(text: str) -> datetime:
    """Parse an ISO 8601 UTC timestamp such as 2025-12-04T17:06:15Z."""
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if value.tzinfo is None:
        raise ValueError(f"timestamp {text!r} has no time zone")
    return value
