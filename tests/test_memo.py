"""The build memo: values looked up many at a time come back in order, made only when missing."""

import sqlite3
from pathlib import Path

from generator.incremental.memo import Memo


def test_values_returns_stored_ones_in_order_and_makes_only_the_missing(tmp_path: Path) -> None:
    keys = [f"k{i}".encode() for i in range(1203)]  # more than one lookup's worth
    first = Memo(tmp_path)
    assert first.values("n", keys[::2], lambda i: {"made": i * 2}) == [{"made": i} for i in range(0, 1203, 2)]
    first.save()
    made: list[int] = []

    def make(i: int) -> dict[str, int]:
        made.append(i)
        return {"made": i}

    second = Memo(tmp_path)
    assert second.values("n", keys, make) == [{"made": i} for i in range(1203)]
    assert made == list(range(1, 1203, 2))  # only the keys the first build did not store
    assert (second.hits, second.misses) == (602, 601)
    second.save()
    third = Memo(tmp_path)
    third.values("n", keys[:1], make)
    third.save()
    # Saving keeps only what the build used: the other 1,202 values are gone.
    fourth = Memo(tmp_path)
    assert fourth.values("n", keys[:2], lambda i: "new") == [{"made": 0}, "new"]


def test_rows_kept_in_tables_are_read_by_another_connection_and_dropped_when_unused(tmp_path: Path) -> None:
    create = "CREATE TABLE IF NOT EXISTS rows_t_main (key TEXT PRIMARY KEY, value)"
    first = Memo(tmp_path)
    assert first.table_keys("rows_t_main", create, [b"a", b"b"]) == [0, 1]
    first.store_rows("rows_t_main", [(b"a".hex(), "A"), (b"b".hex(), "B")])
    shared = first.shared()
    assert shared is not None
    with sqlite3.connect(shared) as reader:  # committed: another connection sees them
        assert reader.execute("SELECT value FROM rows_t_main ORDER BY key").fetchall() == [("A",), ("B",)]
    first.save()
    second = Memo(tmp_path)
    assert second.table_keys("rows_t_main", create, [b"b", b"c"]) == [1]  # only c is missing
    second.save()  # a was not used: dropped
    with sqlite3.connect(tmp_path / "values.sqlite") as reader:
        assert reader.execute("SELECT value FROM rows_t_main").fetchall() == [("B",)]
    assert Memo(None).table_keys("rows_t_main", create, [b"a"]) is None
