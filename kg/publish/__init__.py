"""Publishing the graph as linked data: a static site (`publish_site`) and a server
(`create_app`, `serve`) with content negotiation and a read-only SPARQL endpoint.

    from kg.publish import publish_site
    with open_store("store", read_only=True) as store:
        publish_site(store, "site", base="https://data.example.org/")
"""
from __future__ import annotations

from kg.publish.pages import PageOptions
from kg.publish.rebase import Rebase, detect_base
from kg.publish.site import PublishError, PublishReport, publish_site


def __getattr__(name: str):
    # The web stack loads only for the server.
    if name in ("ServerConfig", "create_app", "serve"):
        from kg.publish import server
        return getattr(server, name)
    raise AttributeError(name)


__all__ = ["PageOptions", "PublishError", "PublishReport", "Rebase", "ServerConfig", "create_app",
           "detect_base", "publish_site", "serve"]
