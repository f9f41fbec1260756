"""From bytes to text: telling binary from text, finding the encoding, decoding."""
from __future__ import annotations

import codecs

from ._errors import Rejected

# Control bytes that never occur in text; tab, newlines, form feed and ESC are left out
# because real text files do contain them.
_NON_TEXT_BYTES = frozenset(range(0x00, 0x09)) | frozenset(range(0x0E, 0x1B)) | frozenset(
    range(0x1C, 0x20)) | {0x7F}

# Share of such bytes above which a sample is binary. Compressed or random data has about
# 10 % of them; a text with a few stray NULs stays far below.
_BINARY_SHARE = 0.05

# A document may hold this share of undecodable bytes (repaired as U+FFFD) before it is
# taken for another encoding rather than a few damaged characters.
_BAD_BYTES_SHARE = 0.01

_BOMS: tuple[tuple[bytes, str], ...] = (
    # UTF-32 first: its little-endian mark begins with the UTF-16 one.
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def detect_encoding(head: bytes) -> str:
    """The encoding named by a byte-order mark, else UTF-8 (what news-please and feeds use)."""
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding
    return "utf-8"


def looks_binary(head: bytes) -> bool:
    """True when a sample is mostly not text (images, archives, NUL-filled files)."""
    if not head or detect_encoding(head) in ("utf-16", "utf-32"):
        # UTF-16/32 text is full of NUL bytes by design.
        return False
    odd = sum(1 for byte in head if byte in _NON_TEXT_BYTES)
    return odd > len(head) * _BINARY_SHARE


def decode_document(data: bytes) -> str:
    """Decode a whole document, repairing a few bad bytes but refusing a wrong encoding."""
    encoding = detect_encoding(data[:4])
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        pass
    text = data.decode(encoding, errors="replace")
    bad = text.count("\ufffd")
    if bad > max(8, len(text) * _BAD_BYTES_SHARE):
        shown = encoding.removesuffix("-sig").upper()
        raise Rejected(f"not {shown} text ({bad} undecodable bytes); re-encode it as UTF-8")
    return text
