"""caregraph.query and the `query` / `queries` commands: header grammar, parameter binding, errors, results."""

from __future__ import annotations

import datetime
import json
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import given, settings, strategies as st

from caregraph.errors import InputError, ParseError, UnknownTermError
from caregraph.namespaces import CG, XSD
from caregraph.query import Query, QueryResult, comparable, run, run_embedded, stored, to_python, to_term

REPO = Path(__file__).resolve().parents[1]

NAME_QUERY = """\
#+ summary: Echo a name
#+ description: Returns the bound name, to test binding.
#+ question: Which name was bound?
#+ sources: cgd:source-000
#+ param: name string alliance -- any text

SELECT ?name WHERE {
  VALUES ?name { "alliance" }
}
"""


def _file(tmp_path: Path, text: str, name: str = "q.rq") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _error(text: str, display: str = "q.rq") -> str:
    with pytest.raises(InputError) as caught:
        Query.from_text(text, display)
    return str(caught.value)


# --- the header ------------------------------------------------------------------------------------------------


def test_header_fields_continuations_and_parameters():
    query = Query.from_text("""\
#+ summary: Kinds
#+ description: first part
#+   and its continuation
#+ question: What kinds?
#+ sources: cgd:source-000, cgd:source-004
#+ tags: vocabulary, forms
# an ordinary comment
#+ param: class iri cg:Provider -- the class -- with a dash in its description
#+ param: year gYear 2017 -- a year

SELECT ?kind WHERE {
  VALUES ?class { cg:Provider }
  VALUES ?year { "2017"^^xsd:gYear }
  ?kind rdfs:subClassOf ?class
}""")
    assert query.summary == "Kinds"
    assert query.description == "first part and its continuation"
    assert query.sources == ("cgd:source-000", "cgd:source-004")
    assert query.tags == ("vocabulary", "forms")
    assert [(p.name, p.type, p.default, p.description, p.line) for p in query.parameters.values()] == [
        ("class", "iri", "cg:Provider", "the class -- with a dash in its description", 8),
        ("year", "gYear", "2017", "a year", 9),
    ]
    assert query.form == "select"


@pytest.mark.parametrize(
    "text, position, words",
    [
        ("#+ summary: A\n#+summary: B\nSELECT * {}", "q.rq:2:", "malformed header line"),
        ("#+ summary: A\n#+ sumary: B\nSELECT * {}", "q.rq:2:", "did you mean 'summary'"),
        ("#+ summary: A\n#+ summary: B\nSELECT * {}", "q.rq:2:", "given twice (first on line 1)"),
        ("#+   dangling\nSELECT * {}", "q.rq:1:", "no field before it"),
        ("#+ question:\nSELECT * {}", "q.rq:1:", "is empty"),
        ("#+ param: area iri\nSELECT * {}", "q.rq:1:", "NAME TYPE DEFAULT -- DESCRIPTION"),
        ("#+ param: area place cgd:x -- an area\nSELECT * {}", "q.rq:1:", "unknown type 'place'"),
        (
            "#+ param: a iri cg:A -- x\n#+ param: a iri cg:A -- y\nSELECT * { VALUES ?a { cg:A } }",
            "q.rq:2:",
            "declared twice",
        ),
        ("SELECT * {\n#+ summary: late\n}", "q.rq:2:", "after the query began"),
        (
            "#+ summary: A\n#+ sources: cgd:source-000, source 001\nSELECT * {}",
            "q.rq:2:",
            "source 'source 001' is not an IRI",
        ),
        (
            "#+ param: area iri cg:A -- an area\n\nSELECT * WHERE { ?s ?p ?area }",
            "q.rq:1:",
            "needs a block 'VALUES ?area { default }' at the start of the WHERE clause",
        ),
        (
            "#+ param: area iri cg:A -- an area\nSELECT * WHERE {\n ?s ?p ?o\n VALUES ?area { cg:A } }",
            "q.rq:1:",
            "at the start of the WHERE clause",
        ),
        (
            "#+ param: area iri cg:A -- an area\nSELECT * WHERE {\n  VALUES ?area { cg:B } }",
            "q.rq:3:",
            "differs from its VALUES block",
        ),
        (
            "#+ param: n integer ten -- a number\nSELECT * WHERE { VALUES ?n { 10 } }",
            "q.rq:1:",
            "the default of 'n' is not an integer",
        ),
    ],
)
def test_malformed_headers_name_file_and_line(text, position, words):
    message = _error(text)
    assert message.startswith(position), message
    assert words in message


def test_library_queries_must_be_documented(tmp_path):
    _file(tmp_path, "#+ summary: Only a title\nSELECT * WHERE { ?s ?p ?o }", "undocumented.rq")
    with pytest.raises(ParseError, match=r"queries/undocumented.rq:1: the header lacks '#\+ description:'"):
        stored("undocumented", tmp_path)


def test_undef_default_constrains_nothing(graph):
    query = Query.from_text("""\
#+ param: scheme iri UNDEF -- any scheme unless given
SELECT ?concept WHERE {
  VALUES ?scheme { UNDEF }
  ?concept skos:inScheme ?scheme
}""")
    everything = run_embedded(graph, query.bind())
    vanguard_types = run_embedded(graph, query.bind({"scheme": "cg:VanguardTypeScheme"}))
    assert len(vanguard_types) == 5
    assert len(everything) > len(vanguard_types)


# --- parameter values ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "type_name, text, term",
    [
        ("iri", "cg:Footprint", ox.NamedNode(CG + "Footprint")),
        ("iri", "<https://example.org/a>", ox.NamedNode("https://example.org/a")),
        ("iri", "https://example.org/a", ox.NamedNode("https://example.org/a")),
        ("string", "Bassetlaw", ox.Literal("Bassetlaw")),
        ("string@en", "alliance", ox.Literal("alliance", language="en")),
        ("integer", "007", ox.Literal("7", datatype=ox.NamedNode(XSD + "integer"))),
        ("decimal", "450000000.00", ox.Literal("450000000", datatype=ox.NamedNode(XSD + "decimal"))),
        ("boolean", "1", ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean"))),
        ("date", "2017-06-15", ox.Literal("2017-06-15", datatype=ox.NamedNode(XSD + "date"))),
        ("gYear", "2017", ox.Literal("2017", datatype=ox.NamedNode(XSD + "gYear"))),
        ("gYearMonth", "2017-06", ox.Literal("2017-06", datatype=ox.NamedNode(XSD + "gYearMonth"))),
    ],
)
def test_values_become_typed_terms(type_name, text, term):
    assert to_term(type_name, text) == term


@pytest.mark.parametrize(
    "type_name, text",
    [
        ("iri", "dorset"),
        ("iri", "nope:thing"),
        ("iri", "<http://x> } ; DROP ALL ; #"),
        ("iri", "cg:a b"),
        ("integer", "4.5"),
        ("integer", "1e3"),
        ("decimal", "lots"),
        ("boolean", "yes"),
        ("date", "2017-02-30"),
        ("date", "15/06/2017"),
        ("gYear", "17"),
        ("gYearMonth", "2017-13"),
        ("string", "\\u0022 } #"),
    ],
)
def test_values_that_are_not_of_the_type_are_refused(type_name, text):
    with pytest.raises(ValueError):
        to_term(type_name, text)


def test_a_bad_parameter_is_exit_2_listing_the_declared_parameters(run_cli):
    code, out, err = run_cli("query", "kinds-of", "--param", "klass=cg:Commissioner")
    assert code == 2 and out == ""
    assert "has no parameter 'klass'; did you mean 'class'?" in err
    assert "declared parameters: class (iri, default cg:Provider)" in err
    code, _, err = run_cli("query", "kinds-of", "--param", "class=Commissioner")
    assert code == 2 and "takes an IRI" in err and "declared parameters" in err
    code, _, err = run_cli("query", "kinds-of", "--param", "class")
    assert code == 2 and "write NAME=VALUE" in err


INJECTIONS = [
    '" } ; DROP ALL ; #',
    "' } } SELECT * { ?s ?p ?o } #",
    '"""\n} ; CLEAR DEFAULT',
    '\\" }',
    '\\" } #',
    "a\"b'c\\d\ne\rf\tg",
    "} UNION { ?s ?p ?o",
    "# comment",
    "<http://x>",
    "?name",
]


@pytest.mark.parametrize("value", INJECTIONS)
def test_injection_attempts_are_just_literals(value, graph):
    query = Query.from_text(NAME_QUERY)
    text = query.bind({"name": value})
    result = run_embedded(graph, text)
    assert result.rows == [(ox.Literal(value),)]
    assert text.count("VALUES") == 1 and "DROP ALL ;" not in text.replace(value, "")


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=40))
def test_any_text_round_trips_as_one_literal_trimmed_of_spaces_around_it(text):
    query = Query.from_text(NAME_QUERY)
    try:
        bound = query.bind({"name": text})
    except InputError as error:
        assert "\\u" in text.lower() and "escape" in str(error)
        return
    assert QueryResult.from_oxigraph(ox.Store().query(bound)).rows == [(ox.Literal(text.strip()),)]


def test_several_values_give_one_row_each(graph):
    result = run("concepts-of-scheme", {"scheme": ["cg:VanguardTypeScheme", "cg:PartnershipStatusScheme"]}, graph=graph)
    assert {row[0].value.removeprefix(CG) for row in result.rows} == {
        "AcuteCareCollaboration",
        "EnhancedHealthInCareHomes",
        "IntegratedPrimaryAndAcuteCareSystem",
        "MultispecialtyCommunityProvider",
        "UrgentAndEmergencyCare",
        "FullStatus",
        "ShadowStatus",
    }


def test_a_bound_parameter_changes_the_answer(graph):
    # The five characteristics of accountable care provision listed in source 000.
    result = run("concepts-of-scheme", {"scheme": "cg:AccountableCareCharacteristicScheme"}, graph=graph)
    assert {r["label"] for r in result.records()} == {
        "responsibility for an allocated budget",
        "integrated IT solutions",
        "outcomes-based contract",
        "alliance of providers for a defined population",
        "shared leadership and mutual accountability",
    }


# --- query errors ----------------------------------------------------------------------------------------------


def test_syntax_error_names_file_line_and_column(tmp_path, run_cli):
    # No PREFIX declared, so a line of caregraph's prefixes goes before the query: lines must still be the file's.
    path = _file(
        tmp_path,
        "# a query with a mistake\nSELECT ?kind WHERE {\n  ?kind rdfs:subClassOf cg:Provider .\n"
        '  ?kind skos:definition "unterminated .\n}\n',
    )
    code, out, err = run_cli("query", str(path))
    assert code == 2 and out == ""
    assert re.search(
        rf"{re.escape(str(path))}:4:\d+: syntax error; the parser could not go on in "
        r"'\?kind skos:definition \"unterminated \.'",
        err,
    ), err
    assert "Traceback" not in err


def test_syntax_error_in_sparql_text_and_unknown_prefix():
    with pytest.raises(ParseError) as caught:
        Query.from_text("SELECT * WHERE {\n  ?s nowhere:p ?o }", "--sparql")
    assert re.match(r"--sparql:2:\d+: prefix not found", str(caught.value)), str(caught.value)
    with pytest.raises(ParseError, match=r"<query>:3:\d+: syntax error; the query ends before it is complete"):
        Query.from_text("SELECT * WHERE {\n  ?s ?p ?o .\n")


@pytest.mark.parametrize(
    "text",
    [
        "DROP ALL",
        "INSERT DATA { <http://a> <http://b> <http://c> }",
        "PREFIX select: <http://x/>\n# SELECT\nDELETE WHERE { ?s ?p ?o }",
        "WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    ],
)
def test_update_is_refused(text, run_cli):
    code, out, err = run_cli("query", "--sparql", text)
    assert code == 2 and out == ""
    assert "is SPARQL Update; caregraph query only reads" in err


def test_unknown_query_name_suggests_close_matches(run_cli):
    with pytest.raises(UnknownTermError) as caught:
        stored("partnership-form", REPO / "queries")
    assert caught.value.suggestions[0] == "partnership-forms"
    code, _, err = run_cli("query", "concept-scheme")
    assert code == 2
    assert "unknown stored query 'concept-scheme'; did you mean 'concept-schemes'" in err
    assert "caregraph queries" in err


def test_a_query_is_named_given_as_a_file_or_written_out(tmp_path, graph):
    path = _file(tmp_path, "SELECT ?label WHERE { cg:Alliance rdfs:label ?label }", "mine.rq")
    for query in (path, str(path), "SELECT ?label WHERE { cg:Alliance rdfs:label ?label }"):
        assert run(query, graph=graph).records() == [{"label": "alliance"}]
    assert run("is-vocabulary-term", graph=graph).boolean is True
    with pytest.raises(InputError, match="no-such.rq: no such query file"):
        run(str(tmp_path / "no-such.rq"), graph=graph)


def test_name_and_sparql_are_exclusive(run_cli):
    assert run_cli("query")[0] == 2
    assert run_cli("query", "kinds-of", "--sparql", "ASK {}")[0] == 2


# --- results ---------------------------------------------------------------------------------------------------


def _literal(value: str, datatype: str) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode(XSD + datatype))


def test_records_are_plain_python_values():
    result = QueryResult(
        "select",
        ("iri", "n", "amount", "flag", "day", "year", "label", "missing"),
        [
            (
                ox.NamedNode(CG + "Footprint"),
                _literal("44", "integer"),
                _literal("450000000", "decimal"),
                _literal("true", "boolean"),
                _literal("2017-06-15", "date"),
                _literal("2017", "gYear"),
                ox.Literal("alliance", language="en"),
                None,
            )
        ],
    )
    assert result.records() == [
        {
            "iri": CG + "Footprint",
            "n": 44,
            "amount": Decimal("450000000"),
            "flag": True,
            "day": datetime.date(2017, 6, 15),
            "year": 2017,
            "label": "alliance",
            "missing": None,
        }
    ]
    assert to_python(_literal("2017-06", "gYearMonth")) == "2017-06"


def test_values_compare_by_value_not_lexical_form():
    assert comparable(_literal("01", "integer")) == comparable(_literal("1", "integer"))
    assert comparable(_literal("2.50", "decimal")) == comparable(_literal("2.5", "decimal"))
    assert comparable(_literal("2", "integer")) == comparable(_literal("2.0", "decimal"))
    assert comparable(ox.Literal("ACS")) != comparable(ox.Literal("ACS", language="en"))
    assert comparable(ox.Literal(CG + "A")) != comparable(ox.NamedNode(CG + "A"))
    assert comparable(_literal("true", "boolean")) == comparable(_literal("1", "boolean"))


@pytest.mark.parametrize("fmt", ["json", "xml", "tsv"])
def test_w3c_formats_read_back_to_the_same_rows(fmt, graph):
    result = run("partnership-forms", graph=graph)
    data = result.serialize(fmt)
    back = QueryResult.from_oxigraph(ox.parse_query_results(data, format=ox.QueryResultsFormat.from_extension(fmt)))
    assert back.same_values(result) and back.variables == result.variables


def test_csv_is_the_w3c_csv_results_format(graph):
    lines = run("concepts-of-scheme", graph=graph).serialize("csv").decode().splitlines()
    assert lines[0] == "concept,notation,label,definition"
    assert lines[1].startswith(f'{CG}AcuteCareCollaboration,ACC,acute care collaboration,"A new care model')


def test_json_document_shape(graph):
    document = json.loads(run("concept-schemes", graph=graph).serialize("json"))
    assert document["head"]["vars"] == ["scheme", "label", "concepts"]
    vanguard = [b for b in document["results"]["bindings"] if b["scheme"]["value"].endswith("VanguardTypeScheme")]
    assert vanguard[0]["concepts"] == {"type": "literal", "value": "5", "datatype": XSD + "integer"}
    assert vanguard[0]["label"] == {"type": "literal", "value": "vanguard types", "xml:lang": "en"}


def test_construct_serialises_as_rdf(graph):
    result = run("describe-term", {"term": "cg:Alliance"}, graph=graph)
    turtle = result.serialize("turtle")
    assert turtle.startswith(b"@prefix") and b"cg:Alliance a owl:Class" in turtle
    assert b"@prefix vann:" not in turtle  # only the prefixes the triples use
    back = [q.triple for q in ox.parse(turtle, format=ox.RdfFormat.TURTLE)]
    assert QueryResult("graph", triples=back).same_values(result)
    assert len(ox.Dataset(ox.parse(result.serialize("nt"), format=ox.RdfFormat.N_TRIPLES))) == len(result)


def test_ask_answers_true_or_false(graph):
    assert run("is-vocabulary-term", graph=graph).boolean is True
    assert run("is-vocabulary-term", {"term": "org:Organization"}, graph=graph).boolean is False
    assert json.loads(run("is-vocabulary-term", graph=graph).serialize("json")) == {"head": {}, "boolean": True}


def test_formats_that_do_not_fit_the_result_are_refused(graph):
    with pytest.raises(InputError, match="SELECT results are a table: --format turtle does not apply"):
        run("partnership-forms", graph=graph).serialize("turtle")
    with pytest.raises(InputError, match="CONSTRUCT and DESCRIBE results are RDF"):
        run("describe-term", graph=graph).serialize("csv")


# --- the commands ----------------------------------------------------------------------------------------------


def test_queries_lists_every_stored_query_with_its_parameters(run_cli):
    code, out, _ = run_cli("queries")
    assert code == 0
    for path in (REPO / "queries").glob("*.rq"):
        assert path.stem in out
    row = next(line for line in out.splitlines() if line.startswith("concepts-of-scheme "))
    assert row.split()[1:] == ["Concepts", "of", "a", "scheme", "scheme=cg:VanguardTypeScheme"]


def test_queries_name_shows_the_documentation(run_cli):
    code, out, _ = run_cli("queries", "concepts-of-scheme")
    assert code == 0
    assert "question:    What are the types of new care model vanguard?" in out
    assert "scheme (iri, default cg:VanguardTypeScheme)" in out
    assert "caregraph query concepts-of-scheme --param scheme=cg:VanguardTypeScheme" in out


def test_query_output_is_csv_when_not_a_terminal_and_table_on_request(run_cli):
    code, out, _ = run_cli("query", "concept-schemes")
    assert code == 0 and out.splitlines()[0] == "scheme,label,concepts"
    code, out, _ = run_cli("query", "concept-schemes", "--format", "table")
    lines = out.splitlines()
    assert lines[0] == "Concept schemes of the vocabulary"
    assert lines[1].split() == ["scheme", "label", "concepts"]
    assert any(line.startswith("cg:VanguardTypeScheme") and line.endswith(" 5") for line in lines)
    assert lines[-1] == "9 rows"  # eight caregraph schemes (the units of measure among them) and the ODS role codes


def test_query_output_is_a_table_on_a_terminal(run_cli, monkeypatch):
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    code, out, _ = run_cli("query", "concepts-of-scheme")
    assert code == 0 and out.splitlines()[0] == "Concepts of a scheme" and out.splitlines()[-1] == "5 rows"
    code, out, _ = run_cli("query", "describe-term")
    assert code == 0 and out.startswith("@prefix")


def test_query_runs_a_file_and_ad_hoc_sparql_with_caregraph_prefixes(tmp_path, run_cli):
    code, out, _ = run_cli("query", "--sparql", "SELECT ?n WHERE { cg:VanguardTypeScheme rdfs:label ?n }")
    assert (code, out.splitlines()) == (0, ["n", "vanguard types"])
    path = _file(tmp_path, NAME_QUERY)
    code, out, _ = run_cli("query", str(path), "--param", 'name=" } ; DROP ALL ; #', "--format", "tsv")
    assert (code, out.splitlines()) == (0, ["?name", '"\\" } ; DROP ALL ; #"'])


def test_the_query_path_stays_free_of_rdflib_and_pyshacl(tmp_path):
    script = (
        "import sys\nfrom caregraph.cli import main\n"
        f"code = main(['--root', {str(REPO)!r}, 'query', 'concept-schemes'])\n"
        "print(code, sorted(m for m in ('rdflib', 'pyshacl', 'owlrl', 'SPARQLWrapper') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        env={"CAREGRAPH_CACHE_DIR": str(tmp_path), "PATH": ""},
    )
    assert done.stdout.splitlines()[-1] == "0 []", done.stderr


# --- limits: deadlines, memory, SERVICE (caregraph.query.limits) ---------------------------------------------------

_CROSS_JOIN_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def test_run_stops_a_query_at_its_deadline(graph):
    from caregraph.errors import QueryTimeout

    with pytest.raises(QueryTimeout, match="stopped after 1 s"):
        run(_CROSS_JOIN_COUNT, graph=graph, timeout=1)


def test_a_query_with_a_deadline_gives_the_rows_it_gives_without_one(graph):
    text = stored("concept-schemes").bind()
    limited = run_embedded(graph, text, timeout=60)
    assert limited.variables == run_embedded(graph, text).variables
    assert limited.same_values(run_embedded(graph, text)) and len(limited) > 0


def test_a_construct_with_a_deadline_gives_the_same_triples(graph):
    text = "CONSTRUCT { ?s a ?c } WHERE { ?s a ?c FILTER(?c = cg:PartnershipForm) }"
    prepared = Query.from_text(text)
    assert run_embedded(graph, prepared.text, timeout=60).same_values(run_embedded(graph, prepared.text))


def test_a_query_over_the_memory_ceiling_is_stopped_without_touching_the_cache(graph, project, monkeypatch):
    from caregraph.errors import LimitError
    from caregraph.graph import CareGraph
    from caregraph.query import limits

    cached = CareGraph.load(project)  # the graph fixture has cached the store; this opens it
    entry = cached.cache_entry
    assert entry is not None
    monkeypatch.setattr(limits, "MEMORY_BUDGET", 16 << 20)  # read by the child, after the fork
    with pytest.raises(LimitError, match="more memory"):
        run_embedded(cached, "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f", timeout=120)
    assert cached.cache_entry == entry and entry.exists()  # an intact store is not blamed for the query


@pytest.mark.parametrize("seconds", [float("inf"), float("nan"), 0, -5])
def test_a_deadline_must_be_a_positive_finite_number(seconds, graph):
    with pytest.raises(InputError, match="positive number of seconds"):
        run("concept-schemes", graph=graph, timeout=seconds)


def test_service_is_refused_in_embedded_queries_unless_allowed(graph):
    text = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/query> { ?s ?p ?o } }"
    with pytest.raises(InputError, match=r"<query>:1: SERVICE .*allow_service"):
        run(text, graph=graph)
    with pytest.raises(InputError, match="SERVICE"):
        run_embedded(graph, Query.from_text(text).text)


def test_service_in_a_string_or_comment_is_not_a_service_clause(graph):
    result = run('SELECT ?x WHERE { BIND("SERVICE <http://x/>" AS ?x) } # SERVICE', graph=graph)
    assert result.records() == [{"x": "SERVICE <http://x/>"}]
