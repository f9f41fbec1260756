"""Shared by test_publish.py and test_server.py: a store with hostile text, and the external
programs the tests drive (raptor2's rapper, a headless Chromium)."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.ontology import load_ontology_quads
from kg.store import open_store

FIXTURE = Path(__file__).parent / "fixtures" / "small_graph.trig"
BASE = "https://w3id.org/conflict-kg/"

# Markup an article could carry into labels, headlines and addresses. Any of it running in a
# browser would set data-pwned on <body>.
PWN = "document.body.setAttribute('data-pwned','1')"
HOSTILE = f"""
@prefix ckg: <https://w3id.org/conflict-kg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix schema: <http://schema.org/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<{BASE}id/article/evil> a ckg:Article, schema:NewsArticle ;
    schema:headline "Headline </script><script>{PWN}</script>" ;
    schema:url "javascript:{PWN}" ;
    schema:datePublished "2018-07-02"^^xsd:date .
<{BASE}graph/article/evil> a ckg:ArticleGraph ; prov:wasDerivedFrom <{BASE}id/article/evil> .
<{BASE}graph/article/evil> {{
  <{BASE}id/actor/evil> a ckg:NonStateArmedGroup ;
      rdfs:label "<script>{PWN}</script><img src=x onerror=\\"{PWN}\\">" ;
      skos:altLabel "</script><script>{PWN}</script>", "\\"><svg onload=\\"{PWN}\\">" .
  <{BASE}id/event/evil-1> a ckg:Attack ; rdfs:label "Attack <b onmouseover=\\"{PWN}\\">x</b>" ;
      ckg:agent <{BASE}id/actor/evil> ; ckg:date "2018-07-01"^^xsd:date ;
      ckg:evidence "<iframe src=\\"javascript:{PWN}\\"></iframe>" ;
      ckg:reportedIn <{BASE}id/article/evil> .
}}
"""


def build_store(path: Path) -> Path:
    """The hand-made fixture, the ontology graph a build adds, and the hostile article."""
    with open_store(path) as store:
        store.add(ox.parse(path=str(FIXTURE), format=ox.RdfFormat.TRIG))
        store.add(ox.parse(HOSTILE, format=ox.RdfFormat.TRIG))
        store.add(load_ontology_quads(BASE))
    return path


# ------------------------------------------------------------------ rapper
RAPPER = shutil.which("rapper")
needs_rapper = pytest.mark.skipif(RAPPER is None, reason="rapper (Debian package raptor2-utils) is not installed")
_RAPPER_SYNTAX = {".ttl": "turtle", ".nt": "ntriples", ".nq": "nquads", "": "turtle"}


def rapper_count(path: Path | None = None, *, syntax: str | None = None, data: bytes | None = None,
                 base: str = "https://data.example.org/") -> int:
    """Triples raptor2 reads from a file (or bytes); fails the test on any parse error."""
    syntax = syntax or _RAPPER_SYNTAX[path.suffix]
    source = "-" if data is not None else str(path)
    run = subprocess.run([RAPPER, "-c", "-i", syntax, source, base], input=data,
                         capture_output=True, timeout=60)
    message = run.stderr.decode("utf-8", "replace")
    assert run.returncode == 0 and "Error" not in message, f"rapper rejected {path or 'input'}: {message}"
    found = re.search(r"returned (\d+) (?:triple|statement)", message)
    assert found, message
    return int(found.group(1))


# ------------------------------------------------------------------ chromium
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="chromium (Debian package chromium) is not installed")


def chromium(url: str, profile: Path, *extra: str) -> subprocess.CompletedProcess[bytes]:
    """Headless Chromium on one page, offline-friendly flags, a throwaway profile."""
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
               "--no-first-run", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--disable-dev-shm-usage", f"--user-data-dir={profile}", *extra, url]
    return subprocess.run(command, capture_output=True, timeout=90)


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
