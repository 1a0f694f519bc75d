"""The Turtle files researchers edit keep the order and the prefixes that CONTRIBUTING.md and namespaces.py
document: prefixes from the one table, sorted, aligned, each used; no tabs; ontology terms sorted by name."""

import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from caregraph.namespaces import ONTOLOGY_IRI, PREFIXES, curie

ROOT = Path(__file__).resolve().parent.parent
TURTLE = sorted((ROOT / "ontology").rglob("*.ttl")) + sorted((ROOT / "data").rglob("*.ttl"))
TOPICS = sorted((ROOT / "ontology").glob("*.ttl"))

_DECLARATION = re.compile(r"^@prefix ([\w-]*):(\s+)<([^>]*)> \.$", re.MULTILINE)
# Text that may hold "cg:" without using the prefix: comments, strings and full IRIs.
_NOT_CODE = re.compile(r'#[^\n]*|"""[\s\S]*?"""|"(?:[^"\\\n]|\\.)*"|<[^>\s]*>')
_USE = re.compile(r"(?<![\w:/#.-])([A-Za-z][\w-]*):")


def _name(path: Path) -> str:
    return str(path.relative_to(ROOT))


@pytest.mark.parametrize("path", TURTLE, ids=_name)
def test_prefixes_are_the_tables_sorted_aligned_and_used(path):
    text = path.read_text(encoding="utf-8")
    declared = _DECLARATION.findall(text)
    prefixes = [prefix for prefix, _, _ in declared]
    assert prefixes == sorted(prefixes), "prefixes out of order"
    assert all(len(prefix) + 1 + len(space) == 9 for prefix, space, _ in declared), "prefixes not aligned"
    assert {prefix: namespace for prefix, _, namespace in declared} == {p: PREFIXES[p] for p in prefixes}
    body = _NOT_CODE.sub(" ", _DECLARATION.sub("", text))
    assert set(prefixes) == set(_USE.findall(body)), "a prefix declared and not used, or used and not declared"
    assert "\t" not in text


def _sections(path: Path) -> list[list[str]]:
    """The terms described in each ``# ---`` section of a topic file, in the order written."""
    sections = re.split(r"^# ---.*$", path.read_text(encoding="utf-8"), flags=re.MULTILINE)
    return [re.findall(r"^([a-z]+:[\w-]+)\s*$", section, re.MULTILINE) for section in sections]


@pytest.mark.parametrize("path", TOPICS, ids=_name)
def test_terms_are_sorted_by_name_within_each_section(path):
    for terms in _sections(path):
        described = [t for t in terms if not t.endswith("Scheme")]  # a concept scheme heads its concepts
        assert described == sorted(described, key=str.lower)


@pytest.mark.parametrize("path", TOPICS, ids=_name)
def test_the_order_test_sees_every_term_the_file_describes(path):
    subjects = {
        curie(t.subject.value)
        for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)
        if isinstance(t.subject, ox.NamedNode) and t.subject.value != ONTOLOGY_IRI
    }
    assert {term for terms in _sections(path) for term in terms} == subjects
