"""caregraph's benchmark against plain rdflib, pyshacl and the oxigraph CLI (bench/README.md).

Run from the checkout's root: ``python -m bench.run`` (the whole run), ``python -m bench.web`` (the web server),
``python -m bench.synthetic N -o DIR`` (a synthetic project). tests/test_bench.py imports these modules as
``bench.run``, ``bench.synthetic`` and ``bench.workers``.
"""
