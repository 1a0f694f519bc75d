"""Codes as researchers type them: an ODS or GSS code in any case, a CCG's GSS code where its ODS code is asked, or
the name of the organisation or area.

A stored query declares such a parameter with the type ``ods`` (an organisation's ODS code) or ``gss`` (an area's or
footprint's GSS code). :func:`caregraph.query.to_term` trims and upper-cases the value, which needs no graph;
:func:`resolve` then looks the value up in the graph and, where it names an organisation or area by another code or
by a name, puts that thing's code in its place. A value that names nothing is left as typed: the empty answer it
gives is explained by :mod:`caregraph.query.empty`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pyoxigraph as ox

from ..namespaces import CG, RDFS, SKOS

CODE_TYPES = {"ods": CG + "odsCode", "gss": CG + "gssCode"}
"""Parameter type → the property that holds such a code."""

_NAME_PROPERTIES = (RDFS + "label", SKOS + "altLabel", CG + "nameText")


def _subjects(store: ox.Store, predicate: str, value: str) -> list[ox.NamedNode]:
    return [
        q.subject
        for q in store.quads_for_pattern(None, ox.NamedNode(predicate), ox.Literal(value))
        if isinstance(q.subject, ox.NamedNode)
    ]


def _code_of(store: ox.Store, entity: ox.NamedNode | ox.BlankNode, predicate: str) -> str | None:
    codes = sorted(
        q.object.value
        for q in store.quads_for_pattern(entity, ox.NamedNode(predicate), None)
        if isinstance(q.object, ox.Literal)
    )
    return codes[0] if len(codes) == 1 else None


def _named(store: ox.Store, name: str) -> list[ox.NamedNode]:
    """The entities one of whose names (display, alternative or dated) is ``name``, in any letter case."""
    found = set()
    for spelling in {name, name.upper(), name.title()}:
        for predicate in _NAME_PROPERTIES:
            for quad in store.quads_for_pattern(None, ox.NamedNode(predicate), ox.Literal(spelling, language="en")):
                entity: object = quad.subject
                if predicate == CG + "nameText":  # a dated name: the entity it names
                    entity = next(
                        (
                            q.object
                            for q in store.quads_for_pattern(quad.subject, ox.NamedNode(CG + "namedEntity"), None)
                        ),
                        None,
                    )
                if isinstance(entity, ox.NamedNode):
                    found.add(entity)
    return sorted(found, key=lambda e: e.value)


def resolve_code(store: ox.Store, type_name: str, text: str) -> str:
    """The code that ``text`` stands for, as a parameter of type ``ods`` or ``gss``: the code itself (any case), the
    ODS code of the organisation whose GSS code it is, or the code of the one thing of that name."""
    wanted = CODE_TYPES[type_name]
    code = text.strip().upper()
    if _subjects(store, wanted, code):
        return code
    other = CODE_TYPES["gss" if type_name == "ods" else "ods"]
    for entities in (_subjects(store, other, code), _named(store, text.strip())):
        codes = {found for entity in entities if (found := _code_of(store, entity, wanted)) is not None}
        if len(codes) == 1:
            return codes.pop()
    return code


def resolve(query, params: Mapping[str, str | Sequence[str]] | None, store: ox.Store) -> dict:
    """``params`` with each value of an ``ods`` or ``gss`` parameter of ``query`` replaced by the code it stands for."""
    resolved = dict(params or {})
    for name, given in resolved.items():
        parameter = query.parameters.get(name)
        if parameter is None or parameter.type not in CODE_TYPES:
            continue
        texts = [given] if isinstance(given, str) else list(given)
        resolved[name] = [resolve_code(store, parameter.type, text) for text in texts]
    return resolved
