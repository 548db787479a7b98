"""Keep the API key and the URL's credentials out of everything a fetch prints or writes.

`Redactor` replaces each secret (as is, percent-encoded, JSON-escaped) in a text to be shown,
and finds one in a response body: a page that echoes the key is refused rather than saved.
"""

import json
from collections.abc import Iterable
from urllib.parse import quote

MASK = "[secret]"
#: A secret shorter than this is not looked for in response bodies (it would match innocent
#: text); it is still masked in what is printed. LL2 keys are 40 characters.
_MIN_IN_BODY = 8


def _forms(secret: str) -> set[str]:
    escaped = json.dumps(secret, ensure_ascii=False)[1:-1]
    return {secret, quote(secret, safe=""), escaped, escaped.replace("/", "\\/")}


class Redactor:
    """Masks and finds the given secrets."""

    def __init__(self, secrets: Iterable[str]) -> None:
        forms = {form for secret in secrets if secret for form in _forms(secret)}
        self._forms = sorted(forms, key=len, reverse=True)  # "Token abc" before "abc"
        self._in_body = [f.encode() for f in self._forms if len(f) >= _MIN_IN_BODY or " " in f]

    def __call__(self, text: str) -> str:
        """`text` with every secret masked."""
        for form in self._forms:
            text = text.replace(form, MASK)
        return text

    def found_in(self, body: bytes) -> bool:
        """Whether `body` holds a secret (long enough to tell, or a whole header value)."""
        return any(form in body for form in self._in_body)
