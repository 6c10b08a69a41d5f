"""Museion's messages about harvests and runs: the second half of the catalogue.

The English templates for a harvest that fails (a feed missing, a server's fault, a limit
reached), for records leaving the store and for the gates that hold a run. Its messages join
the registry of ``message_records`` after that module's own, so ``MESSAGES`` keeps one order.
Import ``museion_core.messages``, not this module.
"""

from __future__ import annotations

from .message_records import _message

# -- a harvest that fails (a partner's page says it, sparql.report_page.harvest_failure) -------

FEED_MISSING = _message("{location} does not exist")
NO_FILE_MATCHES = _message("no file matches {location}")
NO_RDF_FILE = _message("no RDF file in {location}")
DIRECTORY_EMPTY = _message(
    "the directory {location} holds no .json, .jsonl, .csv, .tsv, .xml, .xlsx, .xls or .ods file"
)
CANNOT_FETCH = _message("cannot fetch {location}: {detail}")
CANNOT_FETCH_RETRIED = _message("cannot fetch {url:s} (after {retries:d} retries): {detail}")
HTTP_STATUS = _message("{url:s} answered HTTP {status:d} {reason}")
HTTP_STATUS_RETRIED = _message(
    "{url:s} answered HTTP {status:d} {reason} (after {retries:d} retries)"
)
HTTP_STATUS_RETRIES_SPENT = _message("{url:s} answered HTTP {status:d} {reason} (retries spent)")
HTTP_STATUS_ONLY = _message("{url:s} answered HTTP {status:d}")
OAI_NO_FORMAT = _message(
    "the repository does not offer metadataPrefix {prefix!r}; it offers {offered}"
)
OAI_NO_SET = _message("the repository has no set {set!r}; its sets are {sets}")
OAI_NO_SETS = _message("the repository has no set {set!r} (it has no sets)")
OAI_ERROR = _message("the repository answered OAI-PMH error {code:s} ({url:s})")
OAI_ERROR_SAYING = _message("the repository answered OAI-PMH error {code:s}: {detail} ({url:s})")
OAI_TOKEN_TOO_LONG = _message(
    "the repository sent a resumption token of {size:d} characters ({token!r}), more than the "
    "{limit:d} a request can carry back; stopped ({url:s})"
)
OAI_TOKEN_AGAIN = _message(
    "the repository sent resumption token {token!r} again after {pages:d} page(s) of this "
    "list: following it would never end; stopped ({url:s})"
)
NOT_OAI_PMH = _message("{url:s}: not an OAI-PMH response (its root element is <{root}>)")
OAI_NOT_XML = _message("{url:s} did not answer with XML that can be read: {reason}")
OAI_NOT_XML_ENCODING = _message(
    "{url:s} did not answer with XML that can be read: {reason} (the bytes are not valid in the "
    "page's encoding: UTF-8, as OAI-PMH requires, unless the XML declaration names another)"
)
OAI_RECORD_NOT_XML = _message(
    "the record is not well-formed XML: {detail} in its page; the page's other records were read"
)
OAI_RECORD_NOT_XML_ENCODING = _message(
    "the record is not well-formed XML: {detail} in its page (its bytes are not valid in the "
    "page's encoding: UTF-8, as OAI-PMH requires, unless the XML declaration names another); "
    "the page's other records were read"
)
OAI_NO_VERB = _message("{url:s}: the OAI-PMH response has no <{verb:s}>")
OAI_GETRECORD_EMPTY = _message("GetRecord answered without a <record> ({url:s})")
OAI_RECORD_NO_HEADER = _message("{url:s}: a <record> has no <header>")
OAI_HEADER_NO_IDENTIFIER = _message("{url:s}: a record header has no <identifier>")
CHANGES_NOT_COLLECTION = _message(
    "{url:s}: not an Activity Streams OrderedCollection (no `last` page)"
)
CHANGES_PAGE_NO_ITEMS = _message("{url:s}: the page has no orderedItems list")
SPARQL_SOURCE_FAILED = _message("SPARQL endpoint {url:s}: {reason}")
SPARQL_NO_ANSWER = _message("no answer after {count:d} tries: {detail}")
SPARQL_ANSWER_TOO_LARGE = _message("an answer is larger than max_response_bytes ({limit:d})")
SPARQL_SELECT_NOT_JSON = _message("the answer to a SELECT is not SPARQL results JSON ({detail})")
SPARQL_SELECT_NO_BINDINGS = _message("the answer to a SELECT has no list of bindings")
SPARQL_CONSTRUCT_UNREADABLE = _message("the answer to a CONSTRUCT is not {format:s}: {detail}")
READ_FAILED = _message(
    "cannot fetch {url:s}: the connection failed while reading the answer, {count:d} time(s): "
    "{detail}"
)
REQUEST_DEADLINE = _message(
    "{url:s}: the answer took more than {seconds:s} s in all (request_deadline), however "
    "slowly its bytes came; stopped"
)
HARVEST_DEADLINE = _message(
    "the harvest ran over its deadline of {seconds:s} s (harvest_deadline) after {requests:d} "
    "request(s); stopped at {url:s}"
)
RESPONSE_TOO_LARGE = _message(
    "{url:s}: the response is {size:d} bytes, more than the limit of {limit:d} "
    "(max_response_bytes); refused"
)
RESPONSE_OVER_LIMIT = _message(
    "{url:s}: the response is more than the limit of {limit:d} bytes (max_response_bytes); refused"
)
API_LOOP = _message("{url:s}: the API pages in a loop")
INTERNAL_ADDRESS = _message(
    "{url:s} is on the harvesting server's own network (loopback, private or link-local), "
    "where a feed may not send it; refused"
)
API_TOO_MANY_PAGES = _message(
    "{url:s}: the API has more than max_pages ({limit:d}) pages; nothing was withdrawn, "
    "since what lies beyond them was not read: raise max_pages for this source"
)
API_NO_ITEMS = _message(
    "{url:s}: the page holds no list of items under {keys}; set `items` to its path"
)
API_ITEMS_NOT_LIST = _message("{url:s}: `{path}` is not a list of items")
AUTH_ENV_MISSING = _message("the environment variable {name:s} (auth_env) is not set or empty")
NO_ANSWER = _message("{url:s}: no answer ({detail})")
ANSWER_TOO_LARGE = _message("{url:s}: the answer is larger than max_response_bytes ({limit:d})")
ANSWER_TOO_DEEP = _message("{url:s}: the answer nests deeper than max_depth ({limit:d})")
ANSWER_NOT_JSON = _message("{url:s} is not JSON: {detail}")
OAI_TOKENS_REFUSED = _message(
    "the repository refused resumption tokens {count:d} times; last: {detail} ({url:s})"
)

# a map worker that died (killed, out of memory): what becomes of the run, by its kind
MAP_WORKER_DIED = _message(
    "a map worker process died (killed, or out of memory) mapping a batch of this source; "
    "nothing of its unfinished batches was staged, and the next harvest resumes after the last "
    "staged batch"
)
MAP_WORKER_DIED_UPLOAD = _message(
    "a map worker process died (killed, or out of memory) mapping a batch of this upload; "
    "nothing of it was published and its run was discarded: an upload is not resumed, send it "
    "again"
)
MAP_WORKER_DIED_REMAP = _message(
    "a map worker process died (killed, or out of memory) mapping a batch of this remap; "
    "nothing of it was published and the data online is unchanged: run the remap again"
)

# an upload whose run the network's store (or its disk) failed: the partner's files are not
# to blame, and what the store said (its address, its error) is the operator's, in the log
UPLOAD_NOT_WRITTEN = _message(
    "this upload could not be written into the network's store, through no fault of your "
    "files: send them again later; if this happens again, tell the network's coordinator"
)

# an upload whose run the server itself failed to start, or to finish (sparql.uploads): its
# partner is told what to do; the exception or exit code is the operator's, in its log.txt
UPLOAD_RUN_NOT_STARTED = _message(
    "the check of this upload could not be started on the server, through no fault of your "
    "files: send them again later; if this happens again, tell the network's coordinator"
)
UPLOAD_RUN_STOPPED = _message(
    "the check of this upload stopped before it ended: send your files again; if it stops "
    "again, tell the network's coordinator, who will find why in the server's log"
)
UPLOAD_SERVER_BUSY = _message(
    "the server was busy with other work for too long, and the check of this upload could not "
    "start, through no fault of your files: send them again later; if this happens again, tell "
    "the network's coordinator"
)
UPLOAD_RUN_TOO_LONG = _message(
    "the check of this upload took more than {hours:s} hours and was stopped: tell the "
    "network's coordinator, who will find why in the server's log"
)
# an upload whose run the server's own set-up stopped (its configuration, a data directory
# it cannot use): sending again does not help until the coordinator mends it; what failed
# (a file, a key, a path) is the operator's, in the upload's log.txt
UPLOAD_SERVER_FAILED = _message(
    "the server could not check this upload, through no fault of your files: tell the "
    "network's coordinator, who will find why in the server's log, and send your files again "
    "once it is put right"
)

# a harvest the network's store (or the data directory's disk) failed, while its run was
# written or published: its partner's page says it failed, and this is why (sparql's
# failure banner); the store's own words (its address, a path) are the operator's, printed
HARVEST_NOT_WRITTEN = _message(
    "the network's store failed while this harvest was written or published, through no fault "
    "of your feed: the network's coordinator will find why in the server's log"
)

# -- records leaving the store, and runs -----------------------------------------------------

DELETED_BY_PARTNER = _message("deleted by the partner")
NO_LONGER_IN_FEED = _message("no longer in the feed")
WITHDRAWALS_HELD = _message(
    "nothing was withdrawn: {parts:s} could not be read at all, so the records it holds are not "
    "known; they keep their published version"
)
SUPERSEDED = _message("the partner's record {provider:s} now has the id {local_id:s}")
GATE_RECORDS_GONE = _message(
    "{gone:d} of the {before:d} records of {source} are no longer in the feed ({share:s}), more "
    "than the {limit:s} allowed (gates.max_record_drop), while {new:d} new ones came in: were "
    "the ids changed?"
)
GATE_RECORD_DROP = _message(
    "the run would shrink {source} from {before:d} to {after:d} records (-{drop:s}), more than the "
    "{limit:s} allowed (gates.max_record_drop)"
)
GATE_QUARANTINED = _message(
    "{rejected:d} of {read:d} records ({share:s}) were quarantined, more than the {limit:s} "
    "allowed (gates.max_quarantined)"
)
GATE_FIELD_LOSS = _message(
    "{lost:d} of the {had:d} records that filled {field!r} fill it no more ({share:s}), "
    "more than the {limit:s} allowed (gates.max_field_loss): was the column renamed or left "
    "out of the export?"
)
# the gates' reasons for one record (the ones above stay: stored reports say "1 of 5 ... were")
GATE_RECORD_GONE = _message(
    "1 record of {source} is no longer in the feed ({share:s} of the {before:d} it held), more "
    "than the {limit:s} allowed (gates.max_record_drop), while {new:d} new ones came in: was its "
    "id changed?"
)
GATE_RECORD_GONE_ONE_NEW = _message(
    "1 record of {source} is no longer in the feed ({share:s} of the {before:d} it held), more "
    "than the {limit:s} allowed (gates.max_record_drop), while 1 new one came in: was its id "
    "changed?"
)
GATE_RECORDS_GONE_ONE_NEW = _message(
    "{gone:d} of the {before:d} records of {source} are no longer in the feed ({share:s}), more "
    "than the {limit:s} allowed (gates.max_record_drop), while 1 new one came in: were the ids "
    "changed?"
)
GATE_RECORD_DROP_TO_ONE = _message(
    "the run would shrink {source} from {before:d} records to 1 (-{drop:s}), more than the "
    "{limit:s} allowed (gates.max_record_drop)"
)
GATE_QUARANTINED_ONE = _message(
    "1 record of {read:d} ({share:s}) was quarantined, more than the {limit:s} allowed "
    "(gates.max_quarantined)"
)
# a run of which nothing could be read (its only file a PDF, empty, undecodable): whatever
# share of the source that is, publishing it would say "published" of nothing
GATE_NOTHING_READ = _message(
    "nothing in this run could be read: every file or record it holds was quarantined (each is "
    "listed with its reason), so there is nothing to publish"
)
PUBLISHED_BY_FORCE = _message("published with --force although: {reason}")
NOTHING_TO_REMAP = _message(
    "nothing to remap: no record of this source is stored (none was published, or every one "
    "was withdrawn); nothing was mapped or published"
)
