"""What the SPARQL endpoint accepts: read-only queries that stay inside this store.

Updates cannot run at all: the endpoint evaluates only through ``Store.query``, which parses
SPARQL Query and nothing else. This module gives the refusals their reasons (an update gets
"updates are not accepted", not a parse error) and keeps out SERVICE, which Oxigraph would
otherwise evaluate by calling the named endpoint over HTTP from this machine.
"""
from __future__ import annotations

import re

MAX_QUERY_LENGTH = 100_000          # characters; longer texts are refused before parsing

_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_SERVICE_WORD = re.compile(r"service", re.IGNORECASE)


class QueryRefused(Exception):
    """A request the endpoint will not evaluate; ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def unescape_codepoints(text: str) -> str:
    """SPARQL reads ``\\u0053`` as "S" anywhere in a query, keywords included (SPARQL 1.1
    section 19.2), so checks look at the text with those escapes replaced."""
    def replace(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else match.group(0)
    return _CODEPOINT.sub(replace, text)


def check_query(text: str) -> None:
    """Raise QueryRefused for a query the endpoint must not run; return for anything else
    (syntax errors included: the store reports those)."""
    if not text.strip():
        raise QueryRefused(400, "no query given: pass it as the 'query' parameter")
    if len(text) > MAX_QUERY_LENGTH:
        raise QueryRefused(413, f"the query is longer than {MAX_QUERY_LENGTH} characters")
    plain = unescape_codepoints(text)
    # Most queries never spell the word, and then cannot hold a SERVICE clause: only those that
    # do pay for a full parse, which tells a clause from a string that says "service".
    if not _SERVICE_WORD.search(plain):
        return
    try:
        from rdflib.plugins.sparql.parser import parseQuery
        tree = parseQuery(plain)
    except Exception as exc:  # noqa: BLE001 - any parser failure means "cannot vouch for it"
        raise QueryRefused(400, f"the query mentions SERVICE and could not be checked: {exc}") from exc
    if "ServiceGraphPattern" in _names(tree):
        raise QueryRefused(403, "SERVICE (federated query) is not allowed on this endpoint")


def refusal_for_syntax_error(text: str, message: str) -> QueryRefused:
    """The answer to a text the query parser rejected: 403 when it is an update, else 400."""
    if is_update(text):
        return QueryRefused(403, "updates are not accepted: this endpoint is read-only")
    return QueryRefused(400, message)


def is_update(text: str) -> bool:
    try:
        from rdflib.plugins.sparql.parser import parseUpdate
        parseUpdate(unescape_codepoints(text))
    except Exception:  # noqa: BLE001
        return False
    return True


def _names(node) -> set[str]:
    from rdflib.plugins.sparql.parserutils import CompValue

    found: set[str] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, CompValue):
            found.add(current.name)
            stack.extend(current.values())
        elif isinstance(current, (list, tuple)) or hasattr(current, "asList"):
            stack.extend(current)
        elif isinstance(current, dict):
            stack.extend(current.values())
    return found
