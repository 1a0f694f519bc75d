"""The calendar: OWL-Time descriptions of calendar IRIs, with the precision the source gives."""

import pytest

from caregraph import periods
from caregraph.errors import InputError
from caregraph.namespaces import CGD, RDF, RDFS, TIME, XSD


def describe(local):
    return {(s, p, o) for s, p, o in periods.describe(CGD + local)}


def test_a_month_is_an_interval_from_its_first_to_its_last_day():
    triples = describe("month-2017-06")
    assert (CGD + "month-2017-06", RDF + "type", TIME + "ProperInterval") in triples
    assert (CGD + "month-2017-06", RDFS + "label", ("June 2017", "en")) in triples
    assert (CGD + "month-2017-06", TIME + "hasBeginning", CGD + "day-2017-06-01") in triples
    assert (CGD + "month-2017-06", TIME + "hasEnd", CGD + "day-2017-06-30") in triples
    assert (CGD + "day-2017-06-30", TIME + "inXSDDate", ("2017-06-30", XSD + "date")) in triples


def test_february_of_a_leap_year_ends_on_the_29th():
    assert (CGD + "month-2020-02", TIME + "hasEnd", CGD + "day-2020-02-29") in describe("month-2020-02")


def test_a_financial_year_runs_from_april_to_march():
    triples = describe("fy-2017-18")
    assert (CGD + "fy-2017-18", TIME + "hasBeginning", CGD + "day-2017-04-01") in triples
    assert (CGD + "fy-2017-18", TIME + "hasEnd", CGD + "day-2018-03-31") in triples
    assert (CGD + "fy-2017-18", RDFS + "label", ("financial year 2017/18", "en")) in triples


def test_a_day_is_an_instant_that_is_its_own_beginning_and_end():
    triples = describe("day-2015-03-10")
    iri = CGD + "day-2015-03-10"
    assert (iri, RDF + "type", TIME + "Instant") in triples
    assert (iri, TIME + "hasBeginning", iri) in triples and (iri, TIME + "hasEnd", iri) in triples
    assert (iri, RDFS + "label", ("10 March 2015", "en")) in triples


def test_an_open_ended_period_has_a_beginning_and_no_end():
    triples = describe("from-2022-07-01")
    assert (CGD + "from-2022-07-01", TIME + "hasBeginning", CGD + "day-2022-07-01") in triples
    assert not any(p == TIME + "hasEnd" and s == CGD + "from-2022-07-01" for s, p, _ in triples)


def test_a_period_names_both_ends():
    triples = describe("period-2016-03-01-to-2022-06-30")
    assert (CGD + "period-2016-03-01-to-2022-06-30", TIME + "hasEnd", CGD + "day-2022-06-30") in triples


@pytest.mark.parametrize(
    "local, words",
    [
        ("month-2019-13", "not a real date"),
        ("day-2019-02-30", "not a real date"),
        ("fy-2017-19", "not a financial year"),
        ("month-June-2017", "not a calendar term"),
        ("period-2020-01-01-to-2019-01-01", "ends before it begins"),
    ],
)
def test_malformed_calendar_terms_are_refused_with_a_reason(local, words):
    with pytest.raises(InputError, match=words):
        periods.validate_iri(CGD + local)


def test_only_the_calendar_part_of_the_namespace_counts_as_calendar():
    assert periods.is_calendar_iri(CGD + "month-2017-06")
    assert periods.is_calendar_iri(CGD + "month-nonsense")  # looks like one, so it is checked and refused
    assert not periods.is_calendar_iri(CGD + "system-dorset")
    assert not periods.is_calendar_iri("http://example.org/month-2017-06")
