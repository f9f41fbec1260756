"""What the caller named, as a sorted list of items to read, and the format of each.

Inputs are files, folders (walked recursively in sorted order, hidden entries skipped),
glob patterns, and "-" for standard input. In a folder only files with a known extension
are read, so a README or an image beside the articles is not mistaken for one; a file
named explicitly (or matched by a glob, or stdin) with another extension is read in the
format its content shows.
"""
from __future__ import annotations

import glob
import os
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ._bytes import detect_encoding
from ._errors import IngestError
from ._limits import MAX_FILE_BYTES

Format = Literal["jsonl", "json", "text", "html", "feed"]

EXTENSIONS: dict[str, Format] = {
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json",
    ".txt": "text", ".text": "text",
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".xml": "feed", ".rss": "feed", ".atom": "feed",
}
STDIN = "-"

_GLOB_CHARS = re.compile(r"[*?\[]")
_FEED_ROOT = re.compile(r"<(rss|feed|rdf:rdf)[\s>]", re.IGNORECASE)
_RECORD_BREAK = re.compile(r"\}\s*\n\s*\{")


@dataclass(frozen=True)
class InputItem:
    """One file, or what was read from stdin."""

    name: str                    # as shown in origins and errors
    path: Path | None = None
    data: bytes | None = None    # stdin content (None for files)


def expand_inputs(inputs: Sequence[str | Path]) -> Iterator[InputItem | IngestError]:
    """Items in the order given (folder and glob contents sorted), each file once."""
    seen: set[str] = set()
    for given in inputs:
        for produced in _expand_one(given):
            if isinstance(produced, InputItem) and produced.path is not None:
                key = os.path.realpath(produced.path)
                if key in seen:
                    continue
                seen.add(key)
            yield produced


def _expand_one(given: str | Path) -> Iterator[InputItem | IngestError]:
    name = str(given)
    if name == STDIN and not isinstance(given, Path):
        yield _read_stdin()
        return
    path = Path(given)
    if path.is_dir():
        yield from _walk(path)
    elif path.is_file():
        yield InputItem(name, path)
    elif path.exists():
        yield IngestError(name, "not a regular file or folder")
    elif _GLOB_CHARS.search(name):
        matches = sorted(glob.glob(name, recursive=True))
        if not matches:
            yield IngestError(name, "no files match the pattern")
        for match in matches:
            if Path(match).is_dir():
                yield from _walk(Path(match))
            elif Path(match).is_file():
                yield InputItem(match, Path(match))
    else:
        yield IngestError(name, "no such file or folder")


def _walk(root: Path) -> Iterator[InputItem]:
    """Files under ``root`` in the order of their relative paths' parts (what ``find |
    sort`` would give), so a folder always reads the same way on every machine."""
    found: list[Path] = []
    # os.walk does not follow links to folders, so a link loop cannot trap it.
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = [sub for sub in subfolders if not sub.startswith(".")]
        found.extend(Path(folder, name) for name in files
                     if not name.startswith(".") and Path(name).suffix.lower() in EXTENSIONS)
    for path in sorted(found, key=lambda path: path.relative_to(root).parts):
        yield InputItem(str(path), path)


def _read_stdin() -> InputItem | IngestError:
    stream = getattr(sys.stdin, "buffer", None)
    if stream is not None:
        data = stream.read(MAX_FILE_BYTES + 1)
    else:
        # A replaced sys.stdin (tests, embedding) may be a text stream only.
        data = sys.stdin.read(MAX_FILE_BYTES + 1).encode("utf-8", errors="replace")
    if len(data) > MAX_FILE_BYTES:
        return IngestError(STDIN, f"more than {MAX_FILE_BYTES:,} bytes on standard input; "
                                  "use a JSON Lines file for large inputs")
    return InputItem(STDIN, None, data)


def format_of(item: InputItem, head: bytes) -> Format:
    """By extension where there is a known one, else by content."""
    if item.path is not None and item.path.suffix.lower() in EXTENSIONS:
        return EXTENSIONS[item.path.suffix.lower()]
    return sniff_format(head)


def sniff_format(head: bytes) -> Format:
    """Guess the format from the first bytes of an item."""
    sample = head.decode(detect_encoding(head), errors="replace").lstrip("\ufeff \t\r\n")
    if sample.startswith("{"):
        # A second object starting on a new line: one record per line.
        return "jsonl" if _RECORD_BREAK.search(sample) else "json"
    if sample.startswith("["):
        return "json"
    if sample.startswith("<"):
        return "feed" if _FEED_ROOT.search(sample[:4096]) else "html"
    return "text"
