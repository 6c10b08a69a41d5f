"""The digest of a IIIF Presentation manifest that the harvester attaches to a record."""

from __future__ import annotations

from typing import Any

from harvesters.iiif import MAX_IMAGES, digest_manifest


def _v3(count: int) -> dict[str, Any]:
    def canvas(n: int) -> dict[str, Any]:
        body: dict[str, Any] = {"id": f"https://i.org/{n}/full/max/0/default.jpg", "type": "Image"}
        if n % 2:
            body["service"] = [{"id": f"https://i.org/{n}", "type": "ImageService3"}]
        return {"items": [{"items": [{"type": "Annotation", "body": body}]}]}

    return {"label": {"fr": ["Vase"]}, "items": [canvas(n) for n in range(count)]}


def test_presentation_3_images_keep_their_service_and_the_label() -> None:
    digest = digest_manifest(_v3(2))
    assert digest == {
        "label": "Vase",
        "images": [
            {"url": "https://i.org/0/full/max/0/default.jpg"},
            {"url": "https://i.org/1/full/max/0/default.jpg", "service": "https://i.org/1"},
        ],
    }


def test_presentation_2_resources() -> None:
    resource = {"@id": "https://i.org/a.jpg", "service": {"@id": "https://i.org/a"}}
    manifest = {"label": "Jar", "sequences": [{"canvases": [{"images": [{"resource": resource}]}]}]}
    assert digest_manifest(manifest)["images"] == [
        {"url": "https://i.org/a.jpg", "service": "https://i.org/a"}
    ]


def test_a_manifest_without_images_or_not_an_object_says_so() -> None:
    assert digest_manifest({"items": []})["error"] == "the manifest lists no images"
    assert digest_manifest(["no"])["error"] == "the manifest is not a JSON object"
    broken = {"items": [None, {"items": "x"}, {"items": [{"items": [{"body": 3}]}]}]}
    assert digest_manifest(broken)["images"] == []


def test_a_book_of_thousands_of_pages_is_cut() -> None:
    assert len(digest_manifest(_v3(MAX_IMAGES + 50))["images"]) == MAX_IMAGES
