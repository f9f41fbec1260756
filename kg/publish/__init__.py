"""Publishing the graph as linked data: a static site (`publish_site`) and a server
(`create_app`, `serve`) with content negotiation and a read-only SPARQL endpoint.

    from kg.publish import publish_site
    with open_store("store", read_only=True) as store:
        publish_site(store, "site", base="https://data.example.org/")
"""
from __future__ import annotations

import importlib

# Each name from its module, loaded on first use: the command line imports this package to
# register `kg publish` and `kg serve`, and every command (a one-article build too) would
# otherwise load the page templates and RDF writers (~0.15 s), or the web stack.
_EXPORTS = {
    "PageOptions": "kg.publish.pages", "Rebase": "kg.publish.rebase", "detect_base": "kg.publish.rebase",
    "PublishError": "kg.publish.site", "PublishReport": "kg.publish.site", "publish_site": "kg.publish.site",
    "ServerConfig": "kg.publish.server", "create_app": "kg.publish.server", "serve": "kg.publish.server",
}


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(name)
    return getattr(importlib.import_module(module), name)


__all__ = ["PageOptions", "PublishError", "PublishReport", "Rebase", "ServerConfig", "create_app",
           "detect_base", "publish_site", "serve"]
