"""caregraph.sparql and the one `#+` header grammar: what stored queries and stored checks share."""

import pytest

from caregraph.check import load_checks
from caregraph.errors import ParseError
from caregraph.namespaces import CG, expand
from caregraph.query.header import CHECK_FIELDS, parse_header
from caregraph.sparql import declared_prefixes, error_position, iris_used, mask, service_line

CHECK = (
    "#+ summary: A term has no label\n#+ severity: ERROR\n#+ fix: Add one.\n"
    "SELECT ?entity ?property ?value WHERE { ?entity ?property ?value }\n"
)


def test_iris_used_ignores_comments_and_strings():
    text = (
        'PREFIX ex: <http://example.org/>\n# ex:comment\nSELECT * WHERE { ?s ex:p "ex:string" ; '
        "<http://example.org/full> ?o }"
    )
    assert iris_used(text) == {"http://example.org/", "http://example.org/p", "http://example.org/full"}


def test_a_hash_inside_an_iri_is_not_a_comment():
    text = "PREFIX cg: <https://w3id.org/caregraph/def#>\nSELECT * WHERE { ?s a cg:Footprint }  # cg:NotThis"
    assert declared_prefixes(text) == {"cg": CG}
    assert iris_used(text) == {CG, CG + "Footprint"}
    assert len(mask(text)) == len(text) and "NotThis" not in mask(text)


def test_service_is_found_only_outside_strings_and_comments():
    assert service_line('SELECT * WHERE {\n  ?s ?p "SERVICE" # SERVICE\n}') is None
    assert service_line("SELECT * WHERE {\n\n  SERVICE <http://example.org/sparql> { ?s ?p ?o }\n}") == 3


def test_oxigraph_error_positions_are_read_once_for_queries_and_checks():
    import pyoxigraph as ox

    with pytest.raises(SyntaxError) as raised:
        ox.Store().query("SELECT * WHERE {\n  ?s ?p \n")
    what, line, column = error_position(str(raised.value))
    assert line == 3 and column is not None and "error at" not in what
    assert error_position("no position here") == ("no position here", None, None)


def test_one_expander_for_prefixed_names_and_iris():
    assert expand("cg:Footprint") == CG + "Footprint"
    assert expand("<https://example.org/x>") == "https://example.org/x"
    assert expand("urn:isbn:0451450523") == "urn:isbn:0451450523"
    assert expand("nope:Footprint") is None and expand("Footprint") is None


def test_checks_are_read_with_the_stored_queries_grammar(tmp_path):
    path = tmp_path / "check.rq"
    path.write_text(CHECK.replace("#+ fix: Add one.\n", "#+ fix: Add one,\n#+   in its topic's file.\n"))
    header = parse_header(path.read_text(), str(path), CHECK_FIELDS, required=("summary", "severity", "fix"))
    assert header.fields["fix"] == "Add one, in its topic's file."
    assert header.lines == {"summary": 1, "severity": 2, "fix": 3}


@pytest.mark.parametrize(
    ("change", "message", "line"),
    [
        (("#+ fix:", "#+ fixes:"), "unknown header field 'fixes'; did you mean 'fix'?", 3),
        (("#+ fix: Add one.\n", ""), r"the header lacks '#\+ fix:' \(every check has summary, severity, fix\)", 1),
        (("#+ fix: Add one.\n", "#+ fix: Add one.\n#+ fix: Or two.\n"), "header field 'fix' given twice", 4),
        (("#+ severity: ERROR", "#+severity: ERROR"), "malformed header line", 2),
        (("WHERE {", "WHERE {\n#+ fix: late"), "a '#\\+' header line after the query began", 5),
    ],
)
def test_a_stored_check_with_a_bad_header_names_its_file_and_line(project_copy, change, message, line):
    path = project_copy.checks_dir / "broken.rq"
    path.write_text(CHECK.replace(*change))
    with pytest.raises(ParseError, match=message) as raised:
        load_checks(project_copy)
    assert raised.value.source.endswith("broken.rq") and raised.value.line == line
