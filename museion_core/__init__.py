"""The leaf package every Museion package may import: what all stages must agree on.

It holds the exception tree (``museion_core.errors``) and the closed vocabularies
(``museion_core.vocab``), and imports no other Museion package, so harvesters, mappings,
reconcile, store, search and sparql can share them without pointing at the application shell.
"""
