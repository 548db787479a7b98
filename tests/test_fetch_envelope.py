"""LL2's envelope split into each record's bytes as sent; anything incomplete refused."""

import orjson
import pytest

from generator.fetch.envelope import BadBody, parse_page

RECORD_A = b'{"id":1,"name":"Caf\xc3\xa9 \\u2028 [x] {y} \\"q\\"","n":[{"id":2}],"f":1.10}'
RECORD_B = b'{"id":3,"name":"b"}'
BODY = (
    b'{"count":2,"next":"https://ll.thespacedevs.com/2.3.0/events/?limit=2&offset=2","previous":null,"results":[%s,%s]}'
    % (RECORD_A, RECORD_B)
)


def test_records_keep_the_bytes_ll2_sent() -> None:
    page = parse_page(BODY)
    assert page.records == [RECORD_A, RECORD_B]
    assert orjson.dumps(orjson.loads(RECORD_A)) != RECORD_A  # re-serialising would have changed it
    assert (page.count, page.next, page.reserialised) == (
        2,
        "https://ll.thespacedevs.com/2.3.0/events/?limit=2&offset=2",
        0,
    )


def test_a_pretty_printed_record_becomes_one_compact_line() -> None:
    pretty = orjson.dumps(orjson.loads(BODY), option=orjson.OPT_INDENT_2)
    page = parse_page(pretty)
    assert page.records[1] == RECORD_B and page.reserialised == 2
    assert all(b"\n" not in r for r in page.records)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (BODY[:-10], "not JSON or truncated"),
        (b"<html>Bad Gateway</html>", "not JSON or truncated"),
        (b"[]", "not an LL2 list envelope (not a JSON object)"),
        (b'{"detail":"Not found."}', "not an LL2 list envelope (needs 'count' and 'results')"),
        (b'{"count":1,"next":null,"results":[1]}', "'results' is not a list of records"),
    ],
)
def test_an_incomplete_or_foreign_body_is_refused(body: bytes, message: str) -> None:
    with pytest.raises(BadBody) as caught:
        parse_page(body)
    assert str(caught.value).startswith(message)
