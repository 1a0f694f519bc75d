"""Stored queries and endpoints: SPARQL on the embedded graph or on any SPARQL 1.1 endpoint, with the same answers.

A stored query is a file ``queries/<slug>.rq`` that opens with a header of ``#+`` comments (the grammar is in
``queries/README.md``), so the file stays valid SPARQL that any engine runs as it is::

    #+ summary: Concepts of a scheme
    #+ description: Every concept of one SKOS concept scheme, with its notation and definition.
    #+ question: What are the kinds of new care model vanguard?
    #+ sources: cgd:source-003
    #+ tags: vocabulary
    #+ param: scheme iri cg:VanguardTypeScheme -- the concept scheme to list

    PREFIX cg: <https://w3id.org/caregraph/def#>
    SELECT ?concept ?label WHERE {
      VALUES ?scheme { cg:VanguardTypeScheme }
      ?concept skos:inScheme ?scheme ; skos:prefLabel ?label .
    }

Each parameter's default sits in a ``VALUES`` block at the start of the WHERE clause; binding a parameter replaces
the contents of that block with the value written as one typed RDF term, never by pasting the user's text into the
query, and every engine receives the same rewritten text. Results come back as one type, :class:`QueryResult`.

One module per concern, and this one the API researchers import:

=====================  ============================================================================================
``header``             the ``#+`` grammar (shared with the stored checks of ``ontology/checks/``)
``parameters``         parameter types, the RDF term a value stands for, the VALUES blocks values go in
``prepared``           :class:`Query`: a query read, checked and ready to bind
``library``            the stored queries (:func:`library`, :func:`stored`, :func:`catalogue`), read once each
``results``            :class:`QueryResult` and its formats
``embedded``           the embedded engine; ``remote``: any SPARQL 1.1 endpoint; ``runner``: :func:`run`
``limits``             deadlines, Ctrl-C and the memory ceiling; ``codes``, ``empty``, ``undeclared``, ``portability``:
                       codes as typed, why an answer is empty, misspelt terms, stores' deviations
=====================  ============================================================================================
"""

from ..sparql import service_line
from .embedded import refuse_service, run_embedded
from .header import LIBRARY_FIELDS, Parameter
from .library import catalogue, library, resolve, stored
from .limits import DEFAULT_TIMEOUT
from .parameters import PARAMETER_TYPES, Term, sparql_term, to_term
from .prepared import Query, is_sparql
from .remote import run_remote
from .results import RESULT_FORMATS, QueryResult, comparable, to_python
from .runner import run, stream

__all__ = [
    "DEFAULT_TIMEOUT",
    "LIBRARY_FIELDS",
    "PARAMETER_TYPES",
    "RESULT_FORMATS",
    "Parameter",
    "Query",
    "QueryResult",
    "Term",
    "catalogue",
    "comparable",
    "is_sparql",
    "library",
    "refuse_service",
    "resolve",
    "run",
    "run_embedded",
    "run_remote",
    "service_line",
    "sparql_term",
    "stored",
    "stream",
    "to_python",
    "to_term",
]
