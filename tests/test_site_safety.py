"""Untrusted strings: URLs, slugs, JSON in <script>, JSON shown as HTML, iCalendar lines."""

import json

from hypothesis import given
from hypothesis import strategies as st

from generator.common import safe_url
from generator.site.feeds import fold, ics_text
from generator.site.safety import script_json, slug_segment


def test_only_http_and_https_urls_are_kept():
    assert (
        safe_url("https://www.youtube.com/watch?v=_ga47xnD5Bc")
        == "https://www.youtube.com/watch?v=_ga47xnD5Bc"
    )
    assert safe_url("http://example.org/a") == "http://example.org/a"
    for hostile in (
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox",
        "//evil.example/x",
        'https://x.org/"><script>alert(1)</script>',
        "https:///no-host",
        None,
        42,
    ):
        assert safe_url(hostile) is None, hostile


@given(st.text())
def test_a_slug_segment_never_names_another_folder(text):
    segment = slug_segment(text)
    assert set(segment) <= set("abcdefghijklmnopqrstuvwxyz0123456789-")
    assert segment not in (".", "..") and "/" not in segment


def test_a_traversal_slug_becomes_a_plain_word():
    assert slug_segment("../../etc") == "etc"
    assert slug_segment("..") == ""


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.text(),
        lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner),
        max_leaves=10,
    )
)
def test_json_for_a_script_element_cannot_close_it_and_reads_back(value):
    text = script_json(value)
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == value


@given(st.text(min_size=0, max_size=400))
def test_icalendar_lines_fold_within_75_octets_and_unfold_to_the_original(text):
    line = "DESCRIPTION:" + ics_text(text)
    folded = fold(line)
    physical = folded.split(b"\r\n")[:-1]
    assert all(len(p) <= 75 for p in physical)
    assert b"".join(p[1:] if i else p for i, p in enumerate(physical)).decode() == line
