"""``iiif_manifest``: an object's IIIF Presentation manifest and the images it lists.

Mappings are pure, so the manifest is not fetched here: the harvester fetched it and attached
a digest to the record under ``IIIF_KEY`` (``{manifest URL: {"images": [{"url", "service"}]}}``,
see ``harvesters.iiif``). The manifest becomes a digital object the object is the subject of
(conforming to the Presentation API), and each image a visual item whose digital image is
available through its IIIF Image API service — the service is kept, so a viewer can zoom.
"""

from __future__ import annotations

from typing import Any

from pyoxigraph import NamedNode

from harvesters import IIIF_KEY
from museion_core import messages
from museion_core.vocab import CRM, DCTERMS, DIG, IIIF, LA

from ..builder import RecordBuilder
from .fields import FieldList

__all__ = ["IIIF_KEY", "emit_iiif"]


def _url(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("id") or value.get("@id")
    return value.strip() if isinstance(value, str) and value.strip() else None


def emit_iiif(b: RecordBuilder, o: NamedNode, base: str, obj: Any, fields: FieldList) -> None:
    attached = obj.get(IIIF_KEY) if isinstance(obj, dict) else None
    digests = attached if isinstance(attached, dict) else {}
    for n, value in enumerate(fields.values(obj), start=1):
        url = _url(value)
        target = b.iri(url, "IIIF manifest") if url else None
        if url is None or target is None:
            continue
        node = NamedNode(f"{base}/iiif/{n}")
        digital = NamedNode(f"{node.value}/digital")
        b.add(o, CRM.P129i_is_subject_of, node)
        b.a(node, CRM.E33_Linguistic_Object)
        b.add(node, LA.digitally_carried_by, digital)
        b.a(digital, DIG.D1_Digital_Object)
        b.add(digital, LA.access_point, target)
        b.add(digital, DCTERMS.conformsTo, IIIF.PRESENTATION_API)
        digest = digests.get(url)
        if not isinstance(digest, dict):
            b.warnings.append(messages.MANIFEST_NOT_FETCHED(url=url))
            continue
        if digest.get("error"):
            b.warnings.append(messages.MANIFEST_FAULT(url=url, detail=digest["error"]))
        for m, image in enumerate(digest.get("images") or [], start=1):
            if not isinstance(image, dict) or not _url(image.get("url")):
                continue
            item = b.image(o, NamedNode(f"{node.value}/image/{m}"), str(image["url"]))
            service = _url(image.get("service"))
            service_iri = b.iri(service, "IIIF image service") if service else None
            if item is None or service_iri is None:
                continue
            shown = NamedNode(f"{item.value}/digital")
            node_service = NamedNode(f"{shown.value}/service")
            b.add(shown, LA.digitally_available_via, node_service)
            b.a(node_service, LA.DigitalService)
            b.add(node_service, LA.access_point, service_iri)
            b.add(node_service, DCTERMS.conformsTo, IIIF.IMAGE_API)
