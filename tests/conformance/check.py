"""How an answer is compared with a case's `expect` (README.md, "Comparing"): shared by the
Python runners; the JS runners do the same steps."""

import hashlib
import re
from typing import Any

import orjson

#: A list page's head: its links are compared apart, after the origin is removed.
_HEAD = re.compile(rb'^\{"count":([0-9]+),"next":(null|"[^"]*"),"previous":(null|"[^"]*"),"results":\[')
_ORIGIN = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*")


def without_origin(link: str | None) -> str | None:
    """`http://127.0.0.1:8000/2.3.0/events/?limit=10&offset=10` -> `/2.3.0/events/?limit=10&offset=10`."""
    return None if link is None else _ORIGIN.sub("", link)


def digest(body: bytes) -> str:
    """sha256 (hex) of the body, a list page's next and previous first written as null."""
    head = _HEAD.match(body)
    if head is not None:
        body = b'{"count":' + head.group(1) + b',"next":null,"previous":null,"results":[' + body[head.end() :]
    return hashlib.sha256(body).hexdigest()


def describe(body: bytes) -> dict[str, Any]:
    """What `expect` records of a JSON body beside its digest: the count, ids and links of a
    list page, the id of a record; the text itself when it is short (an error)."""
    out: dict[str, Any] = {"body_sha256": digest(body)}
    if len(body) <= 200 and not _HEAD.match(body):  # a list's links are compared apart
        out["body"] = body.decode("utf-8")
    try:
        value = orjson.loads(body)
    except orjson.JSONDecodeError:
        return out
    if isinstance(value, dict) and "results" in value and "count" in value:
        out["count"] = value["count"]
        out["ids"] = [r.get("id") for r in value["results"]]
        out["next"] = without_origin(value["next"])
        out["previous"] = without_origin(value["previous"])
    elif isinstance(value, dict) and "id" in value:
        out["id"] = value["id"]
    return out


def media_type(content_type: str) -> str:
    return content_type.split(";")[0].strip().lower()


def compare(expect: dict[str, Any], status: int, headers: dict[str, str], body: bytes) -> list[str]:
    """What differs between a case's `expect` and an answer (header names in lower case);
    [] when the answer passes."""
    problems = []
    if status != expect["status"]:
        problems.append(f"status {status}, expected {expect['status']}")
    got_type = media_type(headers.get("content-type", ""))
    if got_type != media_type(expect["content_type"]):
        problems.append(f"content type {got_type!r}, expected {expect['content_type']!r}")
    for name, value in expect.get("headers", {}).items():
        if headers.get(name) != value:
            problems.append(f"header {name}: {headers.get(name)!r}, expected {value!r}")
    if "body_sha256" in expect:
        got = describe(body) if body else {"body_sha256": digest(body), "body": ""}
        for key in ("count", "ids", "next", "previous", "id", "body", "body_sha256"):
            if key in expect and got.get(key) != expect[key]:
                shown = str(got.get(key))[:120]
                problems.append(f"{key} {shown}, expected {str(expect[key])[:120]}")
                if key in ("body", "ids"):
                    break
    return problems
