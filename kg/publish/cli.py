"""`kg publish` (static linked-data site) and `kg serve` (HTTP server with SPARQL)."""
from __future__ import annotations

import argparse
import ipaddress
import sys
from pathlib import Path

DEFAULT_LICENSE = "https://creativecommons.org/licenses/by/4.0/"


def _add_page_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--title", default="conflict-kg", help="dataset title shown on pages and in DCAT")
    p.add_argument("--description", help="one-paragraph dataset description")
    p.add_argument("--license", default=DEFAULT_LICENSE,
                   help="licence IRI of the data (default: CC BY 4.0); 'none' to state none")
    p.add_argument("--publisher", help="publisher name or IRI, for DCAT")


def _page_options(args: argparse.Namespace, sparql_endpoint: str | None):
    from kg.publish.pages import PageOptions
    defaults = PageOptions()
    return PageOptions(title=args.title, description=args.description or defaults.description,
                       license=None if args.license.lower() == "none" else args.license,
                       publisher=args.publisher, sparql_endpoint=sparql_endpoint)


def cmd_publish(args: argparse.Namespace) -> int:
    from kg.publish.site import PublishError, publish_site
    from kg.store import open_store

    if not Path(args.store).is_dir():
        print(f"kg publish: no store at {args.store}", file=sys.stderr)
        return 1
    try:
        with open_store(args.store, read_only=True) as store:
            report = publish_site(store, args.outdir, base=args.base, store_base=args.store_base,
                                  options=_page_options(args, args.sparql_endpoint))
    except (PublishError, ValueError) as exc:
        print(f"kg publish: {exc}", file=sys.stderr)
        return 1
    if not args.quiet:
        print(report.summary())
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from kg.publish.server import ServerConfig, serve

    if not Path(args.store).is_dir():
        print(f"kg serve: no store at {args.store}", file=sys.stderr)
        return 1
    if not _is_loopback(args.host):
        print(f"kg serve: listening on {args.host}, reachable from other machines", file=sys.stderr)
    config = ServerConfig(Path(args.store), base=args.base, timeout=args.timeout,
                          result_limit=args.result_limit, query_workers=args.query_workers,
                          options=_page_options(args, None))
    serve(config, host=args.host, port=args.port, access_log=not args.quiet)
    return 0


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _positive(kind):
    def parse(text: str):
        value = kind(text)
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be positive, got {text}")
        return value
    return parse


def register(subparsers) -> None:
    p = subparsers.add_parser("publish", help="write the store as a static linked-data site",
                              description="Write one page per resource (HTML with JSON-LD, and .ttl, "
                              ".jsonld, .nt, .nq beside it), index pages, the ontology documentation, "
                              "a VoID/DCAT description and gzipped dumps.")
    p.add_argument("outdir", help="folder to write (replaced if it holds an earlier site)")
    p.add_argument("--store", required=True)
    p.add_argument("--base", required=True,
                   help="the URL the site is published at; resource IRIs are moved under it")
    p.add_argument("--store-base", help="the base the store was built with (default: read from the store)")
    p.add_argument("--sparql-endpoint", help="SPARQL endpoint URL to advertise (default: BASE + 'sparql')")
    _add_page_options(p)
    p.add_argument("--quiet", "-q", action="store_true")
    p.set_defaults(func=cmd_publish)

    p = subparsers.add_parser("serve", help="serve the store: IRIs with content negotiation, and SPARQL",
                              description="Serve dereferenceable IRIs (303 to HTML, Turtle, JSON-LD, "
                              "N-Triples or N-Quads) and a read-only SPARQL 1.1 endpoint at /sparql.")
    p.add_argument("--store", required=True)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--base", help="the IRI base request paths map to (default: the store's base)")
    p.add_argument("--timeout", type=_positive(float), default=10.0, help="seconds a SPARQL query may run (default 10)")
    p.add_argument("--result-limit", type=_positive(int), default=10_000,
                   help="most solutions or triples in one SPARQL answer (default 10000)")
    p.add_argument("--query-workers", type=_positive(int), default=2,
                   help="SPARQL worker processes (default 2)")
    _add_page_options(p)
    p.add_argument("--quiet", "-q", action="store_true", help="no access log")
    p.set_defaults(func=cmd_serve)
