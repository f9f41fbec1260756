"""``read_articles``: every input item through its format's reader into ``Article``s.

Each item is read on its own: whatever goes wrong with it (a missing file, a broken
line, an unexpected exception from a parser library) becomes an ``IngestError`` and the
next item is read, because one bad article in a crawl of thousands must not stop a build.
"""
from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from ..model import Article
from ._article import RawArticle, to_article
from ._bytes import decode_document, detect_encoding, looks_binary
from ._errors import IngestError, Rejected
from ._feeds import read_feed
from ._html import read_html
from ._inputs import InputItem, expand_inputs, format_of
from ._limits import MAX_FILE_BYTES, SNIFF_BYTES
from ._newsplease import read_json_document, read_json_lines
from ._plaintext import read_plain_text

_log = logging.getLogger("kg.ingest")

Produced = RawArticle | IngestError
Reporter = Callable[[IngestError], None]


def read_articles(inputs: Sequence[str | Path], *,
                  errors: list[IngestError] | None = None) -> Iterator[Article]:
    """Articles from files, folders, glob patterns and "-" (stdin), lazily, in input order.

    Problems are appended to ``errors`` (or logged as warnings when it is None) and the
    item is skipped; notices with ``skipped=False`` describe articles kept in part. An
    article whose id was already read in this call is skipped as a duplicate, since its
    id names its graph.
    """
    def report(problem: IngestError) -> None:
        if errors is not None:
            errors.append(problem)
        else:
            _log.warning("%s", problem)

    if isinstance(inputs, (str, Path)):
        # A lone path would otherwise be read character by character.
        inputs = [inputs]
    first_seen: dict[str, str] = {}
    for entry in expand_inputs(inputs):
        if isinstance(entry, IngestError):
            report(entry)
            continue
        found_any = False
        try:
            for produced in _read_item(entry):
                found_any = True
                article = _checked_article(produced, report)
                if article is None:
                    continue
                if article.id in first_seen:
                    report(IngestError(article.origin,
                                       f"duplicate of {first_seen[article.id]} (same address)"))
                    continue
                first_seen[article.id] = article.origin
                yield article
        except Rejected as rejected:
            report(IngestError(entry.name, rejected.reason))
            continue
        except RecursionError:
            report(IngestError(entry.name, "structure nested too deeply to read"))
            continue
        except Exception as error:  # one item must never stop the others
            report(IngestError(entry.name, f"unexpected {type(error).__name__}: {error}"))
            continue
        if not found_any:
            report(IngestError(entry.name, "no articles found"))


def _checked_article(produced: Produced, report: Reporter) -> Article | None:
    if isinstance(produced, IngestError):
        report(produced)
        return None
    try:
        article, notices = to_article(produced)
    except Rejected as rejected:
        report(IngestError(produced.origin, rejected.reason))
        return None
    except Exception as error:  # as in read_articles
        report(IngestError(produced.origin, f"unexpected {type(error).__name__}: {error}"))
        return None
    for notice in notices:
        report(IngestError(produced.origin, notice, skipped=False))
    return article


def _read_item(item: InputItem) -> Iterator[Produced]:
    try:
        head = _head(item)
    except OSError as error:
        raise Rejected(f"cannot read ({error.strerror or error})") from None
    if not head.strip() and len(head) < SNIFF_BYTES:
        raise Rejected("empty file" if item.path is not None else "empty input")
    if looks_binary(head):
        raise Rejected("binary content, not text")
    form = format_of(item, head)
    if form == "jsonl":
        encoding = detect_encoding(head)
        if item.data is not None:
            yield from read_json_lines(io.BytesIO(item.data), item.name, encoding)
        else:
            assert item.path is not None
            with item.path.open("rb") as stream:
                yield from read_json_lines(stream, item.name, encoding)
        return
    data = _whole(item)
    if form == "json":
        yield from read_json_document(data, item.name)
    elif form == "text":
        yield from read_plain_text(decode_document(data), item.name)
    elif form == "html":
        yield from read_html(data, item.name)
    else:
        yield from read_feed(data, item.name)


def _head(item: InputItem) -> bytes:
    if item.data is not None:
        return item.data[:SNIFF_BYTES]
    assert item.path is not None
    with item.path.open("rb") as stream:
        return stream.read(SNIFF_BYTES)


def _whole(item: InputItem) -> bytes:
    if item.data is not None:
        return item.data
    assert item.path is not None
    try:
        size = item.path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise Rejected(f"file has {size:,} bytes; the limit for this format is "
                           f"{MAX_FILE_BYTES:,} (JSON Lines has none)")
        return item.path.read_bytes()
    except OSError as error:
        raise Rejected(f"cannot read ({error.strerror or error})") from None
