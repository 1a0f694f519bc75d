"""Namespaces and the one table of prefixes used by every output (Turtle, tables, query results)."""

from __future__ import annotations

from collections.abc import Mapping

CG = "https://w3id.org/caregraph/def#"
"""caregraph's vocabulary: classes, properties and SKOS concepts (version-free term IRIs)."""

CGD = "https://w3id.org/caregraph/id/"
"""caregraph's individuals: organisations, partnerships, places, records, claims, sources, calendar terms."""

CGSH = "https://w3id.org/caregraph/shapes#"
"""caregraph's SHACL shapes (ontology/shapes/): one node shape per kind of record, named property shapes."""

ONTOLOGY_IRI = "https://w3id.org/caregraph/def"

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SH = "http://www.w3.org/ns/shacl#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
ORG = "http://www.w3.org/ns/org#"
TIME = "http://www.w3.org/2006/time#"
DCTERMS = "http://purl.org/dc/terms/"
FOAF = "http://xmlns.com/foaf/0.1/"
SCHEMA = "https://schema.org/"
QB = "http://purl.org/linked-data/cube#"
"""The W3C RDF Data Cube vocabulary: the populations are its observations (data/README.md says why)."""
GEO = "http://www.w3.org/2003/01/geo/wgs84_pos#"
"""The W3C Basic Geo (WGS84) vocabulary: a practice's latitude and longitude."""

STATISTICAL_GEOGRAPHY = "http://statistics.data.gov.uk/id/statistical-geography/"
"""ONS statistical geographies, one IRI per GSS code: where caregraph's footprints link to the official ones."""

PREFIXES: dict[str, str] = {
    "cg": CG,
    "cgd": CGD,
    "cgsh": CGSH,
    "dcat": "http://www.w3.org/ns/dcat#",
    "dcterms": DCTERMS,
    "foaf": FOAF,
    "geo": GEO,
    "org": ORG,
    "owl": OWL,
    "prov": PROV,
    "qb": QB,
    "rdf": RDF,
    "rdfs": RDFS,
    "schema": SCHEMA,
    "sh": SH,
    "skos": SKOS,
    "time": TIME,
    "vann": "http://purl.org/vocab/vann/",
    "xsd": XSD,
}
"""Prefix → namespace, sorted by prefix; the same table the Turtle files in ontology/ and data/ declare."""

# Namespaces whose terms are built into RDF and OWL themselves, so the ontology need not declare them.
BUILT_IN_NAMESPACES = (RDF, RDFS, OWL, XSD, SH)


def curie(iri: str) -> str:
    """``https://w3id.org/caregraph/def#Footprint`` → ``cg:Footprint``; an IRI outside the table stays ``<iri>``."""
    best = ""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(namespace) > len(PREFIXES.get(best, "")):
            best = prefix
    if best:
        local = iri[len(PREFIXES[best]) :]
        if local and all(c.isalnum() or c in "-_." for c in local) and not local.endswith("."):
            return f"{best}:{local}"
    return f"<{iri}>"


def term_text(term, *, as_written: bool = False) -> str:
    """An oxigraph term as tables show it: a CURIE, ``_:id`` for a blank node, a literal's value; ``as_written``,
    a literal as Turtle writes it (``"Dorset"@en``, ``"6"^^xsd:positiveInteger``), as reports show values."""
    if term is None:
        return ""
    if type(term).__name__ == "NamedNode":  # by name, so that this module needs no pyoxigraph import
        return curie(term.value)
    if type(term).__name__ == "BlankNode":
        return f"_:{term.value}"
    if not as_written:
        return term.value
    import json  # only reports need it, not the query path

    text = json.dumps(term.value, ensure_ascii=False)
    if term.language:
        return f"{text}@{term.language}"
    if term.datatype.value != XSD + "string":
        return f"{text}^^{curie(term.datatype.value)}"
    return text


def expand(name: str, prefixes: Mapping[str, str] = PREFIXES) -> str | None:
    """A name for an IRI as the IRI: ``cg:Footprint`` (a prefix of ``prefixes``) → its full IRI; ``<iri>`` → ``iri``;
    a full IRI (``https://…``, ``urn:…``, ``mailto:…``, ``tag:…``) as it is; None for anything else."""
    if name.startswith("<") and name.endswith(">"):
        return name[1:-1]
    prefix, colon, local = name.partition(":")
    if colon and prefix in prefixes and not local.startswith("//"):
        return prefixes[prefix] + local
    if colon and (local.startswith("//") or prefix in ("urn", "mailto", "tag")):
        return name
    return None


def sparql_prologue() -> str:
    """PREFIX declarations for every prefix in the table, for queries written without their own."""
    return "".join(f"PREFIX {prefix}: <{namespace}>\n" for prefix, namespace in PREFIXES.items())
