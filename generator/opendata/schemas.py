"""JSON Schemas of the records, exported from the pydantic models: dist/schemas/.

    schemas/{version}/{endpoint}[.{mode}].schema.json     (JSON Schema draft 2020-12)

One schema per version and mode, describing one record of the matching dump and API answer.
Unknown fields are allowed: the models report them as schema drift, but the build still
publishes such records as sent, and a published schema must accept the published dumps.
"""

from typing import Any

import orjson

from generator.api.versions import VERSIONS
from generator.common import digest
from generator.incremental.memo import Memo
from generator.load.validate import MODEL_NAMES
from generator.output.staging import StagedOutput
from generator.settings import BuildSettings

SCHEMAS_DIR = "schemas"
DIALECT = "https://json-schema.org/draft/2020-12/schema"


def schema_relpath(version: str, mode: str | None) -> str:
    """Where the schema of one version/mode is, relative to dist/."""
    name = VERSIONS[version].snapshot_name(mode).removesuffix(".ndjson")
    return f"{SCHEMAS_DIR}/{version}/{name}.schema.json"


def _allow_unknown_fields(node: Any) -> None:
    """Drop pydantic's `additionalProperties: false` (from extra="forbid") everywhere."""
    if isinstance(node, dict):
        if node.get("additionalProperties") is False:
            del node["additionalProperties"]
        for value in node.values():
            _allow_unknown_fields(value)
    elif isinstance(node, list):
        for value in node:
            _allow_unknown_fields(value)


def record_schema(version: str, mode: str | None, settings: BuildSettings) -> dict[str, Any]:
    """The JSON Schema of one event record of `version` in `mode`."""
    from generator.api.models import EVENT_MODELS  # pydantic: loaded when a schema is made

    model = EVENT_MODELS[(version, mode)]
    spec = VERSIONS[version]
    what = f"/{version}/{spec.endpoint}/" + (f" in mode={mode}" if mode else "")
    head: dict[str, Any] = {"$schema": DIALECT}
    if settings.base_url.startswith(("http://", "https://")):
        head["$id"] = settings.url(schema_relpath(version, mode))
    schema = model.model_json_schema()
    _allow_unknown_fields(schema)
    schema["title"] = f"LL2 {version} event" + (f" ({mode})" if mode else "")
    schema["description"] = (
        f"One event record of the Launch Library 2 API {what}, as the ll2-static mirror and its "
        "dumps publish it (generated from the pydantic models of generator/models/)."
    )
    return head | schema


def write_schemas(
    out: StagedOutput, settings: BuildSettings, memo: Memo | None = None
) -> dict[tuple[str, str | None], str]:
    """Write every version/mode's schema; return where each went.

    A schema depends only on the code (the memo is emptied when it changes) and the base URL.
    """
    memo = memo or Memo(None)
    written: dict[tuple[str, str | None], str] = {}
    for version, mode in MODEL_NAMES:  # EVENT_MODELS's keys, without loading pydantic
        relpath = schema_relpath(version, mode)

        def make(version: str = version, mode: str | None = mode) -> str:
            schema = record_schema(version, mode, settings)
            return (orjson.dumps(schema, option=orjson.OPT_INDENT_2) + b"\n").decode()

        text = memo.value("schemas", digest(relpath.encode(), settings.base_url.encode()), make)
        out.write(relpath, text.encode())
        written[(version, mode)] = relpath
    return written
