"""Pydantic v2 models of LL2 event records, one module per API version.

The models validate; they never produce the bytes we publish. Every model forbids unknown
fields so that schema drift surfaces as an `extra_forbidden` error, which the validator turns
into a warning (the record is still published exactly as sent).
"""

from pydantic import BaseModel

from generator.api.models import v2_2_0, v2_3_0

#: (version, mode) -> model of one event record. 2.2.0 has a single shape (mode None).
EVENT_MODELS: dict[tuple[str, str | None], type[BaseModel]] = {
    ("2.2.0", None): v2_2_0.Event,
    ("2.3.0", "list"): v2_3_0.EventList,
    ("2.3.0", "normal"): v2_3_0.EventNormal,
    ("2.3.0", "detailed"): v2_3_0.EventDetailed,
}
