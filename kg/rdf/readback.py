"""Store -> the fusion index: the one place that reads extraction-level values back from RDF.

Runs at the start of a build, so events stored by earlier builds take part in fusion. The
facts read here are those `kg.resolve.fusion.indexed` takes from an extraction, and the view
is made by the same function (`make_view`), so a stored event fuses exactly as it did when it
was extracted. A store with a folder keeps its index there between builds (`KeptIndex`), and it
is read again only when it is not known to match the store.
"""
from __future__ import annotations

import functools
import hashlib
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import kg
from kg.data.gazetteer import inputs_signature
from kg.rdf import terms as T
from kg.resolve import fusion
from kg.resolve.fusion import EventIndex, IndexedEvent, PlaceFacts, make_view, mark_operations, parse_date_literal
from kg.store.base import Store, fingerprint_of, graphs_by_run

_PREFIXES = f"""
PREFIX ckg: <{T.CKG}>
PREFIX geo: <{T.GEO}>
"""
# One query per kind of fact: OPTIONALs over places and parties together would multiply rows.
# The article graphs to read are named by the query's dataset (FROM NAMED), not bound by a
# VALUES clause: Oxigraph matched `GRAPH ?g { ... }` in every graph of the store before joining
# it with VALUES ?g, so each chunk cost time in proportion to the store (24 s a chunk of 400
# graphs at 10^5 articles, against 0.2 s with the dataset; the answers are the same).
_EVENTS = _PREFIXES + f"""
SELECT ?e ?type ?date ?name ?evidence {{DATASET}} WHERE {{
  GRAPH ?g {{
    ?e ckg:reportedIn ?article ; a ?type .
    OPTIONAL {{ ?e ckg:date ?date }}
    OPTIONAL {{ ?e ckg:name ?name }}
    OPTIONAL {{ ?e ckg:evidence ?evidence }}
  }}
  FILTER(STRSTARTS(STR(?type), "{T.CKG}"))
}}"""
_PLACES = _PREFIXES + f"""
SELECT ?e ?place ?kind ?lat ?long ?within {{DATASET}} WHERE {{
  GRAPH ?g {{
    ?e ckg:reportedIn ?article ; ckg:place ?place .
    ?place a ?kind .
    OPTIONAL {{ ?place geo:lat ?lat ; geo:long ?long }}
    OPTIONAL {{ ?place ckg:locatedIn ?within }}
  }}
  FILTER(STRSTARTS(STR(?kind), "{T.CKG}"))
}}"""
_PARTIES = _PREFIXES + f"""
SELECT ?e ?party ?kind ?role {{DATASET}} WHERE {{
  VALUES ?role {{ ckg:agent ckg:target ckg:supporter }}
  GRAPH ?g {{
    ?e ckg:reportedIn ?article ; ?role ?party .
    ?party a ?kind .
  }}
  FILTER(STRSTARTS(STR(?kind), "{T.CKG}"))
}}"""
# the same-event links each article graph states (its event -> another article's report)
_LINKS = _PREFIXES + f"""
SELECT ?a ?b {{DATASET}} WHERE {{
  GRAPH ?g {{ ?a <{T.SAME_AS.value}> ?b . ?a ckg:reportedIn ?article }}
}}"""
# the graphs holding events, read in chunks so that memory does not grow with the store
_EVENT_GRAPHS = _PREFIXES + """
SELECT DISTINCT ?g WHERE { GRAPH ?g { ?e ckg:reportedIn ?article } }"""
CHUNK_GRAPHS = 400
# reference facts (the registry graph): the same for every article
_PRECISIONS = _PREFIXES + """
SELECT DISTINCT ?place ?km WHERE { GRAPH ?g { ?place ckg:coordinatePrecisionKm ?km } }"""
_PARENTS = _PREFIXES + """
SELECT DISTINCT ?actor ?parent WHERE { GRAPH ?g { ?actor ckg:parentOrganization ?parent } }"""


def _values(store: Store, query: str) -> list[tuple[str | None, ...]]:
    return [tuple(t.value if t is not None else None for t in row)
            for row in store.query(query, union_default_graph=False).rows]


def _local(iri: str | None, prefix: str) -> str | None:
    return iri[len(prefix):] if iri is not None and iri.startswith(prefix) else None


# the fusion index kept in a store's folder (Store.derived_folder)
INDEX_FILE = "kg-fusion-index.sqlite"


@dataclass
class StoreChanges:
    """What one build or removal did to the store's article graphs, counted as it went: the
    store is expected to differ by exactly this when it ends (`KeptIndex.keep`)."""

    run: str | None = None      # the build's run (its IRI); None for a removal
    added: int = 0              # articles stored that had no earlier version
    replaced: int = 0           # articles stored over an earlier version
    removed: int = 0


class KeptIndex:
    """The fusion index of what a store holds, and whether it may be kept for the next build.

    A store with a folder (`Store.derived_folder`: beside an Oxigraph store, or a cache folder
    for a server) keeps the index there. It is used again when its mark names the store as it
    is now (`store_fingerprint`) and this code, and read from the store otherwise (10^5 articles
    in Oxigraph: ~65 s to read, 0.4 s to check; 10^4 on a loopback Virtuoso: ~40 s to read).

    A server may be written by others while a build runs. So a build marks the index only when
    the store changed by exactly what the build did (`StoreChanges`): no other run stored a
    graph, and no other graph went. Otherwise the index stays unmarked and the next build reads
    the store again.
    """

    def __init__(self, store: Store, event_prefix: str, place_prefix: str, actor_prefix: str,
                 before_read_back: Callable[[], None] = lambda: None):
        """``before_read_back`` runs only when the index is read from the store (the Builder
        drops there the graphs a killed build left half-written: a kept index proves no build
        was killed since it was marked, so the scan for them, 0.4 s at 10^5 articles, is
        spared)."""
        folder = store.derived_folder()
        self._counts: dict[str, int] | None = None      # the store when the index last matched it
        if folder is None:
            before_read_back()
            self.index = load_event_index(store, event_prefix, place_prefix, actor_prefix)
            return
        counts = graphs_by_run(store)
        stamp = _stamp(counts)
        index = EventIndex.kept_at(folder / INDEX_FILE, stamp)
        if index is None:
            before_read_back()      # (a graph without description is counted in no run: same stamp)
            index = load_event_index(store, event_prefix, place_prefix, actor_prefix, path=folder / INDEX_FILE)
            index.mark(stamp)
        self.index, self._counts = index, counts

    def distrust(self) -> None:
        """Mark a kept index as not known to match its store (before a build or removal changes
        either: one stopped half-way leaves it so, and the next is read from the store)."""
        if self.index.kept:
            self.index.mark(None)

    def keep(self, store: Store, changes: StoreChanges) -> None:
        """After a build or removal (the store flushed): mark the index as that of the store as
        it is now, if `changes` are all that changed it since the index last matched it."""
        if not self.index.kept or self._counts is None:
            return
        counts = graphs_by_run(store)
        if changed_only_by(self._counts, counts, changes):
            self.index.mark(_stamp(counts))
            self._counts = counts
        else:
            self._counts = None         # written by others meanwhile: the next build reads it


def changed_only_by(before: dict[str, int], after: dict[str, int], changes: StoreChanges) -> bool:
    """Whether the store's graphs per run went from `before` to `after` by `changes` alone: no
    other run stored a graph, ours stored what it counted, and the other runs lost (graphs
    replaced by ours or removed) what it counted too."""
    ours = changes.run
    if any(run not in before and run != ours for run in after):
        return False
    if any(after.get(run, 0) > n for run, n in before.items() if run != ours):
        return False
    if ours is not None and after.get(ours, 0) - before.get(ours, 0) != changes.added + changes.replaced:
        return False
    return sum(after.values()) - sum(before.values()) == changes.added - changes.removed


def _stamp(counts: dict[str, int]) -> str:
    return _code_stamp() + ":" + fingerprint_of(counts)


@functools.lru_cache(maxsize=1)
def _code_stamp() -> str:
    """What else an index's rows depend on: the code that makes views and files them, and the
    gazetteer (an event's scenes are its places' enclosing places)."""
    digest = hashlib.sha256(f"{kg.__version__}|{inputs_signature()}".encode())
    for module in (fusion.__file__, __file__):
        digest.update(Path(module).read_bytes())
    return digest.hexdigest()[:32]


def load_event_index(store: Store, event_prefix: str, place_prefix: str, actor_prefix: str,
                     chunk: int = CHUNK_GRAPHS, *, path: Path | None = None) -> EventIndex:
    """Every stored event in fusion form, in a new index (at `path`, or a scratch file); IRIs
    are turned back into refs and keys by prefix.

    Read a few hundred article graphs at a time (named as the queries' dataset: index
    look-ups, not scans), straight into the index, which keeps them on disk."""
    precision, parent = _reference_facts(store, place_prefix, actor_prefix)

    graphs = [row[0] for row in _values(store, _EVENT_GRAPHS) if row[0]]
    index = EventIndex(path=path)
    for i in range(0, len(graphs), chunk):
        dataset = _dataset(graphs[i:i + chunk])
        links = _chunk_links(store, dataset, event_prefix)
        for article_id, views in _chunk_views(store, dataset, event_prefix, place_prefix, actor_prefix,
                                              precision, parent).items():
            index.replace_article(article_id, views, links.get(article_id))
    return index


def reload_article(index: EventIndex, store: Store, graph: str, event_prefix: str, place_prefix: str,
                   actor_prefix: str) -> None:
    """Put back in the index what the store holds of one article (its events and links, or
    nothing): after a new version of the article was rejected, the stored one stays."""
    dataset = _dataset([graph])
    precision, parent = _reference_facts(store, place_prefix, actor_prefix)
    views = _chunk_views(store, dataset, event_prefix, place_prefix, actor_prefix, precision, parent)
    links = _chunk_links(store, dataset, event_prefix)
    article_id = graph.rsplit("/", 1)[1]
    index.replace_article(article_id, views.get(article_id, []), links.get(article_id))


def _dataset(graphs: list[str]) -> str:
    """The dataset clause naming these graphs (and no default graph) for the queries above."""
    return " ".join(f"FROM NAMED <{g}>" for g in graphs)


def _reference_facts(store: Store, place_prefix: str, actor_prefix: str) -> tuple[dict[str, float], dict[str, str]]:
    """Each place's coordinate precision and each actor's parent organisation."""
    # a minted place two articles locate differently has two figures: the wider one
    precision: dict[str, float] = {}
    for place, km in _values(store, _PRECISIONS):
        if (k := _local(place, place_prefix)) is not None and km is not None:
            precision[k] = max(precision.get(k, 0.0), float(km))
    parent = {k: p for actor, par in _values(store, _PARENTS)
              if (k := _local(actor, actor_prefix)) is not None and (p := _local(par, actor_prefix))}
    return precision, parent


def _chunk_links(store: Store, dataset: str, event_prefix: str) -> dict[str, dict[str, list[str]]]:
    """Article id -> its event's ref -> the refs it is linked to, for some article graphs."""
    links: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for a, b in _values(store, _LINKS.replace("{DATASET}", dataset)):
        ref, other = _local(a, event_prefix), _local(b, event_prefix)
        if ref is not None and other is not None:
            links[ref.rsplit("-", 1)[0]][ref].append(other)
    return links


def _chunk_views(store: Store, dataset: str, event_prefix: str, place_prefix: str, actor_prefix: str,
                 precision: dict[str, float], parent: dict[str, str]) -> dict[str, list[IndexedEvent]]:
    """The fusion views of the events of some article graphs (``dataset``: see _dataset)."""
    types: dict[str, set[str]] = defaultdict(set)
    dated: dict[str, tuple[str | None, str | None, str | None]] = {}
    for e, typ, dat, name, evidence in _values(store, _EVENTS.replace("{DATASET}", dataset)):
        ref = _local(e, event_prefix)
        if ref is None or typ is None:
            continue
        types[ref].add(typ[len(T.CKG):])
        dated[ref] = (dat, name, evidence)
    # the type mapping gave the event (a store that also holds inferred superclasses has more)
    heads = {ref: (sorted(ks - {"Operation"} or ks)[0], *dated[ref]) for ref, ks in types.items()}

    kinds: dict[tuple[str, str], set[str]] = defaultdict(set)
    facts: dict[tuple[str, str], dict] = {}
    for e, place, kind, lat, lon, within in _values(store, _PLACES.replace("{DATASET}", dataset)):
        ref, key = _local(e, event_prefix), _local(place, place_prefix)
        if ref not in heads or key is None or kind is None:
            continue
        kinds[ref, key].add(kind[len(T.CKG):])
        f = facts.setdefault((ref, key), {})
        if lat is not None and lon is not None:
            f["lat"], f["lon"] = float(lat), float(lon)
        if within is not None:
            f["within"] = _local(within, place_prefix)
    places: dict[str, list[PlaceFacts]] = defaultdict(list)
    for (ref, key), f in facts.items():
        kind = next((k for k in ("Facility", "TerrainFeature", "Settlement", "AdminRegion", "Country")
                     if k in kinds[ref, key]), "Place")
        places[ref].append(PlaceFacts(key, kind, f.get("lat"), f.get("lon"), precision.get(key), f.get("within")))

    party_kinds: dict[tuple[str, str], set[str]] = defaultdict(set)
    agents: dict[str, set[str]] = defaultdict(set)
    agent_role = T.ckg("agent").value
    for e, party, kind, role in _values(store, _PARTIES.replace("{DATASET}", dataset)):
        ref, key = _local(e, event_prefix), _local(party, actor_prefix)
        if ref in heads and key is not None and kind is not None:
            party_kinds[ref, key].add(kind[len(T.CKG):])
            if role == agent_role:
                agents[ref].add(key)
    parties: dict[str, list[tuple[str, str | None]]] = defaultdict(list)
    for (ref, key), ks in party_kinds.items():
        if "CivilianGroup" not in ks:
            parties[ref].append((key, parent.get(key)))

    by_article: dict[str, list[IndexedEvent]] = defaultdict(list)
    for ref, (typ, dat, name, evidence) in heads.items():
        article_id = ref.rsplit("-", 1)[0]
        view = make_view(ref, article_id, typ, parse_date_literal(dat) if dat else None, name,
                         sorted(places[ref], key=lambda p: p.key), sorted(parties[ref]), evidence or "",
                         agents[ref])
        by_article[article_id].append(view)
    for views in by_article.values():
        mark_operations(views)
    return by_article
