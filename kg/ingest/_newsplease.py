"""news-please records: a JSON document (one object or a list) or JSON Lines.

Field names follow news-please (title, maintext, url, date_publish, source_domain,
language, publisher); ``text`` and ``description`` stand in for a missing maintext, as
other scrapers and news-please's own short records use them.
"""
from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import BinaryIO, TextIO

from ._article import RawArticle
from ._bytes import decode_document
from ._errors import IngestError, Rejected
from ._limits import MAX_LINE_CHARS

TEXT_FIELDS = ("maintext", "text", "description")
DATE_FIELDS = ("date_publish", "published", "date")
_STRING_FIELDS = ("title", *TEXT_FIELDS, "url", "source_domain", "language", "publisher")

Produced = RawArticle | IngestError


def read_json_document(data: bytes, name: str) -> Iterator[Produced]:
    """A ``.json`` file: one record, or a list of them (``name#1``, ``name#2``, ...)."""
    text = decode_document(data)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        if error.msg == "Extra data":
            # Several values one after another: JSON Lines saved under a .json name.
            yield from read_json_line_stream(io.StringIO(text), name)
            return
        raise Rejected(f"invalid JSON ({error.msg} at line {error.lineno}, column {error.colno})"
                       ) from None
    except RecursionError:
        raise Rejected("invalid JSON (nested too deeply)") from None
    except ValueError as error:  # e.g. an integer too long to convert
        raise Rejected(f"invalid JSON ({error})") from None
    if isinstance(document, list):
        for index, record in enumerate(document, start=1):
            origin = f"{name}#{index}"
            try:
                yield record_to_raw(record, origin)
            except Rejected as rejected:
                yield IngestError(origin, rejected.reason)
    else:
        yield record_to_raw(document, name)


def read_json_lines(stream: BinaryIO, name: str, encoding: str) -> Iterator[Produced]:
    """A JSON Lines file, streamed so its size does not matter; lines are ``name:N``."""
    # errors="replace": a damaged byte costs one character, not the whole line.
    text_stream = io.TextIOWrapper(stream, encoding=encoding, errors="replace")
    yield from read_json_line_stream(text_stream, name)


def read_json_line_stream(lines: TextIO, name: str) -> Iterator[Produced]:
    number = 0
    while True:
        line = lines.readline(MAX_LINE_CHARS)
        if not line:
            return
        number += 1
        origin = f"{name}:{number}"
        if len(line) >= MAX_LINE_CHARS and not line.endswith("\n"):
            _skip_rest_of_line(lines)
            yield IngestError(origin, f"line longer than {MAX_LINE_CHARS:,} characters")
            continue
        if not line.strip():
            continue
        try:
            yield record_to_raw(_parse_line(line), origin)
        except Rejected as rejected:
            yield IngestError(origin, rejected.reason)


def _skip_rest_of_line(lines: TextIO) -> None:
    # Read on in bounded pieces; the oversized line is never held in memory whole.
    while True:
        piece = lines.readline(MAX_LINE_CHARS)
        if not piece or piece.endswith("\n"):
            return


def _parse_line(line: str) -> object:
    try:
        return json.loads(line.rstrip("\r\n"))
    except json.JSONDecodeError as error:
        # The line is already in the item name; the column finds the fault in it.
        raise Rejected(f"invalid JSON ({error.msg} at column {error.colno})") from None
    except RecursionError:
        raise Rejected("invalid JSON (nested too deeply)") from None
    except ValueError as error:
        raise Rejected(f"invalid JSON ({error})") from None


def record_to_raw(record: object, origin: str) -> RawArticle:
    """Check a decoded record's shape and types; it must be an object of string fields."""
    if not isinstance(record, dict):
        raise Rejected(f"expected a JSON object, got {_json_type(record)}")
    for field in _STRING_FIELDS:
        value = record.get(field)
        if value is not None and not isinstance(value, str):
            raise Rejected(f"field {field!r} must be a string or null, got {_json_type(value)}")
    text = next((record[field] for field in TEXT_FIELDS if (record.get(field) or "").strip()), None)
    if text is None:
        raise Rejected("no text (maintext, text and description are all missing or empty)")
    date = next((record[field] for field in DATE_FIELDS if record.get(field) is not None), None)
    return RawArticle(
        origin=origin,
        text=text,
        title=record.get("title"),
        url=record.get("url"),
        date=date,
        outlet=record.get("publisher"),
        source_domain=record.get("source_domain"),
        language=record.get("language"),
        record_id=_record_id(record.get("id")),
    )


def _record_id(value: object) -> str | None:
    # Only ids that are plainly ids; bool is an int in Python but never an id.
    if isinstance(value, str) and value.strip():
        return value.strip()
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def _json_type(value: object) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean",
             int: "a number", float: "a number", type(None): "null"}
    return names.get(type(value), type(value).__name__)
