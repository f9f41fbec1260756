"""Actor networks: the store's operations as a signed graph of actors, measured and exported.

```python
from kg.store import open_store
from kg.network import NetworkFilter, actor_graph, annotate, write_gexf

with open_store("demo-store", read_only=True) as store:
    graph = annotate(actor_graph(store, NetworkFilter(since="2018-07", kinds=("ArmedForce",))))
write_gexf(graph, "actors.gexf", dynamic=True)
```

Modules: `graph` (SPARQL -> networkx), `metrics` (centrality, camps, balance), `gexf` (the
GEXF 1.3 writer), `export` (GraphML, CSV), `style` (colours and sizes), `draw` (pictures),
`report` (table and JSON), `cli` (`kg network`). See docs/network.md.

Names load on first use: `kg` imports `kg.network.cli` for every command, and networkx,
lxml and matplotlib should cost nothing to commands that do not draw networks.
"""
from __future__ import annotations

import importlib
from typing import Any

_EXPORTS: dict[str, str] = {
    "RELATIONS": "graph", "ActorInfo": "graph", "EventData": "graph", "EventInfo": "graph",
    "NetworkError": "graph", "NetworkFilter": "graph", "actor_graph": "graph", "fold": "graph",
    "read_events": "graph", "window_graphs": "graph",
    "Balance": "metrics", "annotate": "metrics", "centralities": "metrics", "communities": "metrics",
    "pair_view": "metrics", "ranked": "metrics", "snapshot_summary": "metrics", "structural_balance": "metrics",
    "GexfError": "gexf", "gexf_document": "gexf", "write_gexf": "gexf",
    "write_edge_csv": "export", "write_graphml": "export",
    "draw_network": "draw",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'kg.network' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"kg.network.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
