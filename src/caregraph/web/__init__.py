"""caregraph on the web: ``caregraph serve``, a read-only server on the embedded graph.

:mod:`caregraph.web.app` builds the application (every route in one list); :mod:`~caregraph.web.protocol` is the
SPARQL 1.1 Protocol endpoint ``/sparql``; :mod:`~caregraph.web.catalogue` the stored queries (``/queries``,
``/queries/{name}``, ``/openapi.json``); :mod:`~caregraph.web.void` the dataset's VoID description;
:mod:`~caregraph.web.negotiation` content negotiation; :mod:`~caregraph.web.time_limit` the time limit of a query;
:mod:`~caregraph.web.server` runs the application in uvicorn; :mod:`~caregraph.web.pages` the pages for every
entity, term and source (``/id``, ``/def``, ``/sources``), gathered by :mod:`~caregraph.web.describe` and drawn by
:mod:`~caregraph.web.render` and :mod:`~caregraph.web.diagram`; :mod:`~caregraph.web.docs` writes them as static
files (``caregraph docs``). ``static/yasgui`` holds the query editor's files.
"""
