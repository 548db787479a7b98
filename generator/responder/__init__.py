"""One responder for every Python answerer: method, URL and headers in; status, headers, body out.

`build.py serve` (over HTTP) and `build.py resolve` (on the command line) are thin shells over
`Responder.answer`; tests/conformance/ runs the same cases against both.
"""

from generator.responder.core import Answer, Request, Responder
from generator.responder.engine import Engine

__all__ = ["Answer", "Engine", "Request", "Responder"]
