"""IIIF Presentation manifests named in a record: fetched at harvest time, digested, attached.

Mappings are pure, so the harvester fetches the manifest a record names and attaches a small
digest of it to the record's payload under ``IIIF_KEY``: ``{manifest URL: {"label": ...,
"images": [{"url": image URL, "service": IIIF Image API service}]}}``. The payload stays the
record as harvested, so a remap reads exactly what the harvest saw. Presentation 3
(``items``/``body``) and 2 (``sequences``/``resource``) manifests are both read. A manifest that
cannot be fetched or read does not lose the record: its digest carries the reason instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from museion_core.errors import HarvestError

from .webjson import JsonFetcher

__all__ = ["IIIF_KEY", "MAX_IMAGES", "digest_manifest", "fetch_digest"]

IIIF_KEY = "museion:iiif"
MAX_IMAGES = 200
"""Images kept from one manifest (a book can have thousands of pages; the object needs a few)."""


def _id(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("id") or value.get("@id")
    return value if isinstance(value, str) and value else None


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _label(manifest: dict[str, Any]) -> str | None:
    label = manifest.get("label")
    if isinstance(label, str):
        return label
    if isinstance(label, dict):  # Presentation 3: {"en": ["..."]}
        for texts in label.values():
            if isinstance(texts, list) and texts and isinstance(texts[0], str):
                return texts[0]
    return None


def digest_manifest(manifest: Any) -> dict[str, Any]:
    """The label and the images (with their image services) of a manifest."""
    if not isinstance(manifest, dict):
        return {"error": "the manifest is not a JSON object", "images": []}
    images: list[dict[str, str]] = []

    def add(resource: Any) -> None:
        url = _id(resource)
        if url and len(images) < MAX_IMAGES:
            entry = {"url": url}
            service = _id(resource.get("service")) if isinstance(resource, dict) else None
            if service:
                entry["service"] = service
            images.append(entry)

    for resource in _image_resources(manifest):
        add(resource)
    digest: dict[str, Any] = {"images": images}
    label = _label(manifest)
    if label:
        digest["label"] = label
    if not images:
        digest["error"] = "the manifest lists no images"
    return digest


def _image_resources(manifest: dict[str, Any]) -> Iterator[Any]:
    """The image resources of a manifest, Presentation 3's then Presentation 2's, in order."""
    for canvas in _list(manifest.get("items")):  # Presentation 3
        for page in _list(canvas.get("items") if isinstance(canvas, dict) else None):
            for annotation in _list(page.get("items") if isinstance(page, dict) else None):
                bodies = annotation.get("body") if isinstance(annotation, dict) else None
                for body in _list(bodies):
                    if isinstance(body, dict) and body.get("type", "Image") == "Image":
                        yield body
    for sequence in _list(manifest.get("sequences")):  # Presentation 2
        for canvas in _list(sequence.get("canvases") if isinstance(sequence, dict) else None):
            for image in _list(canvas.get("images") if isinstance(canvas, dict) else None):
                if isinstance(image, dict):
                    yield image.get("resource")


def fetch_digest(fetcher: JsonFetcher, url: str) -> dict[str, Any]:
    try:
        manifest, _ = fetcher.get(url)
    except HarvestError as exc:
        return {"error": exc.cause, "images": []}
    return digest_manifest(manifest)
