"""The stored queries on the web: ``/queries`` (the catalogue), ``/queries/{name}`` (run one) and
``/openapi.json`` (each stored query as an operation, as grlc describes them, without its text substitution).

Running a stored query binds its parameters exactly as ``caregraph query NAME --param …`` does
(:meth:`caregraph.query.Query.bind`: typed RDF terms in the query's VALUES blocks), so the web and the command line
send the same text to the engine and give the same rows.
"""

from __future__ import annotations

import re

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .. import __version__
from ..namespaces import PREFIXES
from ..query import Query, library, stored
from . import negotiation
from .protocol import NotAcceptable, accepted_format, answer


def stored_queries(request: Request) -> list[Query]:
    """Every stored query, sorted by name (read again only when its file changes)."""
    folder = request.app.state.queries_dir
    return [stored(slug, folder) for slug in library(folder)]


def editor_text(query: Query) -> str:
    """A stored query as the query editor shows it: its own text after a PREFIX line for each predeclared prefix it
    uses without declaring, so that the editor, which knows nothing of caregraph's prefixes, reads it as valid."""
    declared = {match.group(1) for match in re.finditer(r"PREFIX\s+([\w.-]*):", query.source, re.I)}
    used = [
        prefix for prefix in PREFIXES if prefix not in declared and re.search(rf"(?<![\w.:-]){prefix}:", query.source)
    ]
    return "".join(f"PREFIX {prefix}: <{PREFIXES[prefix]}>\n" for prefix in used) + query.source


def _parameter_json(query: Query) -> list[dict]:
    return [
        {
            "name": p.name,
            "type": p.type,
            "default": None if p.default == "UNDEF" else p.default,
            "description": p.description,
        }
        for p in query.parameters.values()
    ]


def _query_json(query: Query, base: str) -> dict:
    return {
        "name": query.slug,
        "summary": query.summary,
        "question": query.question,
        "description": query.description,
        "sources": list(query.sources),
        "tags": list(query.tags),
        "form": query.form,
        "parameters": _parameter_json(query),
        "url": f"{base}queries/{query.slug}",
    }


async def catalogue(request: Request) -> Response:
    """GET /queries: the stored queries as an HTML page, or as JSON by ``Accept``."""
    queries = stored_queries(request)
    media_type = negotiation.choose(request.headers.get("accept"), ["text/html", "application/json"])
    if media_type is None:
        raise NotAcceptable("the catalogue is text/html or application/json; the request accepts neither")
    if media_type == "application/json":
        base = str(request.base_url)
        return JSONResponse([_query_json(q, base) for q in queries], headers={"Vary": "Accept"})
    return request.app.state.templates.TemplateResponse(
        request, "queries.html", {"queries": queries}, headers={"Vary": "Accept"}
    )


async def run_stored(request: Request) -> Response:
    """GET /queries/{name}?param=value…: run a stored query with its parameters bound."""
    query = stored(request.path_params["name"], request.app.state.queries_dir)
    values: dict[str, list[str]] = {}
    for name, value in request.query_params.multi_items():
        values.setdefault(name, []).append(value)
    text = query.bind(values)
    accepted_format(request, query.form)  # an unacceptable request is refused before the query runs
    return await answer(request, text, query.form)


# --- OpenAPI -----------------------------------------------------------------------------------------------------

_SCHEMAS = {
    "iri": {
        "type": "string",
        "format": "iri",
        "description": "a prefixed name with one of caregraph's prefixes (cg:Provider) or a full IRI in <…>",
    },
    "string": {"type": "string"},
    "ods": {"type": "string", "description": "an ODS code in any case (02N), its GSS code, or the name it identifies"},
    "gss": {
        "type": "string",
        "description": "a GSS code in any case (E54000035), its ODS code, or the name it identifies",
    },
    "integer": {"type": "integer"},
    "decimal": {"type": "string", "pattern": r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$"},
    "boolean": {"type": "boolean"},
    "date": {"type": "string", "format": "date"},
    "gYear": {"type": "string", "pattern": "^[0-9]{4}$"},
    "gYearMonth": {"type": "string", "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])$"},
}


def _schema(type_name: str) -> dict:
    return dict(_SCHEMAS["string" if type_name.startswith("string@") else type_name])


def _default(type_name: str, default: str) -> object:
    if type_name == "integer":
        return int(default)
    if type_name == "boolean":
        return default in ("true", "1")
    return default


def _content(form: str) -> dict:
    offers = negotiation.RDF if form == "graph" else negotiation.RESULTS
    return {media_type: {} for media_type in offers if media_type not in ("application/json", "text/plain")}


def _operation(query: Query) -> dict:
    parameters = []
    for p in query.parameters.values():
        items = _schema(p.type)
        if p.default != "UNDEF":
            items["default"] = _default(p.type, p.default)
        typed = f" ({p.type.replace('string@', 'text in language ')})" if p.type != "string" else ""
        parameters.append(
            {
                "name": p.name,
                "in": "query",
                "required": False,
                "description": f"{p.description}{typed}; repeat it for several values, one solution each"
                + ("" if p.default != "UNDEF" else "; left out, it is unbound"),
                "schema": {"type": "array", "items": items},
                "style": "form",
                "explode": True,
            }
        )
    return {
        "get": {
            "operationId": query.slug,
            "summary": query.summary,
            "description": f"{query.question}\n\n{query.description}\n\nSources: {', '.join(query.sources)}",
            "tags": list(query.tags[:1]),
            "parameters": parameters,
            "responses": {
                "200": {
                    "description": "the results, in the format the Accept header asks for",
                    "content": _content(query.form),
                },
                "400": {
                    "description": "a parameter that is not declared or not of its type",
                    "content": {"text/plain": {}},
                },
                "406": {"description": "the Accept header accepts no format of the results"},
                "503": {"description": "the query ran past the server's time limit", "content": {"text/plain": {}}},
            },
        }
    }


def _sparql_operation(method: str) -> dict:
    operation: dict[str, object] = {
        "operationId": f"sparql-{method}",
        "summary": "Run a SPARQL query (the SPARQL 1.1 Protocol)",
        "description": "caregraph's prefixes (cg:, cgd:, org:, prov:, skos: …) are predeclared. Updates are refused.",
        "tags": ["sparql"],
        "responses": {
            "200": {
                "description": "SELECT and ASK results, or RDF for CONSTRUCT and DESCRIBE",
                "content": {**_content("select"), **_content("graph")},
            },
            "400": {"description": "a query that does not parse (with its line and column)"},
            "403": {"description": "a SPARQL Update"},
            "503": {"description": "the query ran past the server's time limit"},
        },
    }
    if method == "get":
        operation["parameters"] = [{"name": "query", "in": "query", "required": True, "schema": {"type": "string"}}]
    else:
        operation["requestBody"] = {
            "required": True,
            "content": {
                "application/sparql-query": {"schema": {"type": "string"}},
                "application/x-www-form-urlencoded": {
                    "schema": {"type": "object", "required": ["query"], "properties": {"query": {"type": "string"}}}
                },
            },
        }
    return operation


async def openapi(request: Request) -> Response:
    """GET /openapi.json: the SPARQL endpoint and every stored query as an operation with its parameters."""
    paths = {"/sparql": {"get": _sparql_operation("get"), "post": _sparql_operation("post")}}
    for query in stored_queries(request):
        paths[f"/queries/{query.slug}"] = _operation(query)
    document = {
        "openapi": "3.1.0",
        "info": {
            "title": "caregraph",
            "version": __version__,
            "description": "England's integrated health and care landscape as linked data: the stored "
            "questions, each answer sourced.",
            "license": {"name": "CC-BY-4.0 (data), MIT (code)", "identifier": "CC-BY-4.0"},
        },
        "servers": [{"url": str(request.base_url).rstrip("/")}],
        "paths": paths,
    }
    return JSONResponse(document)
