"""Phrases as a PhraseMatcher reads them: the attribute codes (LOWER or ORTH hashes) of their
tokens, compiled once into a cache file so that start-up need not tokenize them.

Why: a PhraseMatcher compares the codes of a text's tokens with those of its phrases, and
takes a phrase as its list of codes as readily as a Doc. Tokenizing the ~7,500 registry
phrases into Docs took 0.2 s of every process's start-up; the codes depend only on the
phrases, spaCy's version, the tokenizer's rules and the lowercasing function, and load from
a marshal file in a millisecond. The file is keyed on a digest of all of these: any change
compiles it anew. (marshal, never pickle: loading a cache file must not be able to run code.)
"""
from __future__ import annotations

import hashlib
import json
import marshal
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import spacy
from spacy.attrs import LOWER
from spacy.language import Language

from kg.data.gazetteer import default_cache_path

__all__ = ["phrase_codes"]

# Bump when what the cache holds changes.
FORMAT_VERSION = 1


def _callable_name(func: object) -> str:
    """A stable description of a tokenizer hook: a compiled pattern's own text, a function's
    dotted name (never its address)."""
    if func is None:
        return "-"
    pattern = getattr(getattr(func, "__self__", None), "pattern", None)
    if isinstance(pattern, str):
        return "re:" + pattern
    return f"{getattr(func, '__module__', '?')}.{getattr(func, '__qualname__', type(func).__name__)}"


def _signature(nlp: Language, lists: Sequence[tuple[int, Sequence[str]]]) -> str:
    """Changes whenever a phrase, the tokenizer or the attributes read could change a code."""
    tokenizer = nlp.tokenizer
    hooks = [getattr(tokenizer, name, None) for name in
             ("prefix_search", "suffix_search", "infix_finditer", "token_match", "url_match")]
    parts = [
        FORMAT_VERSION, spacy.__version__, nlp.lang, type(tokenizer).__qualname__,
        [_callable_name(hook) for hook in hooks],
        repr(getattr(tokenizer, "rules", None)),
        getattr(tokenizer, "faster_heuristics", None),
        _callable_name(nlp.vocab.lex_attr_getters.get(LOWER)),
        [[attr, list(phrases)] for attr, phrases in lists],
    ]
    return hashlib.sha1(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()


def _tokenized(nlp: Language, lists: Sequence[tuple[int, Sequence[str]]]) -> list[list[list[int]]]:
    return [[doc.to_array(attr).tolist() for doc in nlp.tokenizer.pipe(phrases)] for attr, phrases in lists]


def _read(path: Path, signature: str, lists: Sequence[tuple[int, Sequence[str]]]) -> list[list[list[int]]] | None:
    try:
        payload = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if not isinstance(payload, dict) or payload.get("signature") != signature:
        return None
    codes = payload.get("codes")
    if not (isinstance(codes, list) and len(codes) == len(lists)
            and all(isinstance(c, list) and len(c) == len(p) for c, (_, p) in zip(codes, lists))):
        return None
    return codes


def _write(path: Path, payload: dict) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", dir=path.parent)
    except OSError:
        return                                  # no cache directory: tokenize every time
    try:
        with os.fdopen(fd, "wb") as fh:
            marshal.dump(payload, fh)
        os.replace(tmp, path)
    except OSError:
        Path(tmp).unlink(missing_ok=True)


def phrase_codes(nlp: Language, name: str, lists: Sequence[tuple[int, Sequence[str]]]) -> list[list[list[int]]]:
    """For each (attribute, phrases) of ``lists``, each phrase's token codes of that attribute
    (what ``PhraseMatcher(attr=...)`` reads from a Doc of the phrase), read from the cache file
    ``phrases-<name>.marshal`` beside the gazetteer's, or tokenized and written there."""
    # The cache holds each list's distinct phrases sorted: callers may make their lists from sets,
    # whose order changes from one process to the next
    distinct = [(attr, sorted(set(phrases))) for attr, phrases in lists]
    path = default_cache_path().parent / f"phrases-{name}.marshal"
    signature = _signature(nlp, distinct)
    codes = _read(path, signature, distinct)
    if codes is None:
        codes = _tokenized(nlp, distinct)
        _write(path, {"signature": signature, "codes": codes})
    out = []
    for (_, phrases), (_, known), known_codes in zip(lists, distinct, codes):
        code_of = dict(zip(known, known_codes))
        out.append([code_of[phrase] for phrase in phrases])
    return out
