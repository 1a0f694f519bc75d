"""Export: every format parses back to the same graph; Turtle and N-Triples are byte-stable; writes are atomic."""

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from caregraph.errors import InputError, ParseError
from caregraph.export import FORMATS, canonical_triples, export, named_graph_quads, serialize
from caregraph.files import atomic_write
from caregraph.graph import CareGraph, parse_turtle_text
from caregraph.namespaces import PREFIXES

RDFLIB_FORMAT = {"turtle": "turtle", "nt": "nt", "jsonld": "json-ld", "xml": "xml", "trig": "trig", "nquads": "nquads"}


@pytest.fixture(scope="module")
def sample_reference(sample_graph):
    return sample_graph.to_rdflib()


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_format_parses_back_isomorphic_with_rdflib(sample_graph, sample_reference, fmt):
    """rdflib reads every format back as the graph itself, on the sample graph (conftest): comparing graphs of
    the shipped size in rdflib takes minutes; the shipped graph's export is read back by pyoxigraph below."""
    data = serialize(sample_graph, fmt)
    if fmt in ("trig", "nquads"):
        dataset = rdflib.Dataset()
        dataset.parse(data=data, format=RDFLIB_FORMAT[fmt])
        parsed = rdflib.Graph()
        for s, p, o, _ in dataset.quads((None, None, None, None)):
            parsed.add((s, p, o))
    else:
        parsed = rdflib.Graph().parse(data=data, format=RDFLIB_FORMAT[fmt])
    assert isomorphic(parsed, sample_reference)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_format_is_read_by_pyoxigraph_with_the_same_triple_count(graph, exported, fmt):
    quads = list(ox.parse(input=exported(fmt), format=FORMATS[fmt][0]))
    assert len({q.triple for q in quads}) == len(graph)


def test_trig_puts_the_ontology_and_the_calendar_in_their_own_graphs(exported):
    names = {q.graph_name.value for q in ox.parse(input=exported("trig"), format=ox.RdfFormat.TRIG)}
    assert "https://w3id.org/caregraph/id/graph-ontology" in names
    assert "https://w3id.org/caregraph/id/graph-unattested" not in names


def test_nquads_holds_the_quads_of_trig(exported):
    def quads(fmt):
        parsed = ox.parse(input=exported(fmt), format=FORMATS[fmt][0])
        return {q for q in parsed if not isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, ox.BlankNode)}

    assert quads("nquads") == quads("trig")
    assert len({q.graph_name for q in quads("nquads")}) > 5


def test_jsonld_is_compacted_with_caregraphs_prefixes_as_context(exported):
    import json

    from caregraph.namespaces import CG, PREFIXES

    document = json.loads(exported("jsonld"))
    assert document["@context"] == PREFIXES
    keys = {key for node in document["@graph"] for key in node}
    assert {"@id", "@type", "rdfs:label", "skos:definition"} <= keys
    assert not [key for key in keys if key.startswith(("http://", "https://"))]
    claim = next(node for node in document["@graph"] if node["@id"] == "cg:Claim")
    assert claim["@type"] == "owl:Class" and claim["rdfs:subClassOf"] == {"@id": "cg:SourcedRecord"}
    assert CG + "Claim" not in exported("jsonld").decode()


@pytest.fixture(scope="module")
def loaded_both_ways(project):
    """The graph loaded from its files in their order and in reverse."""
    files = project.graph_files()
    return (CareGraph.from_files(files, project=project), CareGraph.from_files(list(reversed(files)), project=project))


@pytest.mark.parametrize("fmt", ["turtle", "nt"])
def test_turtle_and_ntriples_are_byte_identical_across_loads_and_file_orders(loaded_both_ways, fmt):
    forward, backward = loaded_both_ways
    assert serialize(forward, fmt) == serialize(backward, fmt)


def test_inferred_export_adds_entailments(sample_graph):
    """On the sample graph (conftest): the reasoner's closure of the shipped graph is `caregraph check`'s test."""

    def ground(data):
        triples = {q.triple for q in ox.parse(input=data, format=ox.RdfFormat.N_TRIPLES)}
        return {
            t for t in triples if not isinstance(t.subject, ox.BlankNode) and not isinstance(t.object, ox.BlankNode)
        }

    plain, inferred = ground(serialize(sample_graph, "nt")), ground(serialize(sample_graph, "nt", inferred=True))
    assert plain < inferred
    # the class hierarchy is entailed: every clinical commissioning group is a commissioner
    ccg_is_commissioner = ox.Triple(
        ox.NamedNode("https://w3id.org/caregraph/def#ClinicalCommissioningGroup"),
        ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf"),
        ox.NamedNode("http://www.w3.org/ns/org#Organization"),
    )
    assert ccg_is_commissioner in inferred and ccg_is_commissioner not in plain


def test_a_failed_export_leaves_the_existing_file_as_it_was(project_copy, tmp_path):
    target = tmp_path / "caregraph.ttl"
    target.write_bytes(b"previous export\n")
    (project_copy.data_dir / "broken.ttl").write_text("this is not turtle\n")
    with pytest.raises(ParseError):
        export(CareGraph.load(project_copy, cache=False), "turtle", target)
    assert target.read_bytes() == b"previous export\n"
    assert [p.name for p in tmp_path.iterdir()] == ["caregraph.ttl", "project"]


def test_atomic_write_replaces_whole_files_and_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "out.ttl"
    atomic_write(target, b"one")
    atomic_write(target, b"two")
    assert target.read_bytes() == b"two"
    assert [p.name for p in tmp_path.iterdir()] == ["out.ttl"]


def test_atomic_write_onto_a_directory_fails_cleanly(tmp_path):
    (tmp_path / "taken").mkdir()
    with pytest.raises(InputError, match="is a folder"):
        atomic_write(tmp_path / "taken", b"data")
    assert (tmp_path / "taken").is_dir() and [p.name for p in tmp_path.iterdir()] == ["taken"]


def test_atomic_write_without_overwrite_never_replaces_a_record(tmp_path):
    target = tmp_path / "record.ttl"
    target.write_bytes(b"original")
    with pytest.raises(InputError, match="already exists"):
        atomic_write(target, b"new", overwrite=False)
    assert target.read_bytes() == b"original"
    assert [p.name for p in tmp_path.iterdir()] == ["record.ttl"]


def test_trig_places_each_triple_in_the_graph_of_every_source_that_attests_it(graph, exported):
    from caregraph.provenance import attestations

    attested = attestations(graph.store)
    placed: dict[tuple, set[str]] = {}
    for quad in ox.parse(input=exported("trig"), format=ox.RdfFormat.TRIG):
        placed.setdefault((quad.subject, quad.predicate, quad.object), set()).add(quad.graph_name.value)
    assert len(placed) == len(graph)
    for triple, names in placed.items():
        sources = attested.get(triple)
        if sources:
            assert names == {"https://w3id.org/caregraph/id/graph-" + s.rsplit("/", 1)[-1] for s in sources}, triple
        else:
            assert len(names) == 1 and names < {
                "https://w3id.org/caregraph/id/graph-ontology",
                "https://w3id.org/caregraph/id/graph-calendar",
            }, triple


def test_trig_places_a_record_pointing_at_a_blank_node_with_the_record(tmp_path):
    """Blank nodes are relabelled for the export; the triple still goes to its record's source."""
    record = tmp_path / "record.ttl"
    record.write_text("""
        @prefix cg: <https://w3id.org/caregraph/def#> . @prefix cgd: <https://w3id.org/caregraph/id/> .
        @prefix prov: <http://www.w3.org/ns/prov#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        cgd:source-999 a cg:SourceDocument .
        cgd:quote-999 a cg:Quotation ; prov:wasQuotedFrom cgd:source-999 .
        cgd:funding-999 a cg:FundingAllocation ; prov:wasDerivedFrom cgd:quote-999 ;
            cg:recipient [ a cg:AccountableCareSystem ; rdfs:label "Dorset"@en ] .
    """)
    small = CareGraph.from_files([record], project=None)
    quads = list(ox.parse(input=serialize(small, "trig"), format=ox.RdfFormat.TRIG))
    (recipient,) = [q for q in quads if q.predicate.value == "https://w3id.org/caregraph/def#recipient"]
    assert isinstance(recipient.object, ox.BlankNode)
    assert recipient.graph_name.value == "https://w3id.org/caregraph/id/graph-source-999"


# Terms Oxigraph's Turtle writer writes in special ways, and orders that sorting by the written form would get
# wrong: local names that are prefixes of others (RO11, RO110), escapes, IRIs outside or at the edge of the
# prefixes, several objects of one predicate, numbers and booleans written bare, blank nodes, literals holding
# the writer's own separators.
AWKWARD = r"""
@prefix cg: <https://w3id.org/caregraph/def#> . @prefix cgd: <https://w3id.org/caregraph/id/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
cgd:ods-role-RO110 a skos:Concept ; rdfs:label "RO110" .
cgd:ods-role-RO11 a skos:Concept ; skos:notation "RO11" ; rdfs:label "RO11" .
cgd:agreement-acs-mou-10 a cg:Agreement . cgd:agreement-acs-mou a cg:Agreement . cgd:a.b a cg:Agreement .
<https://w3id.org/caregraph/id/a/b> rdfs:label "a slash, escaped in a local name" .
<https://w3id.org/caregraph/id/a~b> rdfs:label "a tilde" . <https://w3id.org/caregraph/id/aZ> rdfs:label "Z" .
<https://w3id.org/caregraph/id/-dash> rdfs:label "a leading dash" .
<https://w3id.org/caregraph/id/> rdfs:label "the namespace itself" .
<https://w3id.org/caregraph/def> a owl:Ontology . <http://example.org/x> rdfs:label "outside the prefixes" .
<https://w3id.org/caregraph/id/per%20cent> rdfs:label "a percent sign" .
cgd:multi a cg:Alliance , cg:Agreement , owl:Thing ; rdfs:label "z"@en , "a"@en , "m" ;
    cg:amount 5 , 1.5 , "x"^^xsd:string , "1e3"^^xsd:double , "007"^^xsd:integer , -2 ;
    owl:sameAs <http://example.org/x> , cgd:ods-role-RO11 , cgd:a.b ; cg:flag true , false ;
    rdfs:comment "a , b ; c .\n d _:x" , "tab\there \"quoted\" ünïcödé" ; skos:note '''two
lines''' ; rdfs:seeAlso <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> ; cg:on "2020-01-01"^^xsd:date .
cgd:record prov:wasDerivedFrom cgd:quote-2 , cgd:quote-10 , cgd:quote-1 ; cg:party [ rdfs:label "nested" ] .
[] a cg:Agreement ; rdfs:label "a blank subject" ; cg:party [ a cg:Alliance ] .
"""


@pytest.mark.parametrize("source", ["shipped", "awkward"])
def test_the_turtle_export_is_oxigraphs_serialiser_on_the_triples_in_canonical_order(graph, source):
    """The export writes through Oxigraph's store dump and puts it in order; the reference sorts the triples
    one by one (canonical_triples) and has Oxigraph's serialiser write them: the bytes must be the same."""
    if source == "awkward":
        graph = CareGraph.from_triples(parse_turtle_text(AWKWARD))
    reference = ox.serialize(canonical_triples(graph.triples()), format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    assert serialize(graph, "turtle") == reference


@pytest.mark.parametrize("source", ["shipped", "awkward"])
def test_the_trig_export_is_oxigraphs_serialiser_on_the_placed_quads(graph, source):
    if source == "awkward":
        graph = CareGraph.from_triples(parse_turtle_text(AWKWARD))
    quads = named_graph_quads(graph, canonical_triples(graph.triples()))
    assert serialize(graph, "trig") == ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=PREFIXES)
