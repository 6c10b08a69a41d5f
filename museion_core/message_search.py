"""Museion's messages about a search it cannot read: the refusals of ``search.parse_facets``
and ``search.SearchRequest`` (a facet with no value, an unknown facet, a range that is none),
and the index's own refusal of a search it cannot run.

The command line and the JSON answer of ``/search`` say them in English, as they always did;
the search page (any page) recognises the text again (``sparql.i18n.message_html``) and says
it in the reader's language, the values the reader sent as they were sent. Import
``museion_core.messages``, not this module.
"""

from __future__ import annotations

from .message_records import _message

# -- a facet (``KEY=VALUE``, the URL's ``facet``, the command line's ``--facet``) -----------

SEARCH_FACET_NOT_PAIR = _message("facet {pair!r}: write KEY=VALUE")
SEARCH_FACET_UNKNOWN = _message("unknown facet {key!r}; facets: {keys}")
SEARCH_NOT_YES_NO = _message("facet has_image: {value!r} is not yes or no")
# a range (``date``, ``longest_side_cm``); ``example`` is a whole facet: "date=1900..1950"
SEARCH_NOT_RANGE = _message("facet {key}: {value!r} is not a range (e.g. {example})")
SEARCH_RANGE_NO_BOUND = _message("facet {key}: give at least one bound ({value!r})")
SEARCH_RANGE_BACKWARDS = _message("facet {key}: {value!r} ends before it begins")
SEARCH_RANGE_BOUND_TOO_LARGE = _message("facet {key}: {value!r} has a bound too large")
SEARCH_RANGE_TOO_LARGE = _message("facet {key}: {value!r} is too large")

# -- the rest of a request -----------------------------------------------------------------

SEARCH_SORT_UNKNOWN = _message("sort {sort!r}: give one of {sorts}")
SEARCH_QUERY_TOO_LONG = _message("the query is longer than {count:d} characters")
SEARCH_LIMIT_OUTSIDE = _message("limit must be between 0 and {count:d}")
SEARCH_OFFSET_OUTSIDE = _message("offset must be between 0 and {count:d}")
SEARCH_COULD_NOT_RUN = _message("the search could not be run: {detail}")
"""The index refused the search (``detail``: SQLite's own words, which stay English)."""
SEARCH_INDEX_MISSING = _message(
    "the published snapshot has no search index ({name}); run `museion reindex` to build it"
)
SEARCH_INDEX_OUTDATED = _message(
    "the search index {name} was built by another version of Museion; "
    "run `museion reindex` to rebuild it"
)
SEARCH_NOTHING_PUBLISHED = _message("nothing is published yet; run `museion harvest` first")
"""The index cannot be read at all: nothing was published, no index was built, or an older
Museion built it (its ``SCHEMA_VERSION`` is not this one's). ``name``: the index file's name."""
