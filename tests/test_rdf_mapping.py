from datetime import date

import pyoxigraph as ox

from kg.model import Article, CasualtyClaim, Entity, EventFrame, Extraction, TimeValue
from kg.rdf.iris import IriMinter, slug
from kg.rdf.mapping import ArticleMapper, content_hash

BASE = "https://example.org/kg/"
CKG = "https://w3id.org/conflict-kg/ontology#"


def _extraction() -> Extraction:
    art = Article(id="abc123", url="https://news.example/a", title="Strike near Hamrin", text="...",
                  published=date(2020, 5, 4), outlet="Example News")
    ents = {
        "peshmerga": Entity("peshmerga", "actor", "RegionalForce", "Peshmerga", {"Kurdish Peshmerga"}, wikidata="Q1056440"),
        "islamic_state": Entity("islamic_state", "actor", "NonStateArmedGroup", "Islamic State", {"ISIS", "Daesh"}),
        "hamrin": Entity("hamrin", "place", "TerrainFeature", "Hamrin Mountains", {"Hamrin"}, lat=34.4, lon=44.5, within="iraq"),
        "abc123-military-source": Entity("abc123-military-source", "source", "AnonymousSource", "a military source",
                                         {"a military source"}, article_local=True),
        "ministry": Entity("ministry", "actor", "Organization", "Ministry of Peshmerga", set()),
    }
    ev = EventFrame(id="e1", type="GroundOperation", trigger="operation", sentence=0, evidence="An operation.",
                    agents=["peshmerga"], targets=["islamic_state"], places=["hamrin"],
                    time=TimeValue(date(2020, 5, 3)), killed=3, sources=["abc123-military-source", "ministry"],
                    claims=[CasualtyClaim(killed=5, source="ministry")])
    ev2 = EventFrame(id="e2", type="Airstrike", trigger="airstrikes", sentence=1, evidence="Airstrikes.",
                     targets=["islamic_state"], time=TimeValue(date(2020, 5, 1), "month"), part_of="e1")
    return Extraction(article=art, entities=ents, events=[ev, ev2])


def _store(quads) -> ox.Store:
    s = ox.Store()
    s.extend(quads)
    return s


def test_article_graph_holds_types_roles_and_provenance():
    mapper = ArticleMapper(IriMinter(BASE))
    store = _store(mapper.article_quads(_extraction(), ox.NamedNode(BASE + "id/run/r1")))
    ask = lambda q: store.query("PREFIX ckg: <%s> PREFIX prov: <http://www.w3.org/ns/prov#> "
                                "PREFIX schema: <http://schema.org/> %s" % (CKG, q))
    assert bool(ask("""ASK { ?g prov:wasDerivedFrom ?a . ?a schema:url "https://news.example/a" .
                        GRAPH ?g { ?e a ckg:GroundOperation ; ckg:agent ?p ; ckg:target ?t ; ckg:place ?pl ;
                                      ckg:date "2020-05-03"^^<http://www.w3.org/2001/XMLSchema#date> ; ckg:killed 3 ;
                                      ckg:accordingTo ?src .
                                   ?p a ckg:RegionalForce . ?t a ckg:NonStateArmedGroup . ?pl a ckg:TerrainFeature .
                                   ?src a ckg:AnonymousSource } }"""))
    # month precision gives a gYearMonth; the sub-event points at its operation
    assert bool(ask("""ASK { GRAPH ?g { ?s a ckg:Airstrike ; ckg:date "2020-05"^^<http://www.w3.org/2001/XMLSchema#gYearMonth> ;
                                        ckg:partOf ?op . ?op a ckg:GroundOperation } }"""))
    # an actor quoted as a source is typed as both
    assert bool(ask("ASK { GRAPH ?g { <%sid/actor/ministry> a ckg:Organization, ckg:OfficialSource } }" % BASE))
    # the figure of another source is kept beside the article's
    assert bool(ask("ASK { GRAPH ?g { ?c a ckg:CasualtyClaim ; ckg:killed 5 ; ckg:about ?e ; ckg:accordingTo ?m } }"))


def test_labels_and_surface_forms():
    mapper = ArticleMapper(IriMinter(BASE))
    quads = mapper.article_quads(_extraction())
    alt = {q.object.value for q in quads if q.predicate.value.endswith("altLabel")}
    assert {"Kurdish Peshmerga", "ISIS", "Daesh", "Hamrin"} <= alt
    coords = {(q.subject.value, q.predicate.value.rsplit("#", 1)[1]) for q in quads if "wgs84_pos" in q.predicate.value}
    assert (BASE + "id/place/hamrin", "lat") in coords


def test_registry_facts_skip_article_local_entities():
    mapper = ArticleMapper(IriMinter(BASE))
    registry = [q for q in mapper.article_quads(_extraction()) if q.graph_name == ox.NamedNode(BASE + "graph/registry")]
    subjects = {q.subject.value for q in registry}
    assert BASE + "id/actor/peshmerga" in subjects
    assert not any("military-source" in s for s in subjects)
    assert any(q.object.value == "http://www.wikidata.org/entity/Q1056440" for q in registry)


def test_iris_are_deterministic_and_safe():
    m = IriMinter(BASE)
    assert m.actor("Ahrar al-Sham") == m.actor("Ahrar al-Sham")
    assert slug("Qarachokh <script>") == "qarachokh_script"
    assert m.article_graph("x1").value == BASE + "graph/article/x1"


def test_content_hash_changes_with_text():
    a = _extraction().article
    b = Article(**{**a.__dict__, "text": "changed"})
    assert content_hash(a) == content_hash(_extraction().article) != content_hash(b)


def test_registry_writes_the_located_in_closure():
    """With a place lookup, a place is locatedIn every place enclosing it, and those are
    described in the registry too: "inside this region" needs no property path."""
    registry = {
        "qaradia": Entity("qaradia", "place", "Country", "Qaradia", set(), lat=35.0, lon=44.0),
        "nahr": Entity("nahr", "place", "AdminRegion", "Nahr Governorate", set(), lat=35.5, lon=43.5, within="qaradia"),
        "umm-jarin": Entity("umm-jarin", "place", "Settlement", "Umm Jarin", set(), lat=35.6, lon=43.4, within="nahr"),
    }
    mapper = ArticleMapper(IriMinter(BASE), places=registry.get)
    store = _store(mapper.registry_quads(registry["umm-jarin"]))
    located = {(str(r["p"].value).rsplit("/", 1)[1], str(r["o"].value).rsplit("/", 1)[1]) for r in store.query(
        "SELECT ?p ?o WHERE { GRAPH ?g { ?p <%slocatedIn> ?o } }" % CKG)}
    assert located == {("umm-jarin", "nahr"), ("umm-jarin", "qaradia"), ("nahr", "qaradia")}
    # the enclosing places get their type and label though no article names them
    assert bool(store.query('ASK { GRAPH ?g { <%sid/place/nahr> a <%sAdminRegion> ; '
                            '<http://www.w3.org/2000/01/rdf-schema#label> "Nahr Governorate" } }' % (BASE, CKG)))
    # a cycle in the data does not loop, and an unknown parent is still the direct one
    cyclic = {"a": Entity("a", "place", "Settlement", "A", set(), within="b"),
              "b": Entity("b", "place", "AdminRegion", "B", set(), within="a")}
    assert [e.key for e in ArticleMapper(IriMinter(BASE), places=cyclic.get).enclosing(cyclic["a"])] == ["b"]
    orphan = Entity("c", "place", "Settlement", "C", set(), within="nowhere")
    assert [e.key for e in ArticleMapper(IriMinter(BASE), places={}.get).enclosing(orphan)] == ["nowhere"]


def test_an_article_lists_each_registry_entry_once_and_entries_are_reused():
    """Two villages of one governorate: the governorate's and the country's entries appear
    once in the article's quads, the same as each village's own registry_quads; a second
    article naming the villages gets the same entries, and an entity described differently
    (a corrected label) gets its own."""
    registry = {
        "qaradia": Entity("qaradia", "place", "Country", "Qaradia", set(), lat=35.0, lon=44.0),
        "nahr": Entity("nahr", "place", "AdminRegion", "Nahr Governorate", set(), lat=35.5, lon=43.5, within="qaradia"),
        "umm-jarin": Entity("umm-jarin", "place", "Settlement", "Umm Jarin", set(), lat=35.6, lon=43.4, within="nahr"),
        "tell-safa": Entity("tell-safa", "place", "Settlement", "Tell Safa", set(), lat=35.7, lon=43.3, within="nahr"),
    }
    mapper = ArticleMapper(IriMinter(BASE), places=registry.get)
    article = Article(id="v1", url="https://news.example/v1", title="Two villages", text="...")
    villages = {k: registry[k] for k in ("umm-jarin", "tell-safa")}
    registry_graph = ox.NamedNode(BASE + "graph/registry")

    def registry_part(ex):
        return [q for q in mapper.article_quads(ex) if q.graph_name == registry_graph]

    listed = registry_part(Extraction(article=article, entities=villages, events=[]))
    assert len(listed) == len(set(listed))
    assert set(listed) == set(mapper.registry_quads(villages["umm-jarin"])) | set(mapper.registry_quads(villages["tell-safa"]))
    nahr = ox.NamedNode(BASE + "id/place/nahr")
    assert sum(1 for q in listed if q.subject == nahr and q.predicate.value.endswith("#type")) == 1
    again = registry_part(Extraction(article=Article(id="v2", url="https://news.example/v2", title="t", text="..."),
                                     entities=villages, events=[]))
    assert again == listed
    renamed = {**villages, "umm-jarin": Entity("umm-jarin", "place", "Settlement", "Umm al-Jarin", set(),
                                                 lat=35.6, lon=43.4, within="nahr")}
    relabelled = registry_part(Extraction(article=article, entities=renamed, events=[]))
    labels = {q.object.value for q in relabelled if q.predicate.value.endswith("#label")}
    assert "Umm al-Jarin" in labels and "Umm Jarin" not in labels


def test_article_graphs_are_the_article_quads_graph_by_graph():
    mapper = ArticleMapper(IriMinter(BASE))
    run = ox.NamedNode(BASE + "id/run/r1")
    graphs = mapper.article_graphs(_extraction(), run)
    quads = graphs.quads()
    assert quads == mapper.article_quads(_extraction(), run)
    by_graph = {}
    for q in quads:
        by_graph.setdefault(q.graph_name, []).append((q.subject, q.predicate, q.object))
    assert by_graph[ox.DefaultGraph()] == graphs.description
    assert by_graph[ox.NamedNode(BASE + "graph/article/abc123")] == graphs.content
    assert graphs.named_graphs() == [graphs.content, by_graph[ox.NamedNode(BASE + "graph/registry")]]
    # an article naming nothing has no graph of its own: the default graph is all there is
    bare = Extraction(article=_extraction().article, entities={}, events=[])
    assert mapper.article_graphs(bare).named_graphs() == []
