"""The leaf package every Museion package may import: what all stages must agree on.

It imports no other Museion package, so harvesters, mappings, reconcile, store, search and
sparql can share it without pointing at the application shell. Its public modules (each with
its own ``__all__``; import them directly, e.g. ``from museion_core.vocab import CRM``):

- ``errors``: the exception tree (``MuseionError`` and its kinds).
- ``vocab``: the closed vocabularies (CIDOC-CRM, Linked Art, CRMdig, AAT, Museion's own terms).
- ``prefixes``: namespace prefixes built from ``vocab``, and ``curie``/``ref`` to write SPARQL
  text from vocabulary terms.
- ``settings``: ``StrictModel`` and ``load_toml_model`` (TOML → pydantic → one-line
  ``ConfigError``).
- ``instants``: ``instant_year``, the year of an ``xsd:dateTime`` Museion wrote.
- ``language``: BCP 47 tags (``language_tag``) and the settings validator ``valid_language``.
- ``messages``: what Museion tells a partner (quarantine reasons, warnings, gates) as a closed
  vocabulary of English templates, recognised again for a page in the reader's language.
- ``deadline``: ``Deadline``, a total time limit on HTTP exchanges however slowly their bytes
  come (harvesters' feeds, the remote store), and the ``WatchedAdapter`` whose connections it
  can cut.
- ``parallel``: ``usable_cpus``, and ``gathered``: producers (Oxigraph queries) in threads,
  their output handed to one consumer.
- ``malloc``: ``release_free_memory``, glibc's ``malloc_trim`` (what a stage freed given back
  to the system: the search build after each query, the shell between a harvest's steps).
"""

PUBLIC_MODULES = (
    "deadline",
    "errors",
    "instants",
    "language",
    "licences",
    "malloc",
    "messages",
    "parallel",
    "prefixes",
    "settings",
    "vocab",
)
"""The modules other packages may import past this ``__init__`` (the boundary test reads it)."""

__all__ = ["PUBLIC_MODULES"]
