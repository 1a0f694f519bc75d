"""The one call into the SHACL engine: an rdflib data graph and shapes graph in, pyshacl's verdict out.

Everything else in caregraph.validate reads the results graph this returns, so another engine giving the same
``(conforms, results graph)`` can take pyshacl's place here alone.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager

from ..errors import InputError


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


def run_shacl(data_graph, shapes_graph):
    """pyshacl's ``(conforms, results graph)`` for ``data_graph``; shapes pyshacl cannot use are bad input (exit 2)."""
    import pyshacl
    from pyshacl.errors import ReportableRuntimeError

    try:
        with quiet_rdflib():
            conforms, report, _ = pyshacl.validate(data_graph, shacl_graph=shapes_graph, inference="none",
                                                   allow_warnings=True, allow_infos=True)
    except ReportableRuntimeError as error:
        raise InputError(f"the shapes cannot be used: {error.message}") from None
    if not hasattr(report, "subjects"):  # pyshacl returns a ValidationFailure instead of raising it
        raise InputError(f"the shapes cannot be used: {report}")
    return conforms, report
