"""The named query library: SPARQL files in ``queries/`` and their parameters.

Every ``queries/<name>.rq`` starts with a header of comment lines::

    # title: Events near a point
    # description: Events with a place within $radius_km km of ($lat, $long) ...
    #   (continuation lines are indented: '#' followed by two or more spaces)
    # parameters: lat, long, radius_km          (or: none)
    # param lat: number, required -- latitude of the centre, decimal degrees (WGS84)
    # param radius_km: number -- search radius in kilometres

A parameter is the SPARQL variable ``$name`` (``$x`` and ``?x`` are the same variable in
SPARQL; the ``$`` spelling only marks it for readers). Its value reaches the query through an
inline ``VALUES`` block on a non-comment line, which also holds the default (``UNDEF``: none)::

    VALUES ($lat $long $radius_km) { (UNDEF UNDEF 25) }

so every file runs as it is in any SPARQL 1.1 engine. :func:`load_query` rewrites the one row of
each such block with the given values, formatted as RDF terms by type -- nothing given by a
caller is pasted into the text unchecked:

========== ====================================================================================
type       accepted value and how it is written into the query
========== ====================================================================================
iri        an absolute IRI, ``<...>`` optional; checked against the SPARQL IRIREF rules
resource   an IRI (``<...>``, or starting with ``scheme://`` or ``urn:``) binds ``$name``;
           anything else is a label and binds the companion variable ``$name_label`` to a
           string, which the query matches against rdfs:label / skos:altLabel
string     any text, written as an escaped string literal
number     a decimal number (``-12.5``, ``3e2``)
integer    a whole number
date       ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, written as a plain string literal
           (queries compare the lexical forms of dates of mixed precision)
choice(..) one of the listed words, e.g. ``choice(place|region|country)``; a string literal
========== ====================================================================================

A parameter marked ``required`` must be given. Output formatting is left to the callers.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

QUERY_DIR = Path(__file__).resolve().parent.parent / "queries"

__all__ = [
    "QUERY_DIR",
    "NamedQuery",
    "QueryParameter",
    "QueryNotFound",
    "QueryParameterError",
    "QueryFormatError",
    "list_queries",
    "get_query",
    "load_query",
    "format_value",
]

PARAM_TYPES = ("iri", "resource", "string", "number", "integer", "date")
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
_PARAM_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_CHOICE_RE = re.compile(r"^choice\(\s*([A-Za-z0-9_-]+(?:\s*\|\s*[A-Za-z0-9_-]+)*)\s*\)$")


class QueryNotFound(LookupError):
    """No query of that name in the library (and no such .rq file)."""

    def __init__(self, name: str, available: list[str]):
        self.name = name
        self.available = available
        listing = ", ".join(available) if available else "(none)"
        super().__init__(f"no query named {name!r}; available queries: {listing}")

    def __str__(self) -> str:  # LookupError would repr() the message
        return self.args[0]


class QueryParameterError(ValueError):
    """A parameter value that is unknown, missing, or not of its declared type."""


class QueryFormatError(ValueError):
    """A .rq file whose header or parameter VALUES block breaks the library convention."""


@dataclass(frozen=True)
class QueryParameter:
    name: str
    type: str                      # one of PARAM_TYPES, or "choice"
    required: bool = False
    default: str | None = None     # the SPARQL term in the VALUES block; None for UNDEF
    description: str = ""
    choices: tuple[str, ...] = ()  # for type "choice"

    @property
    def variables(self) -> tuple[str, ...]:
        """The SPARQL variables (without '$') the parameter binds."""
        if self.type == "resource":
            return (self.name, f"{self.name}_label")
        return (self.name,)


@dataclass(frozen=True)
class NamedQuery:
    name: str
    path: Path
    title: str
    description: str
    parameters: tuple[QueryParameter, ...] = field(default_factory=tuple)

    @property
    def text(self) -> str:
        return self.path.read_text(encoding="utf-8")

    def parameter(self, name: str) -> QueryParameter:
        for p in self.parameters:
            if p.name == name:
                return p
        raise KeyError(name)


# --------------------------------------------------------------------------- header parsing

_HEADER_KEY_RE = re.compile(r"^#\s?(title|description|parameters)\s*:\s*(.*)$")
_PARAM_LINE_RE = re.compile(
    r"^#\s?param\s+(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*:\s*(?P<spec>.*?)\s*(?:\s--\s*(?P<doc>.*))?$"
)
_CONTINUATION_RE = re.compile(r"^#\s{2,}(\S.*)$")


def _parse_header(text: str, path: Path) -> tuple[str, str, list[str] | None, list[dict]]:
    title = ""
    description_parts: list[str] = []
    declared: list[str] | None = None
    params: list[dict] = []
    current: str | None = None   # what a continuation line continues
    for raw in text.splitlines():
        line = raw.rstrip()
        if not line.strip():
            continue
        if not line.lstrip().startswith("#"):
            break                                 # the header ends at the first query line
        line = line.lstrip()
        m = _PARAM_LINE_RE.match(line)
        if m:
            params.append({"name": m["name"], "spec": m["spec"].strip(), "doc": (m["doc"] or "").strip()})
            current = "param"
            continue
        m = _HEADER_KEY_RE.match(line)
        if m:
            key, value = m.group(1), m.group(2).strip()
            if key == "title":
                title, current = value, "title"
            elif key == "description":
                description_parts, current = [value] if value else [], "description"
            else:
                current = None
                declared = [] if value.lower() in ("", "none") else [
                    v.strip().lstrip("$?") for v in value.split(",") if v.strip()
                ]
            continue
        m = _CONTINUATION_RE.match(line)
        if m and current == "description":
            description_parts.append(m.group(1).strip())
        elif m and current == "param":
            params[-1]["doc"] = (params[-1]["doc"] + " " + m.group(1).strip()).strip()
        elif m and current == "title":
            title = f"{title} {m.group(1).strip()}"
        else:
            current = None                        # any other comment ends a continuation
    return title, " ".join(description_parts), declared, params


def _parse_param_spec(path: Path, name: str, spec: str) -> tuple[str, bool, tuple[str, ...]]:
    parts = [p.strip() for p in spec.split(",") if p.strip()]
    if not parts:
        raise QueryFormatError(f"{path.name}: parameter {name!r} has no type")
    type_, flags = parts[0], parts[1:]
    choices: tuple[str, ...] = ()
    m = _CHOICE_RE.match(type_)
    if m:
        choices = tuple(c.strip() for c in m.group(1).split("|"))
        type_ = "choice"
    elif type_ not in PARAM_TYPES:
        raise QueryFormatError(
            f"{path.name}: parameter {name!r} has unknown type {type_!r} "
            f"(known: {', '.join(PARAM_TYPES)}, choice(a|b))"
        )
    required = False
    for flag in flags:
        if flag == "required":
            required = True
        elif flag != "optional":
            raise QueryFormatError(f"{path.name}: parameter {name!r} has unknown flag {flag!r}")
    return type_, required, choices


# --------------------------------------------------------------- the parameter VALUES blocks

# One RDF term (or UNDEF) of a VALUES row.
_TERM_RE = re.compile(
    r"""<[^<>"{}|^`\\\x00-\x20]*>"""                              # IRI
    r"""|"(?:[^"\\\n\r]|\\.)*"(?:@[A-Za-z]+(?:-[A-Za-z0-9]+)*|\^\^(?:<[^<>\s]*>|[A-Za-z][\w.-]*:[\w.-]*))?"""
    r"""|[^\s(){}"<>]+"""                                         # UNDEF, numbers, prefixed names
)
_VALUES_HEAD_RE = re.compile(r"\bVALUES\s*\(\s*((?:\$[A-Za-z_][A-Za-z0-9_]*\s*)+)\)\s*\{\s*\(", re.IGNORECASE)


@dataclass
class _ValuesBlock:
    start: int              # offset of the first term of the row
    end: int                # offset of the row's closing ')'
    variables: list[str]
    terms: list[str]


def _blank_comments(text: str) -> str:
    """Full-line comments replaced by spaces (offsets kept), so VALUES in them are ignored."""
    return re.sub(r"(?m)^[ \t]*#.*$", lambda m: " " * len(m.group(0)), text)


def _values_blocks(text: str, path: Path) -> list[_ValuesBlock]:
    scan = _blank_comments(text)
    blocks = []
    for m in _VALUES_HEAD_RE.finditer(scan):
        variables = re.findall(r"\$([A-Za-z_][A-Za-z0-9_]*)", m.group(1))
        pos, terms = m.end(), []
        while True:
            while pos < len(scan) and scan[pos].isspace():
                pos += 1
            if pos < len(scan) and scan[pos] == ")":
                break
            t = _TERM_RE.match(scan, pos)
            if not t:
                raise QueryFormatError(f"{path.name}: unreadable parameter VALUES row near offset {pos}")
            terms.append(t.group(0))
            pos = t.end()
        rest = scan[pos + 1:].lstrip()
        if not rest.startswith("}"):
            raise QueryFormatError(f"{path.name}: a parameter VALUES block must have exactly one row")
        if len(terms) != len(variables):
            raise QueryFormatError(
                f"{path.name}: VALUES ({' '.join('$' + v for v in variables)}) has {len(terms)} terms"
            )
        blocks.append(_ValuesBlock(m.end(), pos, variables, terms))
    return blocks


# ------------------------------------------------------------------------------- the library

def _parse_query_file(path: Path, name: str | None = None) -> NamedQuery:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise QueryNotFound(str(path), _available()) from exc
    title, description, declared, raw_params = _parse_header(text, path)
    blocks = _values_blocks(text, path)
    defaults: dict[str, str] = {}
    for block in blocks:
        for var, term in zip(block.variables, block.terms):
            defaults.setdefault(var, term)
    params = []
    seen = set()
    for raw in raw_params:
        pname = raw["name"]
        if pname in seen:
            raise QueryFormatError(f"{path.name}: parameter {pname!r} declared twice")
        seen.add(pname)
        type_, required, choices = _parse_param_spec(path, pname, raw["spec"])
        p = QueryParameter(pname, type_, required, None, raw["doc"], choices)
        missing = [v for v in p.variables if v not in defaults]
        if missing:
            raise QueryFormatError(
                f"{path.name}: parameter {pname!r} needs ${missing[0]} in a VALUES block"
            )
        default = defaults[pname]
        params.append(QueryParameter(
            pname, type_, required, None if default.upper() == "UNDEF" else default, raw["doc"], choices
        ))
    if declared is not None and sorted(declared) != sorted(seen):
        raise QueryFormatError(
            f"{path.name}: '# parameters: {', '.join(declared) or 'none'}' does not match the "
            f"'# param' lines ({', '.join(sorted(seen)) or 'none'})"
        )
    bound = {v for p in params for v in p.variables}
    stray = sorted(v for b in blocks for v in b.variables if v not in bound)
    if stray:
        raise QueryFormatError(f"{path.name}: VALUES binds ${stray[0]}, which no '# param' line declares")
    return NamedQuery(name or path.stem, path, title, description, tuple(params))


def _available() -> list[str]:
    if not QUERY_DIR.is_dir():
        return []
    return sorted(p.stem for p in QUERY_DIR.glob("*.rq"))


def list_queries() -> list[NamedQuery]:
    """Every query of the library, sorted by name."""
    return [_parse_query_file(QUERY_DIR / f"{name}.rq", name) for name in _available()]


QUERY_SUFFIXES = (".rq", ".sparql")


def _resolve(name_or_path: str | Path) -> Path:
    s = str(name_or_path)
    candidate = Path(s).expanduser()
    looks_like_path = (
        isinstance(name_or_path, Path) or s.endswith(QUERY_SUFFIXES) or "/" in s or "\\" in s
    )
    if looks_like_path:
        # any file may be named, but only a query file: not "/etc/passwd"
        if candidate.suffix in QUERY_SUFFIXES and candidate.is_file():
            return candidate
        # "operations-by-actor.rq" is also accepted as a library name
        stem = s[:-3] if s.endswith(".rq") else None
        if stem and _NAME_RE.match(stem) and (QUERY_DIR / f"{stem}.rq").is_file():
            return QUERY_DIR / f"{stem}.rq"
        raise QueryNotFound(s, _available())
    if _NAME_RE.match(s) and (QUERY_DIR / f"{s}.rq").is_file():
        return QUERY_DIR / f"{s}.rq"
    raise QueryNotFound(s, _available())


def get_query(name_or_path: str | Path) -> NamedQuery:
    """The parsed header of a library query (by name) or of a .rq file (by path)."""
    path = _resolve(name_or_path)
    return _parse_query_file(path, path.stem)


# ------------------------------------------------------------------------- value formatting

_IRI_FORBIDDEN = re.compile(r'[<>"{}|^`\\\x00-\x20\x7f]')
_SCHEME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_NUMBER_RE = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$")
_INTEGER_RE = re.compile(r"^[+-]?\d+$")
_DATE_RE = re.compile(r"^\d{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)?$")
_ECHAR = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


def _iri_term(value: str, name: str) -> str:
    v = value.strip()
    if v.startswith("<") and v.endswith(">"):
        v = v[1:-1]
    if not v or not _SCHEME_RE.match(v) or _IRI_FORBIDDEN.search(v):
        raise QueryParameterError(f"parameter {name!r}: {value!r} is not an absolute IRI")
    return f"<{v}>"


def _looks_like_iri(value: str) -> bool:
    v = value.strip()
    return (v.startswith("<") and v.endswith(">")) or bool(
        re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://\S", v) or re.match(r"^urn:\S", v, re.IGNORECASE)
    )


def _string_term(value: str, name: str) -> str:
    out = []
    for ch in value:
        if ch in _ECHAR:
            out.append(_ECHAR[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F or 0xD800 <= ord(ch) <= 0xDFFF:
            raise QueryParameterError(f"parameter {name!r}: control character {ch!r} not allowed")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def format_value(param: QueryParameter, value: object) -> dict[str, str]:
    """SPARQL terms for the variables ``param`` binds, from a caller's value."""
    name = param.name
    if value is None:
        return {v: "UNDEF" for v in param.variables}
    if isinstance(value, bool):
        raise QueryParameterError(f"parameter {name!r}: expected {param.type}, got a boolean")
    s = str(value).strip() if not isinstance(value, str) else value
    t = param.type
    if t == "iri":
        return {name: _iri_term(s, name)}
    if t == "resource":
        if _looks_like_iri(s):
            return {name: _iri_term(s, name), f"{name}_label": "UNDEF"}
        if not s.strip():
            raise QueryParameterError(f"parameter {name!r}: empty label")
        return {name: "UNDEF", f"{name}_label": _string_term(s.strip(), name)}
    if t == "string":
        return {name: _string_term(s, name)}
    if t == "number":
        s = s.strip()
        if not _NUMBER_RE.match(s):
            raise QueryParameterError(f"parameter {name!r}: {value!r} is not a number")
        return {name: s}
    if t == "integer":
        s = s.strip()
        if not _INTEGER_RE.match(s):
            raise QueryParameterError(f"parameter {name!r}: {value!r} is not an integer")
        return {name: s}
    if t == "date":
        s = s.strip()
        if not _DATE_RE.match(s):
            raise QueryParameterError(f"parameter {name!r}: {value!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
        return {name: f'"{s}"'}
    if t == "choice":
        s = s.strip()
        if s not in param.choices:
            raise QueryParameterError(
                f"parameter {name!r}: {value!r} is not one of {', '.join(param.choices)}"
            )
        return {name: f'"{s}"'}
    raise QueryParameterError(f"parameter {name!r}: unsupported type {t!r}")  # pragma: no cover


_PAGED_RE = re.compile(r"(?is)\b(?:LIMIT|OFFSET)\s+\d+\s*(?:(?:LIMIT|OFFSET)\s+\d+\s*)?$")


def with_page(sparql: str, limit: int | None = None, offset: int = 0) -> str:
    """The query with ``LIMIT limit OFFSET offset`` appended: one page of its answer, in the
    query's own order. The store still evaluates the whole query (an ORDER BY needs every row),
    but returns, converts and prints only the page. Raises QueryParameterError for a limit
    below 1 or a negative offset, QueryFormatError when the query already ends with LIMIT or
    OFFSET (page it in its own text)."""
    if limit is None and not offset:
        return sparql
    if limit is not None and limit < 1:
        raise QueryParameterError(f"the limit must be 1 or more, got {limit}")
    if offset < 0:
        raise QueryParameterError(f"the offset must be 0 or more, got {offset}")
    # full-line comments blanked, then a comment closing a line ("... OFFSET 5  # skip")
    tail = re.sub(r"(?m)\s#[^\n<>\"']*$", "", _blank_comments(sparql)).rstrip()
    if _PAGED_RE.search(tail):
        raise QueryFormatError("the query already ends with LIMIT or OFFSET: page it in its own text")
    page = " ".join(([f"LIMIT {limit}"] if limit is not None else []) + ([f"OFFSET {offset}"] if offset else []))
    return sparql.rstrip() + "\n" + page + "\n"


def load_query(name_or_path: str | Path, params: Mapping[str, object] | None = None) -> str:
    """The SPARQL text of a library query or .rq file, with parameter values substituted.

    ``params`` maps parameter names (with or without a leading '$'/'?') to values; a value of
    None leaves the default. Raises QueryNotFound for an unknown name, QueryParameterError for
    an undeclared, missing required or malformed value.
    """
    path = _resolve(name_or_path)
    query = _parse_query_file(path, path.stem)
    text = path.read_text(encoding="utf-8")
    given: dict[str, object] = {}
    for key, value in (params or {}).items():
        k = str(key).lstrip("$?")
        if k in given:
            raise QueryParameterError(f"parameter {k!r} given twice")
        given[k] = value
    declared = {p.name: p for p in query.parameters}
    unknown = sorted(k for k in given if k not in declared)
    if unknown:
        known = ", ".join(declared) or "none"
        raise QueryParameterError(
            f"query {query.name!r} has no parameter {unknown[0]!r} (parameters: {known})"
        )
    terms: dict[str, str] = {}
    for p in query.parameters:
        value = given.get(p.name)
        if value is None or (isinstance(value, str) and not value.strip() and p.type != "string"):
            if p.required:
                raise QueryParameterError(
                    f"query {query.name!r} needs parameter {p.name!r} ({p.type}): {p.description}"
                )
            continue
        terms.update(format_value(p, value))
    if not terms:
        return text
    out, last = [], 0
    for block in _values_blocks(text, path):
        row = [terms.get(v, t) for v, t in zip(block.variables, block.terms)]
        out.append(text[last:block.start])
        out.append(" " + " ".join(row) + " ")
        last = block.end
    out.append(text[last:])
    return "".join(out)
