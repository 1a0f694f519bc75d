"""The pages for entities, terms and sources (caregraph.web.pages), in-process through Starlette's test client.

Expected words come from the source texts, the ontology's Turtle (read with rdflib) and the reference CSV files
(read with the csv module), never from caregraph's own answers.
"""

from __future__ import annotations

import csv
import re
from html.parser import HTMLParser

import pyoxigraph as ox
import pytest
import rdflib

from caregraph.namespaces import CG, CGD, RDFS, SH, SKOS

BERKSHIRE_WEST = CGD + "system-berkshire-west"


class Page(HTMLParser):
    """A page's visible text, its links, and the text of its blockquotes in order."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.words: list[str] = []
        self.links: list[tuple[str, str]] = []  # (href, text)
        self.quotes: list[str] = []
        self._link: list | None = None
        self._quote: list | None = None
        self.feed(html)
        self.text = " ".join(" ".join(self.words).split())

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self._link = [dict(attrs).get("href", ""), []]
        elif tag == "blockquote":
            self._quote = []

    def handle_endtag(self, tag):
        if tag == "a" and self._link is not None:
            self.links.append((self._link[0], " ".join("".join(self._link[1]).split())))
            self._link = None
        elif tag == "blockquote" and self._quote is not None:
            self.quotes.append(" ".join("".join(self._quote).split()))
            self._quote = None

    def handle_data(self, data):
        self.words.append(data)
        if self._link is not None:
            self._link[1].append(data)
        if self._quote is not None:
            self._quote.append(data)


@pytest.fixture(scope="module")
def client(graph):
    from starlette.testclient import TestClient

    from caregraph.web.app import create_app

    app = create_app(graph)
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def ontology(project):
    graph = rdflib.Graph()
    for path in project.ontology_files():
        graph.parse(path, format="turtle")
    return graph


def source_text(sources_dir, number: str) -> str:
    (path,) = sources_dir.glob(f"{number}_*.txt")
    return path.read_text(encoding="utf-8")


# --- entities ----------------------------------------------------------------------------------------------------


def test_berkshire_west_shows_its_names_places_and_the_words_of_000_001_002(client, sources_dir):
    response = client.get("/id/system-berkshire-west")
    assert response.status_code == 200
    page = Page(response.text)
    assert "Berkshire West" in page.text
    # The words each source uses for it, read from the source texts themselves.
    words = {
        "000": re.search(r"Berkshire West, covering [^\n]*?Wokingham", source_text(sources_dir, "000")).group(0),
        "001": re.search(r"West Berkshire", source_text(sources_dir, "001")).group(0),
        "002": re.search(r"Berkshire West \([^)]*\)", source_text(sources_dir, "002")).group(0),
    }
    for number, quoted in words.items():
        assert quoted in page.quotes, f"the words of source {number} are not on the page"
        assert any(href.startswith(f"/sources/source-{number}#quote-") for href, _ in page.links), number
    # Its places, as the sources name them: "covering Reading, Newbury and Wokingham".
    places = re.split(r", | and ", words["000"].split("covering ", 1)[1])
    linked = {text for href, text in page.links if href.startswith("/id/place-")}
    assert set(places) <= linked


def test_a_contested_claim_is_shown_as_claimed_not_asserted(client, project):
    # data/ holds claims that the graph records without asserting; find one in the Turtle and look at its page.
    data = rdflib.Graph()
    for path in project.data_files():
        if "reference" not in path.parts:
            data.parse(path, format="turtle")
    rdf = rdflib.RDF
    contested = next(
        (s, p, o)
        for claim in data.subjects(rdf.type, rdflib.URIRef(CG + "Claim"))
        for s, p, o in [
            (data.value(claim, rdf.subject), data.value(claim, rdf.predicate), data.value(claim, rdf.object))
        ]
        if str(s).startswith(CGD) and (s, p, o) not in data
    )
    response = client.get("/id/" + str(contested[0])[len(CGD) :])
    assert response.status_code == 200
    assert "claimed by a source, not asserted" in Page(response.text).text


def test_entity_description_is_negotiated(client, sources_dir):
    turtle = client.get("/id/system-berkshire-west", headers={"Accept": "text/turtle"})
    assert turtle.status_code == 200 and turtle.headers["content-type"].startswith("text/turtle")
    triples = [q.triple for q in ox.parse(turtle.content, format=ox.RdfFormat.TURTLE)]
    subject = ox.NamedNode(BERKSHIRE_WEST)
    assert ox.Triple(subject, ox.NamedNode(RDFS + "label"), ox.Literal("Berkshire West", language="en")) in triples
    claims = {t.subject for t in triples if t.predicate.value.endswith("#subject") and t.object == subject}
    assert len(claims) > 1
    words = {t.object.value for t in triples if t.predicate.value == "http://www.w3.org/ns/prov#value"}
    assert "West Berkshire" in words and "West Berkshire" in source_text(sources_dir, "001")

    jsonld = client.get("/id/system-berkshire-west", headers={"Accept": "application/ld+json"})
    assert jsonld.headers["content-type"].startswith("application/ld+json")
    assert {q.triple for q in ox.parse(jsonld.content, format=ox.RdfFormat.JSON_LD)} == set(triples)

    browser = client.get(
        "/id/system-berkshire-west",
        headers={"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"},
    )
    assert browser.headers["content-type"].startswith("text/html")
    assert (
        client.get("/id/system-berkshire-west", headers={"Accept": "*/*"})
        .headers["content-type"]
        .startswith("text/html")
    )


@pytest.mark.parametrize(
    "path, meant",
    [
        ("/id/system-berkshire-wst", "/id/system-berkshire-west"),
        ("/def/IntegratedCareBord", "/def/IntegratedCareBoard"),
        ("/sources/source-0000", "/sources/source-000"),
    ],
)
def test_an_unknown_name_is_404_with_did_you_mean(client, path, meant):
    response = client.get(path)
    assert response.status_code == 404
    page = Page(response.text)
    assert "Did you mean" in page.text
    assert meant in [href for href, _ in page.links]


@pytest.mark.parametrize("path", ["/id/berkshire%20west", "/id/%3Csystem-dorset%3E", "/def/Integrated%7BCare%7D"])
def test_a_name_that_cannot_be_an_iri_is_not_found(client, path):
    for accept in ("text/html", "text/turtle"):
        assert client.get(path, headers={"Accept": accept}).status_code == 404


def test_an_unknown_entity_asked_for_as_turtle_is_404_in_one_line(client):
    response = client.get("/id/system-berkshire-wst", headers={"Accept": "text/turtle"})
    assert response.status_code == 404
    assert response.text.count("\n") == 1 and "did you mean system-berkshire-west" in response.text


def test_a_source_asked_for_by_its_entity_iri_is_sent_to_its_page(client):
    response = client.get("/id/source-001", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/sources/source-001"


def test_the_records_pointing_at_an_entity_are_paged(client, project):
    from collections import defaultdict

    from caregraph.web.render import PAGE_SIZE

    # The entity most records point at (a region, a footprint …), found in the Turtle of data/.
    data = rdflib.Graph()
    for path in project.data_files():
        data.parse(path, format="turtle")
    pointing = defaultdict(set)
    for s, p, o in data:
        if isinstance(s, rdflib.URIRef) and str(o).startswith(CGD) and p not in (rdflib.RDF.subject, rdflib.RDF.object):
            pointing[str(o)].add((s, p))
    entity, records = max(sorted(pointing.items()), key=lambda item: len(item[1]))
    assert len(records) > PAGE_SIZE, "the test needs an entity with more than a page of records"
    local, pages = entity[len(CGD) :], -(-len(records) // PAGE_SIZE)
    first = Page(client.get(f"/id/{local}").text)
    assert f"page 1 of {pages} ({len(records)} records)" in first.text
    assert (f"/id/{local}?page=2", "next →") in first.links
    last = client.get(f"/id/{local}?page={pages}")
    assert last.status_code == 200 and "← previous" in last.text
    assert client.get(f"/id/{local}?page=two").status_code == 400


# --- the vocabulary ----------------------------------------------------------------------------------------------


def test_integrated_care_board_is_documented(client, ontology, project):
    term = rdflib.URIRef(CG + "IntegratedCareBoard")
    response = client.get("/def/IntegratedCareBoard")
    assert response.status_code == 200
    page = Page(response.text)
    assert str(ontology.value(term, rdflib.RDFS.label)) in page.text
    assert " ".join(str(ontology.value(term, rdflib.URIRef(SKOS + "definition"))).split()) in page.text
    for source in ontology.objects(term, rdflib.DCTERMS.source):
        assert "/sources/" + str(source)[len(CGD) :] in [href for href, _ in page.links]
    for parent in ontology.objects(term, rdflib.RDFS.subClassOf):
        label = str(ontology.value(parent, rdflib.RDFS.label))
        assert label in [text for _, text in page.links]
    # As many instances as the ICB list the graph was imported from has rows.
    (icbs,) = project.reference_dir.glob("*integrated_care_boards.csv")
    with icbs.open(newline="", encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    assert f"Instances {len(rows)}, for example" in page.text


def test_a_term_page_lists_the_shapes_that_constrain_it(client, project):
    shapes = rdflib.Graph()
    for path in project.shape_files():
        shapes.parse(path, format="turtle")
    shape, target = next(
        (s, t)
        for s, t in sorted(shapes.subject_objects(rdflib.URIRef(SH + "targetClass")))
        if str(t).startswith(CG) and isinstance(s, rdflib.URIRef)
    )
    page = Page(client.get("/def/" + str(target)[len(CG) :]).text)
    assert "cgsh:" + str(shape).split("#", 1)[1] in page.text


def test_the_vocabulary_lists_every_term_and_draws_the_main_classes(client, ontology):
    response = client.get("/def")
    assert response.status_code == 200
    page = Page(response.text)
    declared = {
        str(t)
        for kind in (rdflib.OWL.Class, rdflib.OWL.ObjectProperty, rdflib.OWL.DatatypeProperty)
        for t in ontology.subjects(rdflib.RDF.type, kind)
        if str(t).startswith(CG)
    }
    linked = {href for href, _ in page.links}
    assert {"/def/" + t[len(CG) :] for t in declared} <= linked
    svg = re.search(r"<svg.*?</svg>", response.text, re.S).group(0)
    # An arrow for each object property between two caregraph classes: one of them, read from the ontology.
    domain, rng = rdflib.RDFS.domain, rdflib.RDFS.range
    related = next(
        p
        for p in sorted(ontology.subjects(rdflib.RDF.type, rdflib.OWL.ObjectProperty))
        if str(ontology.value(p, domain) or "").startswith(CG)
        and str(ontology.value(p, rng) or "").startswith(CG)
        and ontology.value(p, domain) != ontology.value(p, rng)
    )
    assert f'href="/def/{str(related)[len(CG) :]}"' in svg
    assert f'href="/def/{str(ontology.value(related, domain))[len(CG) :]}"' in svg


# --- sources -----------------------------------------------------------------------------------------------------


def test_a_source_page_shows_every_quotation_in_the_order_of_the_text(client, sources_dir):
    from caregraph.provenance import normalise

    response = client.get("/sources/source-000")
    assert response.status_code == 200
    page = Page(response.text)
    text = normalise(source_text(sources_dir, "000"))
    quotes = page.quotes
    assert len(quotes) > 10
    positions = [text.index(normalise(q)) for q in quotes]  # every quotation's words stand in the source
    lines = [text[:p].count("\n") for p in positions]
    assert lines == sorted(lines)
    assert "Berkshire West" in page.text


def test_a_long_source_is_paged(client, project):
    from caregraph.web.render import PAGE_SIZE

    quotations = rdflib.Graph().parse(project.reference_dir / "local-authorities.ttl", format="turtle")
    prov = rdflib.Namespace("http://www.w3.org/ns/prov#")
    by_source: dict = {}
    for quote, source in quotations.subject_objects(prov.wasQuotedFrom):
        by_source.setdefault(source, set()).add(quote)
    source, quotes = max(by_source.items(), key=lambda item: len(item[1]))
    assert len(quotes) > PAGE_SIZE
    local = str(source)[len(CGD) :]
    first = Page(client.get(f"/sources/{local}").text)
    assert len(first.quotes) == PAGE_SIZE
    pages = -(-len(quotes) // PAGE_SIZE)
    last = Page(client.get(f"/sources/{local}?page={pages}").text)
    assert len(last.quotes) == len(quotes) - PAGE_SIZE * (pages - 1)


def test_the_sources_index_and_the_stylesheet(client, project):
    sources = rdflib.Graph().parse(project.data_dir / "sources" / "sources.ttl", format="turtle")
    page = Page(client.get("/sources").text)
    for source in sources.subjects(rdflib.RDF.type, rdflib.URIRef(CG + "SourceDocument")):
        assert str(sources.value(source, rdflib.DCTERMS.title)) in page.text
    css = client.get("/static/pages.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")


def test_every_page_query_parses_and_declares_its_parameters():
    from caregraph.web.describe import QUERIES, page_query

    names = sorted(path.stem for path in QUERIES.glob("*.rq"))
    assert len(names) > 10
    for name in names:
        query = page_query(name)
        assert query.summary and query.description, name
        for parameter in query.parameters.values():
            given, bound = (
                (["cgd:a", "cgd:b"], "<https://w3id.org/caregraph/id/b>")
                if parameter.type == "iri"
                else (["a", "b"], '"b"')
            )
            assert query.bind({parameter.name: given}).count(bound) == 1, name


@pytest.mark.parametrize(
    "local",
    [
        "system-berkshire-west",
        "designation-001-berkshire-west",
        "org-nhs-providers",
        "org-nhs-england",
        "footprint-E54000005",
        "agreement-acs-mou",
    ],
)
def test_who_says_so_on_a_page_is_what_the_provenance_rules_say(graph, local):
    """The pages find who says so with their own queries; caregraph.provenance, which `caregraph check` uses to
    find unattested triples, must agree on every statement a page shows."""
    from caregraph.provenance import attestations
    from caregraph.web.describe import describe_entity

    attested = attestations(graph.store)
    entity = describe_entity(graph, CGD + local)
    node = ox.NamedNode(entity.iri)
    record = {q.source for q in entity.record_quotations}
    shown = [s for s in [*entity.names, *entity.types, *(s for _, g in entity.groups for s in g)] if s.asserted]
    assert shown
    for statement in shown:
        page = {q.source for q in statement.quotations} | record | set(statement.publisher_of)
        assert page == attested.get((node, ox.NamedNode(statement.predicate), statement.object), set()), statement
    for reference in entity.references:
        page = {q.source for q in reference.quotations} | ({reference.record} if reference.evidence else set())
        key = (ox.NamedNode(reference.record), ox.NamedNode(reference.predicate), node)
        assert page == attested.get(key, set()), reference
