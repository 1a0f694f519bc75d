"""The shapes in ontology/shapes/: consistent with the ontology, written for researchers, and each rule caught.

Every invalid example in examples/invalid/ breaks exactly one rule of the shapes; the table below names the shape
and property that must catch it (the rule each example was written to break), and the message must be that
shape's own. Most leave out the claims that would attest their statements, which are not what they show, so the
record gate also reports those statements as unattested (cgsh:AttestedTriplesShape).
Examples are validated in the context of tests/fixtures/context.ttl, a small stand-in for the shared entities
they point at, so these tests do not depend on what data/ holds.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib import OWL, RDF, RDFS, SH, URIRef
from rdflib.collection import Collection

from caregraph.namespaces import CG, CGSH, PREFIXES, XSD, expand

REPO = Path(__file__).resolve().parents[1]
SHAPES_DIR = REPO / "ontology" / "shapes"
EXAMPLES = REPO / "examples"
CONTEXT = REPO / "tests" / "fixtures" / "context.ttl"

# example file → (shape or SPARQL constraint, property path, constraint component) that must catch it.
INVALID = {
    "amount-negative": ("cgsh:AmountShape-nonNegative", "cg:amount", "sh:MinInclusiveConstraintComponent"),
    "amount-not-decimal": ("cgsh:AmountShape-amount", "cg:amount", "sh:DatatypeConstraintComponent"),
    "amount-without-currency": ("cgsh:AmountShape-currency", "cg:currency", "sh:MinCountConstraintComponent"),
    "approximate-amount-without-words": (
        "cgsh:FinancialArrangementShape-approximateWords",
        "cg:isApproximate",
        "sh:SPARQLConstraintComponent",
    ),
    "blank-node": ("cgsh:NamedNodesShape", "cg:recipient", ""),
    "claim-derived-from-a-source-not-a-quotation": (
        "cgsh:SourcedRecordShape-wasDerivedFrom",
        "prov:wasDerivedFrom",
        "sh:ClassConstraintComponent",
    ),
    "claim-without-quotation": (
        "cgsh:SourcedRecordShape-wasDerivedFrom",
        "prov:wasDerivedFrom",
        "sh:MinCountConstraintComponent",
    ),
    "claim-without-subject": ("cgsh:ClaimShape-subject", "rdf:subject", "sh:MinCountConstraintComponent"),
    "date-not-a-calendar-term": ("cgsh:DatedRecordShape-hasTime", "time:hasTime", "sh:NodeKindConstraintComponent"),
    "dated-name-without-a-date": ("cgsh:DatedNameShape-oneDate", "time:hasTime", "sh:SPARQLConstraintComponent"),
    "designation-without-area": (
        "cgsh:DesignationShape-designatedArea",
        "cg:designatedArea",
        "sh:MinCountConstraintComponent",
    ),
    "evolution-runs-backwards": (
        "cgsh:EvolutionShape-direction",
        "org:originalOrganization",
        "sh:SPARQLConstraintComponent",
    ),
    "footprint-code-not-e54-or-e59": ("cgsh:FootprintShape-gssCode", "cg:gssCode", "sh:PatternConstraintComponent"),
    "footprint-is-a-place": ("cgsh:PartnershipShape-hasFootprint", "cg:hasFootprint", "sh:ClassConstraintComponent"),
    "gss-code-malformed": ("cgsh:GSSCodeShape-gssCode", "cg:gssCode", "sh:PatternConstraintComponent"),
    "label-missing": ("cgsh:NamedThingShape-label", "rdfs:label", "sh:MinCountConstraintComponent"),
    "member-is-a-place": ("cgsh:MemberShape-organisationNotPlace", "org:member", "sh:SPARQLConstraintComponent"),
    "numerator-above-denominator": (
        "cgsh:PopulationShareShape-numerator",
        "cg:numerator",
        "sh:LessThanOrEqualsConstraintComponent",
    ),
    "ods-code-malformed": ("cgsh:ODSCodeShape-odsCode", "cg:odsCode", "sh:PatternConstraintComponent"),
    "ons-geography-of-another-code": (
        "cgsh:FootprintShape-onsGeographyMatchesCode",
        "cg:onsGeography",
        "sh:SPARQLConstraintComponent",
    ),
    "party-not-an-organisation": ("cgsh:AgreementShape-party", "cg:party", "sh:NodeConstraintComponent"),
    "period-ends-before-it-begins": (
        "cgsh:DatedRecordShape-endNotBeforeStart",
        "time:hasTime",
        "sh:SPARQLConstraintComponent",
    ),
    "population-without-dataset": ("cgsh:PopulationShape-dataSet", "qb:dataSet", "sh:MinCountConstraintComponent"),
    "population-without-date": ("cgsh:PopulationShape-hasTime", "time:hasTime", "sh:MinCountConstraintComponent"),
    "population-without-unit": ("cgsh:PopulationShape-unit", "cg:unitOfMeasure", "sh:MinCountConstraintComponent"),
    "quotation-not-in-its-source": ("cgsh:QuotedWordsShape", "prov:value", ""),
    "quotation-without-source": (
        "cgsh:QuotationShape-wasQuotedFrom",
        "prov:wasQuotedFrom",
        "sh:MinCountConstraintComponent",
    ),
    "quotation-without-words": ("cgsh:QuotationShape-value", "prov:value", "sh:MinCountConstraintComponent"),
    "renamed-without-earlier-name": (
        "cgsh:RenamingShape-keepsEarlierName",
        "cg:previousName",
        "sh:SPARQLConstraintComponent",
    ),
    "role-period-without-time": ("cgsh:RolePeriodShape-hasTime", "time:hasTime", "sh:MinCountConstraintComponent"),
    "share-of-place-above-one": (
        "cgsh:PlaceInFootprintShape-shareOfPlace",
        "cg:shareOfPlace",
        "sh:MaxInclusiveConstraintComponent",
    ),
    "source-without-date-as-given": (
        "cgsh:SourceShape-dateAsGiven",
        "cg:dateAsGiven",
        "sh:MinCountConstraintComponent",
    ),
    "source-without-publisher-or-author": ("cgsh:SourceResponsibilityShape", "", "sh:OrConstraintComponent"),
    "source-without-title": ("cgsh:SourceShape-title", "dcterms:title", "sh:MinCountConstraintComponent"),
    "statement-not-attested": ("cgsh:AttestedTriplesShape", "skos:altLabel", ""),
    "status-from-wrong-scheme": ("cgsh:DesignationShape-status", "cg:status", "sh:NodeConstraintComponent"),
    "stp-evolved-from-acs": (
        "cgsh:PartnershipShape-evolutionDirection",
        "cg:evolvedFrom",
        "sh:SPARQLConstraintComponent",
    ),
    "undeclared-term": ("cgsh:DeclaredTermsShape", "cg:coverPlace", ""),
    "untyped-record": ("cgsh:TypedRecordsShape", "rdf:type", ""),
    "wave-number-not-a-positive-integer": (
        "cgsh:DesignationWaveShape-waveNumber",
        "cg:waveNumber",
        "sh:MinInclusiveConstraintComponent",
    ),
}

# Rules that necessarily catch an example too: a blank node where a shape asks for an IRI breaks that shape's
# sh:nodeKind as well, which standard SHACL reports beside the named-nodes convention.
ALSO = {"blank-node": {"cgsh:FinancialArrangementShape-recipient"}}

# Ranges that the shapes check as xsd:integer with a lower bound, because the embedded store keeps every
# integer-derived literal as xsd:integer (see the header of ontology/shapes/shared.ttl).
INTEGER_RANGES = {XSD + "nonNegativeInteger": 0, XSD + "positiveInteger": 1}
_PROPERTY_TYPES = {OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property}
_BUILT_IN = tuple(str(ns) for ns in (RDF, RDFS, OWL, SH, XSD))


@pytest.fixture(scope="module")
def shapes():
    from caregraph.validate import load_shapes

    return load_shapes(sorted(SHAPES_DIR.glob("*.ttl")))


@pytest.fixture(scope="module")
def ontology(project):
    graph = rdflib.Graph()
    for path in project.ontology_files():
        graph.parse(path)
    return graph


def _declared(ontology, term, kinds) -> bool:
    return str(term).startswith(_BUILT_IN) or any((term, RDF.type, kind) in ontology for kind in kinds)


def _path_properties(shapes, path):
    if isinstance(path, URIRef):
        yield path
    elif (path, RDF.first, None) in shapes:
        for step in Collection(shapes, path):
            yield from _path_properties(shapes, step)
    else:
        for key in (SH.inversePath, SH.alternativePath, SH.zeroOrMorePath, SH.oneOrMorePath, SH.zeroOrOnePath):
            for inner in shapes.objects(path, key):
                yield from _path_properties(shapes, inner)


# --- consistency with the ontology ---------------------------------------------------------------------------


def test_every_target_class_and_class_is_declared_in_the_ontology(shapes, ontology):
    classes = set(shapes.objects(None, SH.targetClass)) | set(shapes.objects(None, SH["class"]))
    assert len(classes) > 20
    undeclared = sorted(str(c) for c in classes if not _declared(ontology, c, {OWL.Class}))
    assert undeclared == []


def test_every_path_and_property_target_is_declared_in_the_ontology(shapes, ontology):
    properties = set()
    for path in shapes.objects(None, SH.path):
        properties |= set(_path_properties(shapes, path))
    for key in (SH.targetSubjectsOf, SH.targetObjectsOf, SH.lessThanOrEquals, SH.lessThan, SH.equals, SH.disjoint):
        properties |= set(shapes.objects(None, key))
    assert len(properties) > 40
    undeclared = sorted(str(p) for p in properties if not _declared(ontology, p, _PROPERTY_TYPES))
    assert undeclared == []


def test_every_concept_and_scheme_a_shape_names_is_declared(shapes, ontology):
    values = {v for v in shapes.objects(None, SH.hasValue) if isinstance(v, URIRef)}
    assert values
    assert sorted(str(v) for v in values if (v, RDFS.isDefinedBy, None) not in ontology) == []


def test_datatypes_agree_with_the_ranges_of_their_properties(shapes, ontology):
    checked = 0
    for shape, datatype in shapes.subject_objects(SH.datatype):
        path = shapes.value(shape, SH.path)
        if not isinstance(path, URIRef):
            continue
        assert (path, RDF.type, OWL.ObjectProperty) not in ontology, f"{path} is an object property"
        declared_range = ontology.value(path, RDFS.range)
        if declared_range is None:
            continue
        checked += 1
        if str(declared_range) in INTEGER_RANGES:
            assert datatype == URIRef(XSD + "integer"), shape
            assert shapes.value(shape, SH.minInclusive).toPython() == INTEGER_RANGES[str(declared_range)], shape
        else:
            assert datatype == declared_range, f"{shape}: sh:datatype {datatype} but {path} has range {declared_range}"
    assert checked > 10


def test_object_properties_are_not_given_a_datatype_and_take_iris(shapes, ontology):
    for shape in set(shapes.subjects(SH.path, None)):
        path = shapes.value(shape, SH.path)
        if isinstance(path, URIRef) and (path, RDF.type, OWL.DatatypeProperty) in ontology:
            assert shapes.value(shape, SH["class"]) is None, shape
            assert shapes.value(shape, SH.nodeKind) != SH.IRI, shape


# --- how the shapes are written ------------------------------------------------------------------------------


def test_shapes_are_valid_shacl():
    import pyshacl

    graph = rdflib.Graph()
    for path in sorted(SHAPES_DIR.glob("*.ttl")):
        graph.parse(path)
    conforms, _, text = pyshacl.validate(rdflib.Graph(), shacl_graph=graph, meta_shacl=True)
    assert conforms, text


def test_node_shapes_and_their_property_shapes_are_named_in_the_shapes_namespace(shapes):
    targeted = set()
    for key in (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode):
        targeted |= set(shapes.subjects(key, None))
    assert len(targeted) > 20
    for shape in targeted:
        assert str(shape).startswith(CGSH), shape
        for member in [*shapes.objects(shape, SH.property), *shapes.objects(shape, SH.sparql)]:
            assert str(member).startswith(CGSH), f"{shape} has an unnamed property shape or constraint"
    for value_shape in shapes.objects(None, SH.node):
        assert str(value_shape).startswith(CGSH), value_shape
    for declared in shapes.subjects(RDF.type, SH.NodeShape):
        assert str(declared).startswith(CGSH), declared


# Full caregraph IRIs (say cg:… or cgd:…) and SHACL's own words are for logicians.
_JARGON = re.compile(r"w3id\.org|\bsh:|focus node|constraint|SPARQL|literal", re.IGNORECASE)


def test_every_rule_has_a_message_and_a_hint_for_researchers(shapes):
    rules = set(shapes.subjects(SH.path, None)) | set(shapes.subjects(RDF.type, SH.SPARQLConstraint))
    rules |= {s for s in shapes.subjects(SH["or"], None) if (s, SH.targetClass, None) in shapes}
    rules = {r for r in rules if str(r).startswith(CGSH)}
    assert len(rules) > 60
    for rule in rules:
        messages = list(shapes.objects(rule, SH.message))
        hints = list(shapes.objects(rule, SH.description))
        assert len(messages) == 1 and len(hints) == 1, f"{rule} needs one sh:message and one sh:description"
        for text in (str(messages[0]), str(hints[0])):
            assert text[0].isupper() or text.startswith(("cg:", "org:", "time:", "dcterms:")), (rule, text)
            assert text.rstrip(')"').endswith((".", "?", "…")), (rule, text)
            assert not _JARGON.search(text), f"{rule}: {text!r} speaks to a logician, not a researcher"


def test_node_shapes_with_their_own_message_have_no_other_constraints(shapes):
    # pyshacl adds a node shape's sh:message to every result of its constraints, SPARQL ones included.
    for shape in shapes.subjects(SH.message, None):
        if (shape, RDF.type, SH.NodeShape) in shapes:
            assert (shape, SH.sparql, None) not in shapes and (shape, SH.property, None) not in shapes, shape


def test_shape_files_have_a_header_and_list_their_shapes_sorted():
    files = sorted(SHAPES_DIR.glob("*.ttl"))
    assert {p.stem for p in files} >= {
        "partnerships",
        "organisations",
        "places",
        "agreements",
        "finance",
        "change",
        "provenance",
        "shared",
    }
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert text.startswith("# "), f"{path.name} needs a header comment"
        names = re.findall(r"^(cgsh:\S+)\s*$", text, re.MULTILINE)
        assert names and names == sorted(names), f"{path.name}: shapes are not sorted by name"


def test_the_shapes_prefix_is_in_the_prefix_table():
    assert PREFIXES["cgsh"] == CGSH == "https://w3id.org/caregraph/shapes#"
    assert expand("cgsh:PartnershipShape") == CGSH + "PartnershipShape"


# --- the examples --------------------------------------------------------------------------------------------


def test_every_invalid_example_is_in_the_table_and_every_rule_has_one():
    files = {p.stem for p in (EXAMPLES / "invalid").glob("*.ttl")}
    assert files == set(INVALID)


def _message_pattern(shapes, shape_curie: str) -> re.Pattern:
    template = str(shapes.value(URIRef(expand(shape_curie)), SH.message))
    parts = re.split(r"\{[?$]\w+\}", template)
    return re.compile(".+".join(re.escape(part) for part in parts) + r"\Z", re.DOTALL)


@pytest.mark.parametrize("name", sorted(INVALID))
def test_invalid_example_fails_with_its_rule_and_message(name, context_graph, shapes):
    from caregraph.validate import validate_records

    shape, path, component = INVALID[name]
    report = validate_records([EXAMPLES / "invalid" / f"{name}.ttl"], context_graph)
    violations = [r for r in report.results if r.severity == "violation"]
    assert not report.conforms
    caught = [r for r in violations if r.shape == shape and r.path == path and r.component == component]
    assert caught, [(r.shape, r.path, r.component) for r in violations]
    assert {r.shape for r in violations} - ({"cgsh:AttestedTriplesShape"} - {shape}) == {shape} | ALSO.get(name, set())
    unattested = [r for r in violations if r.shape == "cgsh:AttestedTriplesShape"]
    assert all(r.file == f"examples/invalid/{name}.ttl" and r.line > 0 for r in unattested)
    if shape.startswith("cgsh:") and shapes.value(URIRef(expand(shape)), SH.message) is not None:
        assert _message_pattern(shapes, shape).match(caught[0].message), caught[0].message
    assert all(r.hint for r in caught)


def test_undeclared_term_suggests_the_declared_one(context_graph):
    from caregraph.validate import validate_records

    report = validate_records([EXAMPLES / "invalid" / "undeclared-term.ttl"], context_graph)
    (result,) = [r for r in report.results if r.shape == "cgsh:DeclaredTermsShape"]
    assert result.message == (
        "cg:coverPlace is not a property the caregraph ontology declares; did you mean cg:coversPlace?"
    )


def test_period_message_names_both_dates(context_graph):
    from caregraph.validate import validate_records

    report = validate_records([EXAMPLES / "invalid" / "period-ends-before-it-begins.ttl"], context_graph)
    (result,) = report.results
    assert result.message == "This period ends (2022-07-01) before it begins (2023-03-31)."
    assert result.value == "cgd:period-2023-03-31-to-2022-07-01"


def test_member_message_says_the_member_is_a_place(context_graph):
    from caregraph.validate import validate_records

    report = validate_records([EXAMPLES / "invalid" / "member-is-a-place.ttl"], context_graph)
    (result,) = report.results
    assert result.message.startswith("The member is a place, not an organisation:")


@pytest.mark.parametrize("path", sorted((EXAMPLES / "valid").glob("*.ttl")), ids=lambda p: p.stem)
def test_valid_example_conforms_without_warnings(path, context_graph):
    from caregraph.validate import validate_records

    report = validate_records([path], context_graph)
    assert report.conforms and report.results == [], [(r.shape, r.focus, r.message) for r in report.results]
    assert report.records >= 5


def test_valid_examples_are_fully_attested(project):
    from caregraph.graph import CareGraph, parse_turtle
    from caregraph.provenance import attestations

    for path in sorted((EXAMPLES / "valid").glob("*.ttl")):
        graph = CareGraph.from_files([*project.ontology_files(), CONTEXT, path], project=project)
        attested = attestations(graph.store)
        unattested = [t for t in parse_turtle(path) if (t.subject, t.predicate, t.object) not in attested]
        assert unattested == [], f"{path.name}: {unattested}"


def test_example_quotations_are_verbatim_from_their_sources(project, sources_dir):
    from caregraph.graph import CareGraph
    from caregraph.provenance import verify_quotations

    examples = sorted(EXAMPLES.glob("*/*.ttl"))
    graph = CareGraph.from_files([*project.ontology_files(), CONTEXT, *examples], project=project)
    reference_dir = sources_dir.parent / "data"
    counts, problems = verify_quotations(graph.store, sources_dir, reference_dir)
    # The quotation examples that are broken on purpose have no words, no source, or words not in it.
    expected_broken = {
        "https://w3id.org/caregraph/id/quote-000-empty-example",
        "https://w3id.org/caregraph/id/quote-000-frimley-example",
        "https://w3id.org/caregraph/id/quote-004-invented-example",
    }
    assert {p.quotation for p in problems} == expected_broken, problems
    quotations = {
        q.subject.value
        for q in graph.store.quads_for_pattern(None, ox.NamedNode(RDF + "type"), ox.NamedNode(CG + "Quotation"))
    }
    assert sum(counts.values()) == len(quotations - expected_broken) > 10


def test_valid_examples_conform_in_the_shipped_graph(project, graph):
    """Once data/ holds the shared entities, the examples must validate against the real graph too."""
    from caregraph.validate import validate_records

    if not project.data_files():
        pytest.skip("data/ holds no records yet: the shared entities the examples point at are not there")
    for path in sorted((EXAMPLES / "valid").glob("*.ttl")):
        report = validate_records([path], graph)
        assert report.conforms, [(r.focus, r.path, r.message) for r in report.results]


def test_fixture_context_conforms(context_graph):
    from caregraph.validate import validate_graph

    report = validate_graph(context_graph)
    assert report.conforms and report.results == [], [(r.focus, r.shape, r.message) for r in report.results]


def test_cg_classes_used_by_examples_are_declared(ontology):
    for path in sorted(EXAMPLES.glob("*/*.ttl")):
        if path.stem == "undeclared-term":
            continue
        graph = rdflib.Graph().parse(path)
        for _, _, cls in graph.triples((None, RDF.type, None)):
            if str(cls).startswith(CG):
                assert (cls, RDF.type, OWL.Class) in ontology, f"{path.name}: {cls}"
