"""The static linked-data site: one folder that any web server (or a file browser) can serve.

Layout, for a resource ``{base}id/actor/x``::

    id/actor/x.html  .ttl  .jsonld  .nt  .nq     the resource in every representation
    index.html actors.html events.html places.html sources.html articles.html ontology.html
    ontology.ttl  void.ttl void.nt void.jsonld  .well-known/void
    dumps/conflict-kg.nq.gz  dumps/conflict-kg.ttl.gz
    style.css  .htaccess (content negotiation and 303 redirects on Apache)

The site is written to a fresh folder beside the target and moved into place at the end, so a
failed run leaves the previous site untouched and pages of removed resources do not linger.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

import pyoxigraph as ox

from kg import __version__
from kg.config import Settings
from kg.ontology import ONTOLOGY_FILE, crosswalk_files
from kg.publish import rdfio
from kg.publish.describe import resource_iris
from kg.publish.dumps import Dump, write_dumps
from kg.publish.links import SiteLinker, resource_path
from kg.publish.negotiation import JSON_LD, N_QUADS, N_TRIPLES, RDF_REPRESENTATIONS, TURTLE
from kg.publish.pages import PageOptions, Pages
from kg.publish.rebase import Rebase, detect_base, normalise_base
from kg.publish.render import stylesheet
from kg.publish.views import Link
from kg.publish.void import VOID_DOCUMENT
from kg.store.oxigraph import OxigraphStore

MARKER = ".kg-site"


class PublishError(Exception):
    """The site could not be written; the message says why."""


@dataclass
class PublishReport:
    output: Path
    base: str
    store_base: str
    resources: int = 0
    files: int = 0
    skipped: list[str] = field(default_factory=list)
    dumps: list[Dump] = field(default_factory=list)

    def summary(self) -> str:
        lines = [f"published {self.resources} resources ({self.files} files) to {self.output}",
                 f"  IRIs under {self.base}" + (f" (moved from {self.store_base})"
                                                if self.base != self.store_base else "")]
        lines += [f"  dump {d.path}: {d.byte_size} bytes" for d in self.dumps]
        if self.skipped:
            lines.append(f"  skipped {len(self.skipped)} IRIs that cannot be file paths, e.g. {self.skipped[0]}")
        return "\n".join(lines)


def publish_site(store: OxigraphStore, output: str | Path, *, base: str,
                 store_base: str | None = None, options: PageOptions | None = None) -> PublishReport:
    """Write the static site of ``store`` to ``output``, with IRIs under ``base``.

    ``store_base`` is the base the store was built with (read from its graph names when not
    given); IRIs under it are moved to ``base`` (see kg.publish.rebase).
    """
    output = Path(output)
    base = normalise_base(base)
    store_base = normalise_base(store_base) if store_base else detect_base(store, Settings.from_env().base)
    options = options or PageOptions()
    if options.sparql_endpoint is None:
        options = replace(options, sparql_endpoint=base + "sparql")
    _check_target(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{output.name}.", dir=output.parent))
    try:
        report = _write(store, work, base, store_base, options)
        _swap(work, output)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    report.output = output
    return report


def _write(store: OxigraphStore, root: Path, base: str, store_base: str, options: PageOptions) -> PublishReport:
    rebase = Rebase(store_base, base)
    pages = Pages(store, rebase, options)
    report = PublishReport(root, base, store_base)
    files = 0

    def write(path: str, data: bytes | str) -> None:
        nonlocal files
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        files += 1

    sparql = options.sparql_endpoint
    iris = resource_iris(store, store_base)
    published = {iri for iri in iris if resource_path(store_base, iri)}
    report.skipped = [iri for iri in iris if iri not in published]
    linker = SiteLinker(store_base, published)
    for iri in sorted(published):
        path = resource_path(store_base, iri)
        description = pages.describe(iri)
        write(path + ".html", pages.resource_html(description, linker.at(path + ".html"), sparql))
        for representation in RDF_REPRESENTATIONS:
            write(f"{path}.{representation.extension}", pages.resource_rdf(description, representation))
    report.resources = len(published)

    for name in ("actors", "events", "places", "sources", "articles"):
        write(name + ".html", pages.index_html(name, linker.at(name + ".html"), sparql))

    write("ontology.ttl", ONTOLOGY_FILE.read_bytes())
    downloads = [Link("Turtle", "ontology.ttl", "text/turtle")]
    for crosswalk in crosswalk_files():
        write(f"ontology/{crosswalk.name}", crosswalk.read_bytes())
        downloads.append(Link(f"{crosswalk.stem.upper()} crosswalk", f"ontology/{crosswalk.name}", "text/turtle"))
    write("ontology.html", pages.ontology_html(linker.at("ontology.html"), sparql, downloads))

    report.dumps = write_dumps(store, root, rebase, pages.prefixes)
    files += len(report.dumps)
    dataset = pages.dataset_triples(report.dumps)
    void_quads = [_quad(t) for t in dataset]
    void_links = []
    for representation in (TURTLE, JSON_LD, N_TRIPLES):
        name = f"{VOID_DOCUMENT}.{representation.extension}"
        write(name, rdfio.serialize(void_quads, representation, pages.prefixes))
        void_links.append(Link(representation.name, name, representation.media_type))
    write(".well-known/void", rdfio.serialize(void_quads, TURTLE, pages.prefixes))
    dump_links = [Link(f"{d.title}, {d.byte_size:,} bytes", d.path, d.representation.media_type)
                  for d in report.dumps]
    write("index.html", pages.home_html(linker.at("index.html"), sparql, dumps=dump_links,
                                        void=void_links, dataset_triples=dataset))
    write("style.css", stylesheet())
    write(".htaccess", _htaccess(base))
    write(MARKER, json.dumps({"generator": f"conflict-kg {__version__}", "base": base,
                              "store_base": store_base}, indent=1) + "\n")
    report.files = files
    return report


def _quad(triple: ox.Triple) -> ox.Quad:
    return ox.Quad(triple.subject, triple.predicate, triple.object, ox.DefaultGraph())


def _check_target(output: Path) -> None:
    if output.exists() and (not output.is_dir() or (any(output.iterdir()) and not (output / MARKER).is_file())):
        raise PublishError(f"{output} exists and is not a site written by kg publish; "
                           "choose an empty or new folder")


def _swap(work: Path, output: Path) -> None:
    os.chmod(work, 0o755)     # mkdtemp makes it private; a site is for serving
    if output.exists():
        old = output.with_name(f".{output.name}.old-{os.getpid()}")
        output.rename(old)
        work.rename(output)
        shutil.rmtree(old, ignore_errors=True)
    else:
        work.rename(output)


def _htaccess(base: str) -> str:
    path = urlsplit(base).path or "/"
    rules = []
    for representation in (TURTLE, JSON_LD, N_TRIPLES, N_QUADS):
        pattern = representation.media_type.replace("+", r"\+")
        rules.append(f"RewriteCond %{{HTTP_ACCEPT}} {pattern}\n"
                     f"RewriteRule ^((?:id|graph)/[A-Za-z0-9_~/-]+)$ $1.{representation.extension} [R=303,L]")
    types = "\n".join(f"AddType {r.media_type} .{r.extension}" for r in RDF_REPRESENTATIONS)
    return f"""# Written by conflict-kg publish, for Apache httpd (mod_rewrite, mod_mime, mod_headers).
# A request for a resource IRI is redirected (303 See Other) to its document in the format
# the Accept header names; browsers get the HTML page. The Accept test is a plain match
# (quality values are not weighed); `kg serve` negotiates fully.
{types}
AddCharset utf-8 .html .ttl .jsonld .nt .nq
<Files "void">
  ForceType text/turtle
</Files>
<IfModule mod_headers.c>
  Header set Access-Control-Allow-Origin "*"
  Header set Vary "Accept"
</IfModule>
Options -MultiViews
RewriteEngine On
RewriteBase {path}
{chr(10).join(rules)}
RewriteRule ^((?:id|graph)/[A-Za-z0-9_~/-]+)$ $1.html [R=303,L]
"""
