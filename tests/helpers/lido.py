"""Partner entities read straight from LIDO records, for the reconciliation gold set.

Not a LIDO mapping (that is another part of Museion): just enough to turn each ``lido:actor``
into the ``Entity`` reconciliation compares — names, vital dates, nationality, and actor ids
normalised to authority IRIs — under the source the test names. An actor's local id is its
first ``actorID`` (the Bildindex id the 1.0 and 1.1 examples share), as a label key. An actor
that a record names twice (once per language) is one entity with the names of both.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from mappings.authorities import normalise_authority, parse_authority
from mappings.iris import label_key
from reconcile import Entity

L = "{http://www.lido-schema.org}"


def _year(text: str | None) -> int | None:
    if not text:
        return None
    digits = text.strip()[:4]
    return int(digits) if digits.isdigit() else None


def lido_entities(base: str, source: str, files: list[Path]) -> dict[str, Entity]:
    entities: dict[str, Entity] = {}
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    for path in files:
        tree = etree.parse(str(path), parser)
        for actor in tree.iter(f"{L}actor"):
            ids = [
                (i.get(f"{L}source") or i.get(f"{L}type"), (i.text or "").strip())
                for i in actor.iter(f"{L}actorID")
            ]
            names = [" ".join((n.text or "").split()) for n in actor.iter(f"{L}appellationValue")]
            names = [n for n in names if n]
            if not names:
                continue
            local = label_key(ids[0][1]) if ids and ids[0][1] else "name-" + label_key(names[0])
            kind = "group" if "organ" in (actor.get(f"{L}type") or "") else "person"
            iri = f"{base}{source}/{kind}/{local}"
            entity = entities.setdefault(iri, Entity(iri, source, kind))  # type: ignore[arg-type]
            for name in names:
                if name not in entity.names:
                    entity.names.append(name)
            if not entity.labels:
                entity.labels.append((names[0], None))
            entity.sort_names = [n for n in entity.names if "," in n][:1]
            for scheme, value in ids:
                if parse_authority(value, scheme) is not None:
                    entity.equivalents.add(normalise_authority(value, scheme))
            for dates in actor.iter(f"{L}vitalDatesActor"):
                born = _year(dates.findtext(f"{L}earliestDate"))
                died = _year(dates.findtext(f"{L}latestDate"))
                if born is not None and entity.birth is None:
                    entity.birth = (born, born)
                if died is not None and entity.death is None:
                    entity.death = (died, died)
    return entities
