"""The open-data stage: JSON Schemas, dumps, changes log and data package, in that order.

    dist/schemas/...          JSON Schemas of the records (generator/schemas.py)
    dist/dumps/...            JSON, NDJSON, gzip, CSV, SQLite (generator/dumps.py, sqlite_dump.py)
    dist/changes.json         what changed since the previous snapshot in git (generator/changes.py)
    dist/datapackage.json     every dump described, sized and hashed (generator/datapackage.py)
"""

from generator.changes import changes_json, snapshot_changes
from generator.datapackage import data_package
from generator.dumps import Dump, write_csv, write_record_dumps
from generator.mirror import Tally
from generator.output import StagedOutput
from generator.schemas import write_schemas
from generator.settings import BuildSettings
from generator.sqlite_dump import write_sqlite
from generator.validate import SnapshotIndex


def write_open_data(index: SnapshotIndex, out: StagedOutput, settings: BuildSettings, tally: Tally) -> list[Dump]:
    """Write the whole open-data stage into the staging folder; return the dumps written."""
    schemas = write_schemas(out, settings)
    for relpath in schemas.values():
        tally.add("schemas", out.path(relpath).stat().st_size)
    as_of = index.snapshot.metadata["as_of"]
    dumps: list[Dump] = []
    for vindex in index.versions.values():
        for mode in vindex.spec.modes:
            dumps.extend(write_record_dumps(vindex, mode, out))
        dumps.append(write_csv(vindex, out))
        dumps.append(write_sqlite(vindex, out, {"as_of": as_of, "source": "Launch Library 2 by The Space Devs"}))
    for dump in dumps:
        tally.add("dumps", out.path(dump.relpath).stat().st_size)
    for relpath, body in (
        ("changes.json", changes_json(snapshot_changes(index.snapshot, index))),
        ("datapackage.json", data_package(dumps, out, schemas, as_of, settings)),
    ):
        out.write(relpath, body)
        tally.add("metadata", len(body))
    return dumps
