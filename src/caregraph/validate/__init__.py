"""Validating caregraph records against the SHACL shapes in ``ontology/shapes/``, in words researchers understand.

Three entry points:

* :func:`validate_graph` — the whole built graph (ontology, data and calendar). pyshacl is the reference engine;
  the default engine gives the core constraints to pyshacl-turbo (:mod:`.shacl`) and runs the SPARQL rules once
  per graph in the embedded store (same results, tested; see "the fast engine" below).
* :func:`validate_records` — new records (Turtle files) *in the context of* a graph, reporting only on the nodes
  the files describe. Validating one record must not cost a whole-graph validation, so only the part of the
  graph the shapes read is taken from the store (see :func:`record_context`) and the SHACL engine runs on that, with the
  records' literals as their files write them (the store would canonicalise them). The records also pass the
  record gate (:mod:`.gate`): the provenance rules of `caregraph check`, and that some shape checks every node.
* :func:`add_record` — validate one file and, only if it passes, write it into ``data/`` atomically;
  :func:`remove_record` takes a record file back out when nothing else points at it.

The report is SHACL's: it conforms only when it holds no result; :meth:`Report.fails` says whether a result
reaches a severity (``--fail-on``, as in ROBOT). A SHACL engine is called in one place, :mod:`.shacl`.

Besides the shapes, three conventions that SHACL cannot express are checked here (they are documented as
deactivated shapes in ``ontology/shapes/shared.ttl``): every term a record uses from the caregraph vocabulary, or
from a standard vocabulary the ontology declares terms of, is declared (with "did you mean …" suggestions);
every node has an IRI; every node described under ``cgd:`` has a type.

pyshacl and rdflib are slow to import, so they are imported inside the functions that need them.

One module per concern: :mod:`.shapes` loads the shapes and runs the engines, :mod:`.conventions` holds
caregraph's own rules, :mod:`.gate` the provenance rules for new records, :mod:`.records` validates the graph or
records, :mod:`.filing` adds and removes record files, :mod:`.report` holds the report and its renderers, and
:mod:`.shacl` is the one place a SHACL engine is called.
"""

from __future__ import annotations

from .filing import AddOutcome, RemoveOutcome, add_record, folder_for, remove_record
from .records import record_context, validate_graph, validate_records
from .report import (
    FAIL_ON,
    REPORT_FORMATS,
    SEVERITIES,
    Report,
    Result,
    render,
    render_json,
    render_text,
    render_tsv,
    render_turtle,
)
from .shapes import ENGINES, load_shapes, project_shapes

__all__ = [
    "AddOutcome",
    "ENGINES",
    "FAIL_ON",
    "REPORT_FORMATS",
    "SEVERITIES",
    "RemoveOutcome",
    "Report",
    "Result",
    "add_record",
    "folder_for",
    "load_shapes",
    "project_shapes",
    "record_context",
    "remove_record",
    "render",
    "render_json",
    "render_text",
    "render_tsv",
    "render_turtle",
    "validate_graph",
    "validate_records",
]
