"""Synthetic caregraph data of any size, for measuring how validation scales (not evidence of anything).

The graph grows by adding areas: each is an integrated care system with a footprint, places, dated memberships
of organisations, and claims derived from quotations of one shared source — so the shared entities a new record
points at (the source, the region, England) gain more and more incoming links as the graph grows, which is
what a record validator must not pay for.
"""

from __future__ import annotations

import pyoxigraph as ox

CG = "https://w3id.org/caregraph/def#"
CGD = "https://w3id.org/caregraph/id/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
ORG = "http://www.w3.org/ns/org#"
PROV = "http://www.w3.org/ns/prov#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
TIME = "http://www.w3.org/2006/time#"
XSD = "http://www.w3.org/2001/XMLSchema#"

SHARED_SOURCE = CGD + "source-004"
SHARED_REGION = CGD + "org-Y63"


def _area(i: int) -> list[tuple]:
    """About 100 triples describing synthetic area ``i``."""
    area, footprint = f"{CGD}system-synthetic-{i}", f"{CGD}footprint-E54{i:06d}"
    quote = f"{CGD}quote-synthetic-{i}"
    out = [
        (area, RDF_TYPE, CG + "IntegratedCareSystem"), (area, RDFS_LABEL, ("Synthetic area %d" % i, "en")),
        (area, CG + "hasFootprint", footprint), (area, CG + "inRegion", SHARED_REGION),
        (footprint, RDF_TYPE, CG + "Footprint"), (footprint, CG + "gssCode", (f"E54{i:06d}", XSD + "string")),
        (quote, RDF_TYPE, CG + "Quotation"), (quote, PROV + "wasQuotedFrom", SHARED_SOURCE),
        (quote, PROV + "value", (f"words about area {i}", XSD + "string")),
        (quote, CG + "locator", (f"line {i}", XSD + "string")),
    ]
    for j in range(6):
        place, member, membership = f"{CGD}place-synthetic-{i}-{j}", f"{CGD}org-S{i}{j}", f"{CGD}membership-{i}-{j}"
        claim = f"{CGD}claim-synthetic-{i}-{j}"
        out += [
            (place, RDF_TYPE, CG + "Town"), (place, RDFS_LABEL, (f"Town {i}.{j}", "en")),
            (area, CG + "coversPlace", place),
            (member, RDF_TYPE, CG + "ClinicalCommissioningGroup"), (member, RDFS_LABEL, (f"CCG {i}.{j}", "en")),
            (membership, RDF_TYPE, CG + "Membership"), (membership, ORG + "member", member),
            (membership, ORG + "organization", area), (membership, ORG + "memberDuring", CGD + "fy-2019-20"),
            (membership, PROV + "wasDerivedFrom", quote),
            (claim, RDF_TYPE, CG + "Claim"), (claim, RDF + "subject", area),
            (claim, RDF + "predicate", CG + "coversPlace"), (claim, RDF + "object", place),
            (claim, PROV + "wasDerivedFrom", quote),
        ]
    return out


def synthetic_triples(size: int) -> list[ox.Triple]:
    """About ``size`` triples of synthetic areas."""
    triples = []
    i = 0
    while len(triples) < size:
        for s, p, o in _area(i):
            if isinstance(o, tuple):
                lexical, tag = o
                obj = ox.Literal(lexical, datatype=ox.NamedNode(tag)) if tag.startswith("http") \
                    else ox.Literal(lexical, language=tag)
            else:
                obj = ox.NamedNode(o)
            triples.append(ox.Triple(ox.NamedNode(s), ox.NamedNode(p), obj))
        i += 1
    return triples
