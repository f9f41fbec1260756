"""Whole-dataset dumps: gzipped N-Quads (every graph kept) and Turtle (the union of graphs)."""
from __future__ import annotations

import gzip
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.publish.negotiation import N_QUADS, TURTLE, Representation
from kg.publish.rdfio import unique_triples
from kg.publish.rebase import Rebase
from kg.store.oxigraph import OxigraphStore

DUMP_DIR = "dumps"
DUMP_STEM = "conflict-kg"


@dataclass(frozen=True)
class Dump:
    path: str                  # relative to the site root: "dumps/conflict-kg.nq.gz"
    representation: Representation
    byte_size: int
    sha256: str

    @property
    def title(self) -> str:
        kept = "all named graphs" if self.representation is N_QUADS else "union of all graphs"
        return f"{self.representation.name} dump, gzip ({kept})"


def write_dumps(store: OxigraphStore, root: Path, rebase: Rebase, prefixes: dict[str, str]) -> list[Dump]:
    folder = root / DUMP_DIR
    folder.mkdir(parents=True, exist_ok=True)
    nquads = folder / f"{DUMP_STEM}.nq.gz"
    with _gzip(nquads) as out:
        ox.serialize(rebase.quads(store.quads()), out, format=ox.RdfFormat.N_QUADS)
    turtle = folder / f"{DUMP_STEM}.ttl.gz"
    with _gzip(turtle) as out:
        triples = (rebase.triple(t) for t in unique_triples(store.quads()))
        ox.serialize(triples, out, format=ox.RdfFormat.TURTLE, prefixes=prefixes)
    return [_dump(root, nquads, N_QUADS), _dump(root, turtle, TURTLE)]


@contextmanager
def _gzip(path: Path) -> Iterator[gzip.GzipFile]:
    # mtime=0 and no file name: the same data gives the same bytes, so mirrors can compare hashes.
    with path.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as out:
        yield out


def _dump(root: Path, path: Path, representation: Representation) -> Dump:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return Dump(path.relative_to(root).as_posix(), representation, path.stat().st_size, digest)
