"""Store -> the fusion index: the one place that reads extraction-level values back from RDF.

Runs once at the start of a build, so events stored by earlier builds take part in fusion.
"""
from __future__ import annotations

from collections import defaultdict

from kg.rdf import terms as T
from kg.resolve.fusion import EventIndex, IndexedEvent, parse_date_literal
from kg.store.base import Store

_QUERY = f"""
PREFIX ckg: <{T.CKG}>
PREFIX geo: <{T.GEO}>
SELECT ?e ?type ?date ?place ?kind ?lat ?long ?party ?name WHERE {{
  GRAPH ?g {{
    ?e ckg:reportedIn ?article ; a ?type .
    OPTIONAL {{ ?e ckg:date ?date }}
    OPTIONAL {{ ?e ckg:place ?place . ?place a ?kind .
               OPTIONAL {{ ?place geo:lat ?lat ; geo:long ?long }} }}
    OPTIONAL {{ ?e ckg:agent|ckg:target|ckg:supporter ?party }}
    OPTIONAL {{ ?e ckg:name ?name }}
  }}
  FILTER(STRSTARTS(STR(?type), "{T.CKG}"))
}}"""
_SPECIFIC = {T.CKG + k for k in ("Facility", "TerrainFeature", "Settlement")}


def load_event_index(store: Store, event_prefix: str, place_prefix: str, actor_prefix: str) -> EventIndex:
    """Every stored event in fusion form; IRIs are turned back into refs and keys by prefix."""
    events: dict[str, IndexedEvent] = {}
    points: dict[str, set[tuple[float, float]]] = defaultdict(set)
    for row in store.query(_QUERY, union_default_graph=False).rows:
        e, typ, dat, place, kind, lat, lon, party, name = (t.value if t is not None else None for t in row)
        if not e.startswith(event_prefix):
            continue
        ref = e[len(event_prefix):]
        ev = events.get(ref)
        if ev is None:
            article_id = ref.rsplit("-", 1)[0]
            ev = events[ref] = IndexedEvent(ref, article_id, typ[len(T.CKG):],
                                            parse_date_literal(dat) if dat else None, name=name)
        if place and kind in _SPECIFIC and place.startswith(place_prefix):
            ev.places.add(place[len(place_prefix):])
            if lat is not None and lon is not None:
                points[ref].add((float(lat), float(lon)))
        if party and party.startswith(actor_prefix):
            ev.parties.add(party[len(actor_prefix):])
    for ref, pts in points.items():
        events[ref].points = sorted(pts)
    return EventIndex(events.values())
