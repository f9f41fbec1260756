"""Size limits of the ingest stage, in one place so they are easy to find and to test.

They exist so that one absurd item (a runaway scrape, a database dump mislabelled as an
article) cannot exhaust memory or stall extraction for everything behind it.
"""
from __future__ import annotations

# Longest article text accepted, in characters after cleaning. Real news articles stay
# far below 100,000; two million leaves room for long reports and transcripts.
MAX_TEXT_CHARS = 2_000_000

# Longer titles are cut, not rejected: a title is display metadata, and an extractor that
# put the body into it should not cost the article.
MAX_TITLE_CHARS = 1_000

# Longest URL kept; browsers and servers commonly stop near 2,000-8,000 characters.
MAX_URL_CHARS = 4_096

# Whole-document formats (JSON, text, HTML, feeds, stdin) are read into memory at once;
# JSON Lines is streamed and has no file limit, only a per-line one.
MAX_FILE_BYTES = 64 * 1024 * 1024

# One JSON Lines record; a 2,000,000-character text escaped as \uXXXX takes 12 million.
MAX_LINE_CHARS = 16_000_000

# How much of a file is looked at to tell text from binary and to guess its format.
SNIFF_BYTES = 64 * 1024
