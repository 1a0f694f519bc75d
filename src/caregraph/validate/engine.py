"""The SHACL engine behind the default ("fast") validation: pyshacl-turbo, a Rust engine with pySHACL's API.

On caregraph's shapes it finds the same results as plain pyshacl (focus node, path, value, component, severity;
tests/test_validate_engine.py compares them on the shipped graph and every example, tests/test_validate.py and
tests/test_bench.py on synthetic graphs) with a small fraction of its time; bench/README.md compares the
candidates. pyshacl stays the reference (``--engine pyshacl``), and runs here too where pyshacl-turbo cannot be
installed: it needs Python 3.11, caregraph 3.10.

The data reaches the engine as an rdflib graph converted from the store like the shapes
(:func:`caregraph.rdflib_terms.to_rdflib_graph`): both then hold a plain literal and an ``xsd:string`` one as the
same term, so ``sh:in`` and ``sh:hasValue`` compare them as RDF 1.1 does (given the store itself, with rdflib
shapes, pyshacl-turbo tells them apart).
"""

from __future__ import annotations

from ..errors import InputError

try:
    import pyshacl_turbo as _engine
    from pyshacl_turbo.errors import ReportableRuntimeError
except ImportError:  # Python 3.10
    import pyshacl as _engine
    from pyshacl.errors import ReportableRuntimeError

NAME = f"{_engine.__name__.replace('_', '-')} {_engine.__version__}"
"""The engine and its version, as bench/ records it."""


def validate(data_graph, shapes) -> tuple[bool, object]:
    """pyshacl's ``(conforms, results graph)`` for the rdflib ``data_graph`` against the rdflib ``shapes``, without
    inference; shapes the engine cannot use are bad input (exit 2)."""
    try:
        conforms, report, _ = _engine.validate(data_graph, shacl_graph=shapes, inference="none", allow_warnings=True,
                                               allow_infos=True)
    except ReportableRuntimeError as error:
        raise InputError(f"the shapes cannot be used: {error.message}") from None
    except ValueError as error:  # pyshacl-turbo's word for a shape it cannot compile
        raise InputError(f"the shapes cannot be used: {error}") from None
    if not hasattr(report, "subjects"):  # a ValidationFailure is returned, not raised
        raise InputError(f"the shapes cannot be used: {report}")
    return conforms, report
