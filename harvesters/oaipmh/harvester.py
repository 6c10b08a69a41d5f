"""``kind = "oaipmh"``: every record of an OAI-PMH 2.0 repository, incrementally, resumably.

The checkpoint is the harvester's whole memory between runs:

- between harvests: ``{"next_from": "2024-05-01T09:30:00Z"}`` — the repository's clock when
  the last *complete* harvest began, at the repository's granularity. The next harvest asks
  only for records changed since then (``from`` is inclusive, so nothing between the two is
  missed; a record changed while a harvest ran is simply fetched twice).
- during a harvest: ``{"from": ..., "until": ..., "started": ..., "token": ...,
  "token_expires": ...}`` — the list being read and the resumption token that fetches the page
  being yielded. A harvest that failed resumes with that token; if the token is refused
  (``badResumptionToken``) or has expired, the list restarts from the same ``from`` — the last
  checkpoint's from-date, never from zero unless the interrupted harvest itself was a first full
  one. Records may then come twice; loading a record twice changes nothing.

Records are identified by the mapping (``lidoRecID`` for LIDO), exactly as when the same records
are read from a dump file, so IRIs do not depend on how a record arrived. The OAI identifier is
kept as ``provider_id``: a deletion (``status="deleted"``) carries only that.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime
from typing import Any, ClassVar

from lxml import etree
from pydantic import ConfigDict, Field, field_validator

from museion_core import messages
from museion_core.errors import HarvestError

from ..base import (
    MAX_RETRIES,
    TIMEOUT,
    HarvesterOptions,
    MaxResponseBytes,
    MaxRetries,
    RequestDeadline,
    SourceSpec,
    Timeout,
    register,
)
from ..records import HarvestItem, RejectedRecord, SourceRecord
from ..xml import LIDO_NS, LIDO_RECORD
from .client import OaiClient
from .responses import DAY_GRANULARITY, OaiProtocolError, OaiRecord
from .salvage import BrokenRecord

__all__ = ["OaiHarvester", "OaiOptions", "at_granularity"]

DateLike = date | datetime | str


class OaiOptions(HarvesterOptions):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    metadata_prefix: str = Field(default="lido", min_length=1)
    set: str | None = Field(default=None, min_length=1)
    """Harvest only this set (``setSpec``)."""
    from_: DateLike | None = Field(default=None, alias="from")
    """Only records changed on or after this date (first harvest; later ones continue)."""
    until: DateLike | None = None
    """Only records changed on or before this date."""
    timeout: Timeout = TIMEOUT
    delay: float = Field(default=0.0, ge=0)
    """Seconds to wait between two requests."""
    max_retries: MaxRetries = MAX_RETRIES
    max_response_bytes: MaxResponseBytes = 64 * 1024 * 1024
    """A response larger than this is refused (a page of records is rarely above a few MB)."""
    request_deadline: RequestDeadline = 600.0
    harvest_deadline: float = Field(default=86400.0, gt=0)
    """Seconds a whole harvest may take; past it the source fails and the writer lock is
    released, so one repository that never ends cannot stop every later harvest."""
    record_element: str = LIDO_RECORD
    """The element inside ``<metadata>`` that is the record (``{ns}name`` or ``lido:name``);
    ``*`` takes whatever element the metadata holds."""

    @field_validator("from_", "until")
    @classmethod
    def _datestamp(cls, value: DateLike | None) -> str | None:
        if value is None:
            return None
        return to_datestamp(value)

    @field_validator("record_element")
    @classmethod
    def _clark(cls, value: str) -> str:
        value = value.strip()
        if value.startswith("lido:"):
            return f"{{{LIDO_NS}}}{value[5:]}"
        if not value:
            raise ValueError("is empty")
        return value


def to_datestamp(value: DateLike) -> str:
    """An OAI-PMH datestamp (``YYYY-MM-DD`` or ``YYYY-MM-DDThh:mm:ssZ``, UTC)."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC)
        return value.replace(tzinfo=None, microsecond=0).isoformat() + "Z"
    if isinstance(value, date):
        return value.isoformat()
    text = value.strip()
    try:
        if len(text) == 10:
            return date.fromisoformat(text).isoformat()
        return to_datestamp(datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        raise ValueError(
            f"{value!r} is not a date (YYYY-MM-DD) or UTC date-time (YYYY-MM-DDThh:mm:ssZ)"
        ) from None


def at_granularity(stamp: str, granularity: str) -> str:
    """A datestamp the repository accepts: a day-granular repository gets only the day."""
    return stamp[:10] if granularity == DAY_GRANULARITY else stamp


def _expired(expiration: str | None) -> bool:
    if not expiration:
        return False
    try:
        when = datetime.fromisoformat(expiration.strip().replace("Z", "+00:00"))
    except ValueError:
        return False
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when <= datetime.now(UTC)


@register("oaipmh", OaiOptions)
class OaiHarvester:
    kind: ClassVar[str] = "oaipmh"

    def __init__(self, spec: SourceSpec) -> None:
        assert isinstance(spec.options, OaiOptions)
        self.spec = spec
        self.options: OaiOptions = spec.options
        self.client = OaiClient(
            spec.location,
            source=spec.name,
            timeout=self.options.timeout,
            delay=self.options.delay,
            max_retries=self.options.max_retries,
            max_response_bytes=self.options.max_response_bytes,
            request_deadline=self.options.request_deadline,
            harvest_deadline=self.options.harvest_deadline,
        )
        self._state: dict[str, Any] = dict(spec.checkpoint)
        self.restarts = 0
        """How often this harvest restarted its list after a refused or expired token."""
        self.pages = 0

    # -- the Harvester protocol ----------------------------------------------------------
    @property
    def checkpoint(self) -> Mapping[str, Any]:
        return dict(self._state)

    @property
    def complete_snapshot(self) -> bool:
        return False  # deletions come as status="deleted", not as absence

    @property
    def unread(self) -> tuple[str, ...]:
        return ()

    def __iter__(self) -> Iterator[HarvestItem]:
        try:
            if self.spec.records:
                yield from self._get_records(self.spec.records)
            else:
                yield from self._harvest()
        finally:
            self.client.close()

    # -- ListRecords -----------------------------------------------------------------------
    def _harvest(self) -> Iterator[HarvestItem]:
        identity = self.client.identify()
        self._check_format()
        if self.options.set:
            self._check_set(self.options.set)
        granularity = identity.granularity
        state = self._state
        if "started" in state:  # an interrupted harvest: same list, same start
            from_ = state.get("from")
            until = state.get("until")
            started = str(state["started"])
            token = state.get("token")
            if token and _expired(state.get("token_expires")):
                token = None  # do not even try: restart the list from its from-date
                self.restarts += 1
        else:
            from_ = state.get("next_from") or self.options.from_
            until = self.options.until
            started = identity.response_date or to_datestamp(datetime.now(UTC))
            token = None
        from_ = at_granularity(str(from_), granularity) if from_ else None
        until = at_granularity(str(until), granularity) if until else None
        self._state = {"from": from_, "until": until, "started": started, "token": token}
        yield from self._list(from_, until, token)
        # Complete: the next harvest asks only for what changed since this one began (or,
        # for a bounded window, since its end).
        self._state = {"next_from": at_granularity(until or started, granularity)}

    def _list(
        self, from_: str | None, until: str | None, token: str | None
    ) -> Iterator[HarvestItem]:
        prefix = self.options.metadata_prefix
        # The tokens this list has used: one coming back means the list would never end.
        seen: set[str] = {token} if token else set()
        while True:
            try:
                page = self.client.list_records(
                    prefix, from_=from_, until=until, set_spec=self.options.set, token=token
                )
            except OaiProtocolError as exc:
                if exc.code == "noRecordsMatch" and token is None:
                    return  # nothing changed: an empty harvest, not an error
                if exc.code == "badResumptionToken" and token is not None:
                    self.restarts += 1
                    if self.restarts > max(self.options.max_retries, 1):
                        raise HarvestError(
                            messages.OAI_TOKENS_REFUSED(
                                count=self.restarts, detail=exc.message, url=exc.url
                            ),
                            source=self.spec.name,
                        ) from exc
                    token = None  # restart this list from its from-date, not from zero
                    seen.clear()
                    self._state.update(token=None, token_expires=None)
                    continue
                raise
            self.pages += 1
            for record in page.records:
                if isinstance(record, BrokenRecord):
                    # Kept with the parser's message at its line of the page.
                    yield RejectedRecord(
                        self.spec.name, page.url, record.reason, record.payload, record.identifier
                    )
                else:
                    yield self._item(record)
            if page.token is None:
                return
            self.client.check_new_token(page.token.value, seen, page.url)
            token = page.token.value
            self._state.update(token=token, token_expires=page.token.expiration)

    # -- GetRecord -------------------------------------------------------------------------
    def _get_records(self, identifiers: tuple[str, ...]) -> Iterator[HarvestItem]:
        for identifier in identifiers:
            try:
                record = self.client.get_record(identifier, self.options.metadata_prefix)
            except OaiProtocolError as exc:
                if exc.code == "idDoesNotExist":
                    raise HarvestError(
                        f"the repository has no record {identifier!r} (idDoesNotExist, {exc.url})",
                        source=self.spec.name,
                        record=identifier,
                    ) from exc
                raise
            yield self._item(record)

    # -- checks ----------------------------------------------------------------------------
    def _check_format(self) -> None:
        prefixes = [f.prefix for f in self.client.list_metadata_formats()]
        if self.options.metadata_prefix not in prefixes:
            raise HarvestError(
                messages.OAI_NO_FORMAT(
                    prefix=self.options.metadata_prefix, offered=", ".join(prefixes) or "none"
                ),
                source=self.spec.name,
            )

    def _check_set(self, spec: str) -> None:
        specs = []
        for found in self.client.list_sets():
            if found.spec == spec:
                return
            specs.append(found.spec)
        known = ", ".join(specs[:20]) + (" ..." if len(specs) > 20 else "")
        raise HarvestError(
            messages.OAI_NO_SET(set=spec, sets=known) if specs else messages.OAI_NO_SETS(set=spec),
            source=self.spec.name,
        )

    # -- records ---------------------------------------------------------------------------
    def _item(self, record: OaiRecord) -> HarvestItem:
        header = record.header
        origin = self.client.record_url(header.identifier, self.options.metadata_prefix)
        if header.deleted:
            return SourceRecord(
                source=self.spec.name,
                local_id=header.identifier,
                payload=b"",
                media_type="application/xml",
                datestamp=header.datestamp or None,
                deleted=True,
                origin=origin,
                provider_id=header.identifier,
            )
        element = self._record_element(record.metadata)
        if element is None:
            found = (
                f"<{etree.QName(record.metadata).localname}>"
                if record.metadata is not None
                else "no metadata"
            )
            payload = etree.tostring(record.metadata) if record.metadata is not None else b""
            return RejectedRecord(
                self.spec.name,
                origin,
                messages.OAI_NO_ELEMENT(wanted=self._wanted(), found=found),
                payload,
                header.identifier,
            )
        payload = etree.tostring(element, encoding="utf-8", with_tail=False)
        local_id = header.identifier
        if self.spec.identify is not None:
            try:
                local_id = self.spec.identify(element)
            except ValueError as exc:
                return RejectedRecord(self.spec.name, origin, str(exc), payload, header.identifier)
        return SourceRecord(
            source=self.spec.name,
            local_id=local_id,
            payload=payload,
            media_type="application/xml",
            datestamp=header.datestamp or None,
            origin=origin,
            provider_id=header.identifier,
        )

    def _wanted(self) -> str:
        tag = self.options.record_element
        return "lido:lido" if tag == LIDO_RECORD else tag

    def _record_element(self, metadata: etree._Element | None) -> etree._Element | None:
        if metadata is None:
            return None
        tag = self.options.record_element
        if tag in ("*", metadata.tag):
            return metadata
        return next(metadata.iter(tag), None)  # e.g. a lido:lidoWrap around one record
