"""The build memo: values looked up many at a time come back in order, made only when missing."""

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
