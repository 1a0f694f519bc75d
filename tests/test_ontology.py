"""The ontology's coverage: the vocabulary the issues call for is there, and every term is labelled and defined."""

import re

import pyoxigraph as ox
import pytest

from caregraph.namespaces import CG, OWL, RDF, sparql_prologue


def ask(graph, query):
    return bool(graph.store.query(sparql_prologue() + query))


def test_the_graph_holds_every_class_the_ontology_files_declare(graph, project):
    written = {
        t.subject.value
        for path in project.ontology_files()
        for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)
        if t.predicate.value == RDF + "type" and t.object.value == OWL + "Class" and t.subject.value.startswith(CG)
    }
    classes = {
        row["c"].value
        for row in graph.store.query(
            sparql_prologue()
            + """
        SELECT DISTINCT ?c WHERE { ?c a owl:Class FILTER(STRSTARTS(STR(?c), STR(cg:))) }"""
        )
    }
    blocks = {
        match
        for path in project.ontology_files()
        for match in re.findall(r"^cg:(\w+)\n    a owl:Class\b", path.read_text(encoding="utf-8"), re.MULTILINE)
    }
    assert classes == written == {CG + name for name in blocks}


@pytest.mark.parametrize(
    "term, parent",
    [
        ("ClinicalCommissioningGroup", "Commissioner"),
        ("NHSEnglandRegion", "Commissioner"),
        ("FoundationTrust", "Provider"),
        ("GPHub", "Provider"),
        ("GeneralPractice", "Provider"),
        ("SocialCareProvider", "Provider"),
        ("IndependentProvider", "Provider"),
        ("AcuteProvider", "Provider"),
        ("MentalHealthProvider", "Provider"),
        ("CommunityProvider", "Provider"),
        ("GovernmentDepartment", "NationalBody"),
        ("SustainabilityAndTransformationPartnership", "Partnership"),
        ("AccountableCareSystem", "Partnership"),
        ("IntegratedCareSystem", "Partnership"),
        ("IntegratedCarePartnership", "Partnership"),
        ("Vanguard", "Partnership"),
        ("Alliance", "Partnership"),
        ("AccountableCareOrganisation", "Provider"),
        ("AllianceAgreement", "Agreement"),
        ("MemorandumOfUnderstanding", "Agreement"),
        ("DevolutionDeal", "Agreement"),
        ("AccountableCareOrganisationContract", "Contract"),
        ("CommissioningContract", "Contract"),
        ("CompetitiveProcurement", "Procurement"),
        ("ControlTotal", "FinancialArrangement"),
        ("FundingAllocation", "FinancialArrangement"),
        ("RiskAndGainShare", "FinancialArrangement"),
        ("FinancialFlexibility", "FinancialArrangement"),
        ("Budget", "FinancialArrangement"),
        ("Designation", "SourcedRecord"),
        ("Claim", "SourcedRecord"),
        ("Membership", "SourcedRecord"),
        ("RolePeriod", "SourcedRecord"),
        ("LocalAuthorityArea", "Place"),
        ("Town", "Place"),
    ],
)
def test_the_class_hierarchy_the_sources_describe(graph, term, parent):
    assert ask(graph, f"ASK {{ cg:{term} rdfs:subClassOf+ cg:{parent} }}")


@pytest.mark.parametrize(
    "term, standard",
    [
        ("Partnership", "org:OrganizationalCollaboration"),
        ("Membership", "org:Membership"),
        ("Evolution", "org:ChangeEvent"),
        ("Renaming", "org:ChangeEvent"),
        ("Merger", "org:ChangeEvent"),
        ("Quotation", "prov:Entity"),
        ("Provider", "org:Organization"),
    ],
)
def test_classes_align_with_the_standard_vocabularies(graph, term, standard):
    assert ask(graph, f"ASK {{ cg:{term} rdfs:subClassOf+ {standard} }}")


def test_a_claim_points_to_rdf_statement_without_a_subclass_axiom(graph):
    # OWL 2 DL reserves rdf:Statement, so the kinship is an annotation (tests/test_owl_profile.py).
    assert ask(graph, "ASK { cg:Claim rdfs:seeAlso rdf:Statement }")
    assert not ask(graph, "ASK { cg:Claim rdfs:subClassOf rdf:Statement }")


@pytest.mark.parametrize(
    "scheme, concepts",
    [
        (
            "VanguardTypeScheme",
            {
                "MultispecialtyCommunityProvider",
                "IntegratedPrimaryAndAcuteCareSystem",
                "EnhancedHealthInCareHomes",
                "UrgentAndEmergencyCare",
                "AcuteCareCollaboration",
            },
        ),
        (
            "IntegrationScheme",
            {
                "HorizontalIntegration",
                "VerticalIntegration",
                "VirtualIntegration",
                "StructuralIntegration",
                "PlaceBasedCare",
                "PopulationHealth",
                "PrimaryCareCore",
                "AccountableCare",
                "IntegratedCare",
            },
        ),
        ("PartnershipStatusScheme", {"ShadowStatus", "FullStatus"}),
        (
            "AccountableCareCharacteristicScheme",
            {
                "ProviderAllianceForPopulation",
                "SharedLeadership",
                "BudgetResponsibility",
                "OutcomesBasedContract",
                "IntegratedInformationTechnology",
            },
        ),
    ],
)
def test_concept_schemes_hold_their_concepts(graph, scheme, concepts):
    found = {
        s["c"].value[len(CG) :]
        for s in graph.store.query(sparql_prologue() + f"SELECT ?c WHERE {{ ?c skos:inScheme cg:{scheme} }}")
    }
    assert found == concepts


def test_the_vertical_and_horizontal_integration_examples_are_the_sources_words(graph):
    examples = {
        s["c"].value[len(CG) :]: s["e"].value
        for s in graph.store.query(sparql_prologue() + "SELECT ?c ?e WHERE { ?c skos:example ?e }")
    }
    assert examples["HorizontalIntegration"] == "grouping outpatient clinics with a geographic network of providers"
    assert examples["VerticalIntegration"] == "a hospital integrating with local community services"


def test_codes_carry_their_identifier_system(graph):
    system = graph.store.query(sparql_prologue() + "SELECT ?s WHERE { cg:odsCode cg:identifierSystem ?s }")
    assert [s["s"] for s in system] == [ox.NamedNode("https://fhir.nhs.uk/Id/ods-organization-code")]
