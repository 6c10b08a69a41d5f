"""Short names of cited licences, as their owners ask them to be cited."""

from __future__ import annotations

import pytest

from museion_core.licences import licence_name, right_name


@pytest.mark.parametrize(
    ("iri", "name"),
    [
        ("https://creativecommons.org/licenses/by-nc-sa/4.0/", "CC BY-NC-SA 4.0"),
        ("http://creativecommons.org/licenses/by/3.0/de/", "CC BY 3.0"),
        ("https://creativecommons.org/licenses/by-nd/4.0/deed.fr", "CC BY-ND 4.0"),
        ("https://creativecommons.org/publicdomain/zero/1.0/", "CC0 1.0"),
        ("https://creativecommons.org/publicdomain/mark/1.0/", "Public Domain Mark 1.0"),
        ("http://rightsstatements.org/vocab/InC/1.0/", "In Copyright"),
        ("http://rightsstatements.org/vocab/NoC-NC/1.0/", "No Copyright – Non-Commercial Use Only"),
        ("https://creativecommons.org/licenses/nonsense/4.0/", None),
        ("http://www.deutsche-digitale-bibliothek.de/lizenzen/rv-fz/", None),
    ],
)
def test_licence_names(iri: str, name: str | None) -> None:
    assert licence_name(iri) == name


def test_a_right_without_a_known_name_is_called_by_its_last_named_step() -> None:
    """Its last path segment was "" for an IRI ending in a slash."""
    assert right_name("http://www.deutsche-digitale-bibliothek.de/lizenzen/rv-fz/") == "rv-fz"
    assert right_name("https://creativecommons.org/licenses/by/4.0/") == "CC BY 4.0"
