"""The one place caregraph calls a SHACL engine: an rdflib data graph and shapes graph in, ``(conforms, results
graph)`` out, so everything else in caregraph.validate reads the same kind of results graph whichever engine ran.

Two engines: pyshacl, the reference (``--engine pyshacl``, and the tests' yardstick), and pyshacl-turbo, a Rust
engine with pySHACL's API that the default ("fast") validation gives the core constraints. On caregraph's shapes it
finds the same results as plain pyshacl (focus node, path, value, component, severity; tests/test_validate_shacl.py
compares them on the shipped data, its GP practices sampled, and every example, tests/test_validate.py and
tests/test_bench.py on synthetic graphs) with a small fraction of its time; bench/README.md compares the
candidates. It needs Python 3.11, so on 3.10 pyshacl runs in its place.

The data reaches the engines as an rdflib graph converted from the store like the shapes
(:func:`caregraph.rdflib_terms.to_rdflib_graph`), or parsed from a record's file: a plain literal and an
``xsd:string`` one are then the same term, so ``sh:in`` and ``sh:hasValue`` compare them as RDF 1.1 does.
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
            conforms, report, _ = engine.validate(data_graph, shacl_graph=shapes_graph, inference="none",
                                                  allow_warnings=True, allow_infos=True)
    except _ENGINE_ERRORS as error:
        raise InputError(f"the shapes cannot be used: {error}") from None
    except ValueError as error:  # pyshacl-turbo's word for a shape it cannot compile
        raise InputError(f"the shapes cannot be used: {error}") from None
    if not hasattr(report, "subjects"):  # a ValidationFailure is returned, not raised
        raise InputError(f"the shapes cannot be used: {report}")
    return conforms, report
