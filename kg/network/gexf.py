"""A GEXF 1.3 writer for networkx graphs.

networkx writes GEXF 1.2draft (its "1.3" has a wrong XML-Schema-instance namespace), guesses
time formats and cannot write list attributes. This writer follows the GEXF 1.3 schema
(gexf.net/1.3) and what Gephi's importer reads:

- typed attributes, declared once per class with a type inferred from all values (boolean,
  integer / long, double, string, and the list types `liststring`, `listinteger`, ...);
  lists are written `["a", "b"]`, the array syntax Gephi and graphology parse; values that
  are None are left out; `attribute_types` overrides a type (e.g. ``{"iri": "anyURI"}``);
- edges keep their direction: a graph where some edges are directed and others not (the
  `directed` edge attribute) writes each edge's `type`; the edge attribute `kind` becomes
  GEXF's edge kind (parallel edges of different kinds, as in Gephi 0.9+);
- dynamic mode: `start` / `end` of nodes and edges (`datetime.date`, `datetime.datetime`,
  numbers, or ISO date strings) become their time interval, with the matching
  `timeformat`; in static mode they are left out;
- `viz` attributes ({"color": {"r", "g", "b", "a"}, "size", "position": {"x", "y", "z"},
  "thickness", "shape"}, the networkx convention) become colour, size, position, thickness
  and shape elements. The official 1.3 XSD declares these elements in the GEXF namespace
  itself (its viz.xsd has no target namespace), so that is where they are written; Gephi
  and graphology match them by local name.

Reserved attribute names (not written as attribute values): node `label`, `viz`, `start`,
`end`; edge `label`, `viz`, `start`, `end`, `weight`, `kind`, `directed`.
"""
from __future__ import annotations

import math
import re
from collections.abc import Hashable, Iterable, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

import networkx as nx
from lxml import etree

GEXF_NS = "http://gexf.net/1.3"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_LOCATION = "http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd"

NODE_RESERVED = frozenset({"label", "viz", "start", "end"})
EDGE_RESERVED = frozenset({"label", "viz", "start", "end", "weight", "kind", "directed"})
ATTRIBUTE_TYPES = frozenset({
    "integer", "long", "double", "float", "boolean", "string", "anyURI", "liststring", "listinteger",
    "listlong", "listdouble", "listfloat", "listboolean",
})
_INT32 = 2 ** 31
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_ISO_DATE = re.compile(r"^-?\d{4}-\d{2}-\d{2}$")
_ISO_DATETIME = re.compile(r"^-?\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$")


class GexfError(ValueError):
    """The graph holds something GEXF cannot say (a bad time value, an unknown type)."""


def write_gexf(graph: nx.Graph, path: str | Path, *, dynamic: bool = False,
               attribute_types: Mapping[str, str] | None = None, creator: str | None = None,
               description: str | None = None, keywords: Iterable[str] = (),
               modified: date | None = None) -> None:
    """Write `graph` as a GEXF 1.3 file (UTF-8)."""
    document = gexf_document(graph, dynamic=dynamic, attribute_types=attribute_types, creator=creator,
                             description=description, keywords=keywords, modified=modified)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(etree.tostring(document, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def gexf_document(graph: nx.Graph, *, dynamic: bool = False, attribute_types: Mapping[str, str] | None = None,
                  creator: str | None = None, description: str | None = None, keywords: Iterable[str] = (),
                  modified: date | None = None) -> etree._ElementTree:
    """The GEXF 1.3 document of `graph` as an lxml tree."""
    overrides = dict(attribute_types or {})
    for name, t in overrides.items():
        if t not in ATTRIBUTE_TYPES:
            raise GexfError(f"attribute {name!r}: unknown GEXF type {t!r}")

    root = etree.Element(_q("gexf"), nsmap={None: GEXF_NS, "xsi": XSI_NS}, version="1.3")
    root.set(f"{{{XSI_NS}}}schemaLocation", SCHEMA_LOCATION)
    meta = etree.SubElement(root, _q("meta"), lastmodifieddate=(modified or date.today()).isoformat())
    if creator:
        etree.SubElement(meta, _q("creator")).text = _xml_text(creator)
    if description:
        etree.SubElement(meta, _q("description")).text = _xml_text(description)
    keywords = [k for k in keywords if k]
    if keywords:
        etree.SubElement(meta, _q("keywords")).text = _xml_text(", ".join(keywords))

    edges = list(_edges(graph))
    default_type = "directed" if graph.is_directed() else "undirected"
    mixed = any(_edge_type(data, default_type) != default_type for *_, data in edges)

    g = etree.SubElement(root, _q("graph"), defaultedgetype=default_type, mode="dynamic" if dynamic else "static")
    time_format = None
    if dynamic:
        times = [d.get(k) for _, d in graph.nodes(data=True) for k in ("start", "end")]
        times += [d.get(k) for *_, d in edges for k in ("start", "end")]
        time_format = _time_format([t for t in times if t is not None])
        g.set("timeformat", time_format)
        g.set("timerepresentation", "interval")

    node_model = _model((d for _, d in graph.nodes(data=True)), NODE_RESERVED, overrides)
    edge_model = _model((d for *_, d in edges), EDGE_RESERVED, overrides)
    for cls, model in (("node", node_model), ("edge", edge_model)):
        if model:
            attributes = etree.SubElement(g, _q("attributes"), {"class": cls, "mode": "static"})
            for name, t in model.items():
                etree.SubElement(attributes, _q("attribute"), id=name, title=name, type=t)

    nodes = etree.SubElement(g, _q("nodes"), count=str(graph.number_of_nodes()))
    for node, data in graph.nodes(data=True):
        element = etree.SubElement(nodes, _q("node"), id=_xml_text(str(node)))
        element.set("label", _xml_text(str(data.get("label", node))))
        if dynamic:
            _set_interval(element, data, time_format)
        _write_attvalues(element, data, node_model)
        _write_viz(element, data.get("viz"), edge=False)

    edges_element = etree.SubElement(g, _q("edges"), count=str(len(edges)))
    for index, (u, v, data) in enumerate(edges):
        element = etree.SubElement(edges_element, _q("edge"), id=f"e{index}", source=_xml_text(str(u)),
                                   target=_xml_text(str(v)))
        if mixed:
            element.set("type", _edge_type(data, default_type))
        if data.get("kind") is not None:
            element.set("kind", _xml_text(str(data["kind"])))
        if data.get("label") is not None:
            element.set("label", _xml_text(str(data["label"])))
        if data.get("weight") is not None:
            element.set("weight", _number(float(data["weight"])))
        if dynamic:
            _set_interval(element, data, time_format)
        _write_attvalues(element, data, edge_model)
        _write_viz(element, data.get("viz"), edge=True)
    return etree.ElementTree(root)


# ------------------------------------------------------------------------------ parts

def _q(tag: str) -> str:
    return f"{{{GEXF_NS}}}{tag}"


def _edges(graph: nx.Graph) -> Iterable[tuple[Hashable, Hashable, dict]]:
    if graph.is_multigraph():
        return ((u, v, d) for u, v, _, d in graph.edges(keys=True, data=True))
    return graph.edges(data=True)


def _edge_type(data: Mapping[str, Any], default: str) -> str:
    directed = data.get("directed")
    if directed is None:
        return default
    return "directed" if directed else "undirected"


def _model(records: Iterable[Mapping[str, Any]], reserved: frozenset[str], overrides: Mapping[str, str]
           ) -> dict[str, str]:
    """Attribute name -> GEXF type, in order of first appearance."""
    values: dict[str, list[Any]] = {}
    for data in records:
        for name, value in data.items():
            if name in reserved:
                continue
            values.setdefault(name, [])
            if value is not None:
                values[name].append(value)
    model = {}
    for name, seen in values.items():
        if not _valid_id(name):
            raise GexfError(f"attribute name {name!r} cannot be a GEXF attribute id")
        if name in overrides:
            model[name] = overrides[name]
        elif seen:
            model[name] = attribute_type(seen)
    return model


def _valid_id(name: Any) -> bool:
    return isinstance(name, str) and bool(name) and not _NOT_XML.search(name)


def attribute_type(values: list[Any]) -> str:
    """The GEXF type that holds all `values` (None left out beforehand)."""
    if all(isinstance(v, (list, tuple, set, frozenset)) for v in values):
        items = [x for v in values for x in v if x is not None]
        return "list" + (attribute_type(items) if items else "string")
    if any(isinstance(v, (list, tuple, set, frozenset, dict)) for v in values):
        return "string"
    if all(isinstance(v, bool) for v in values):
        return "boolean"
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return "integer" if all(-_INT32 <= v < _INT32 for v in values) else "long"
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        return "double"
    return "string"


def format_value(value: Any, gexf_type: str) -> str:
    """The text of `value` as an attvalue of `gexf_type`."""
    if gexf_type.startswith("list"):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else list(value) \
            if isinstance(value, (list, tuple)) else [value]
        scalar = gexf_type[4:]
        return "[" + ", ".join(_list_item(x, scalar) for x in items if x is not None) + "]"
    if gexf_type == "boolean":
        return "true" if value else "false"
    if gexf_type in ("integer", "long"):
        return str(int(value))
    if gexf_type in ("double", "float"):
        return _number(float(value))
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return _xml_text(str(value))


def _list_item(value: Any, scalar: str) -> str:
    if scalar in ("string", "anyURI") or isinstance(value, str):
        text = _xml_text(str(value)).replace("\\", "\\\\").replace('"', '\\"')
        text = text.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
        return f'"{text}"'
    return format_value(value, scalar)


def _number(x: float) -> str:
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return repr(x) if not x.is_integer() else f"{x:.1f}"


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _write_attvalues(element: etree._Element, data: Mapping[str, Any], model: Mapping[str, str]) -> None:
    present = [(name, data[name]) for name in model if data.get(name) is not None]
    if not present:
        return
    attvalues = etree.SubElement(element, _q("attvalues"))
    for name, value in present:
        etree.SubElement(attvalues, _q("attvalue"), {"for": name, "value": format_value(value, model[name])})


def _write_viz(element: etree._Element, viz: Mapping[str, Any] | None, *, edge: bool) -> None:
    if not viz:
        return
    colour = viz.get("color")
    if colour is not None:
        c = etree.SubElement(element, _q("color"))
        if isinstance(colour, str):
            c.set("hex", colour)
        else:
            for channel in ("r", "g", "b"):
                c.set(channel, str(max(0, min(255, int(colour.get(channel, 0))))))
            if colour.get("a") is not None:
                c.set("a", _number(max(0.0, min(1.0, float(colour["a"])))))
    if not edge and viz.get("position") is not None:
        p = viz["position"]
        attrs = {axis: _number(float(p[axis])) for axis in ("x", "y", "z") if p.get(axis) is not None}
        etree.SubElement(element, _q("position"), attrs)
    if not edge and viz.get("size") is not None:
        etree.SubElement(element, _q("size"), value=_number(max(0.0, float(viz["size"]))))
    if edge and viz.get("thickness") is not None:
        etree.SubElement(element, _q("thickness"), value=_number(max(0.0, float(viz["thickness"]))))
    if viz.get("shape") is not None:
        etree.SubElement(element, _q("shape"), value=str(viz["shape"]))


# ------------------------------------------------------------------------------ time

def _time_format(values: list[Any]) -> str:
    if not values:
        return "date"
    if all(isinstance(v, datetime) or (isinstance(v, str) and _ISO_DATETIME.match(v)) for v in values):
        return "dateTime"
    if all((isinstance(v, date) and not isinstance(v, datetime)) or (isinstance(v, str) and _ISO_DATE.match(v))
           for v in values):
        return "date"
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return "integer"
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        return "double"
    raise GexfError("start/end values mix kinds or are not dates, date-times or numbers: "
                    + ", ".join(sorted({type(v).__name__ for v in values})))


def _set_interval(element: etree._Element, data: Mapping[str, Any], time_format: str | None) -> None:
    for bound in ("start", "end"):
        value = data.get(bound)
        if value is None:
            continue
        if isinstance(value, (date, datetime)):
            text = value.isoformat()
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            text = str(value) if time_format == "integer" else _number(float(value))
        else:
            text = str(value)
        element.set(bound, text)
