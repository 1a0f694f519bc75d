"""The one place caregraph calls a SHACL engine: an rdflib data graph and shapes graph in, ``(conforms, results
graph)`` out, so everything else in caregraph.validate reads the same kind of results graph whichever engine ran.

Two engines: pyshacl, the reference (``--engine pyshacl``, and the tests' yardstick), and pyshacl-turbo, a Rust
engine with pySHACL's API that the default ("fast") validation gives the core constraints. On caregraph's shapes it
finds the same results as plain pyshacl (focus node, path, value, component, severity; tests/test_validate_shacl.py
compares them on the shipped data, its GP practices sampled, and every example, tests/test_validate.py and
tests/test_bench.py on synthetic graphs) with a small fraction of its time; bench/README.md compares the
candidates. It needs Python 3.11, so on 3.10 pyshacl runs in its place.

A record's data reaches the engines as an rdflib graph parsed from its file, its literals as written, and so do
the shapes (:func:`caregraph.rdflib_terms.to_rdflib_graph`). The whole graph reaches pyshacl-turbo as the store
itself, which it reads in Rust (converting 435k triples to rdflib took longer than validating them). A store's
plain literals are ``xsd:string``, and pyshacl-turbo 0.6.5 takes a plain literal of rdflib shapes for another term
(``"a"`` not in ``sh:in ("a")``), so the shapes it is given with a store have their plain literals typed
``xsd:string`` (:func:`typed_strings`), and the report's are made plain again (:func:`plain_strings`): both sides
then compare as RDF 1.1 does (tests/test_validate_shacl.py).
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from types import ModuleType

import pyshacl as _reference
from pyshacl.errors import ReportableRuntimeError

from ..errors import InputError

_fast: ModuleType
_ENGINE_ERRORS: tuple[type[Exception], ...] = (ReportableRuntimeError,)
try:
    import pyshacl_turbo
    from pyshacl_turbo.errors import ReportableRuntimeError as _FastRuntimeError

    _fast, _ENGINE_ERRORS = pyshacl_turbo, (ReportableRuntimeError, _FastRuntimeError)
except ImportError:  # Python 3.10
    _fast = _reference

FAST_ENGINE = f"{_fast.__name__.replace('_', '-')} {_fast.__version__}"
"""The default engine and its version, as bench/ records it."""


@contextmanager
def quiet_rdflib():
    """rdflib logs a warning for every ill-typed literal ("abc"^^xsd:decimal); the shapes report those."""
    logger = logging.getLogger("rdflib")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def run_shacl(data_graph, shapes_graph, *, fast: bool = False):
    """``(conforms, results graph)`` for ``data_graph`` against ``shapes_graph``, without inference, from pyshacl
    or (``fast``) pyshacl-turbo; shapes the engine cannot use are bad input (exit 2)."""
    engine = _fast if fast else _reference
    try:
        with quiet_rdflib():
            conforms, report, _ = engine.validate(
                data_graph, shacl_graph=shapes_graph, inference="none", allow_warnings=True, allow_infos=True
            )
    except _ENGINE_ERRORS as error:
        raise InputError(f"the shapes cannot be used: {error}") from None
    except ValueError as error:  # pyshacl-turbo's word for a shape it cannot compile
        raise InputError(f"the shapes cannot be used: {error}") from None
    if not hasattr(report, "subjects"):  # a ValidationFailure is returned, not raised
        raise InputError(f"the shapes cannot be used: {report}")
    return conforms, report


def typed_strings(graph):
    """A copy of the rdflib ``graph`` with every plain literal (no datatype, no language) typed ``xsd:string``."""
    import rdflib

    copy = rdflib.Graph()
    for prefix, namespace in graph.namespaces():
        copy.bind(prefix, namespace)
    for s, p, o in graph:
        if isinstance(o, rdflib.Literal) and o.datatype is None and o.language is None:
            o = rdflib.Literal(str(o), datatype=rdflib.XSD.string)
        copy.add((s, p, o))
    return copy


def plain_strings(report):
    """The report graph with every ``xsd:string`` literal written plain, as a report on rdflib data gives it."""
    import rdflib

    for s, p, o in list(report):
        if isinstance(o, rdflib.Literal) and o.datatype == rdflib.XSD.string:
            report.remove((s, p, o))
            report.add((s, p, rdflib.Literal(str(o))))
    return report
