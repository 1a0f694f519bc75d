"""caregraph: a linked-data knowledge graph of England's integrated health and care landscape.

The Python API researchers import::

    import caregraph

    graph = caregraph.load()                      # ontology + data, from the cache when unchanged
    len(graph)                                    # triples
    caregraph.export(graph, "turtle", "out.ttl")  # deterministic Turtle, written atomically

Each concern has one module: :mod:`caregraph.graph` (loading and building), :mod:`caregraph.export`,
:mod:`caregraph.provenance` (who says so), :mod:`caregraph.periods` (dates and periods), :mod:`caregraph.cli` (the
``caregraph`` command, a thin layer over these). Names are imported lazily so that ``import caregraph`` stays fast.
"""

from __future__ import annotations

__version__ = "0.1.0"

_LAZY = {
    "CareGraph": ("caregraph.graph", "CareGraph"),
    "load": ("caregraph.graph", "load"),
    "export": ("caregraph.export", "export"),
    "Project": ("caregraph.project", "Project"),
}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        module, attribute = _LAZY[name]
        return getattr(importlib.import_module(module), attribute)
    raise AttributeError(f"module 'caregraph' has no attribute {name!r}")


__all__ = ["__version__", *_LAZY]
