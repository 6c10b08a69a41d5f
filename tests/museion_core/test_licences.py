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
        ("http://www.europeana.eu/rights/rr-f/", "Rights Reserved – Free Access"),
        (
            "https://www.europeana.eu/rights/out-of-copyright-non-commercial/",
            "Out of copyright – non commercial re-use",
        ),
        ("http://www.europeana.eu/rights/something-new/", None),
    ],
)
def test_licence_names(iri: str, name: str | None) -> None:
    assert licence_name(iri) == name


def test_a_right_without_a_known_name_is_called_by_its_last_named_step() -> None:
    """Its last path segment was "" for an IRI ending in a slash."""
    assert right_name("http://www.deutsche-digitale-bibliothek.de/lizenzen/rv-fz/") == "rv-fz"
    assert right_name("https://creativecommons.org/licenses/by/4.0/") == "CC BY 4.0"


def test_a_right_whose_label_is_its_own_iri_is_called_by_its_name() -> None:
    """The DDB's LIDO names Europeana's rights statements by their IRI (``<term>http://www.
    europeana.eu/rights/rr-f/</term>``): an object page and a checklist showed the IRI as the
    image's rights. A label of its own is still what the right is called."""
    rr_f = "http://www.europeana.eu/rights/rr-f/"
    assert right_name(rr_f, rr_f) == "Rights Reserved – Free Access"
    assert right_name(rr_f, f" {rr_f}\n") == "Rights Reserved – Free Access"
    assert right_name(rr_f) == "Rights Reserved – Free Access"
    assert right_name(rr_f, "Alle Rechte vorbehalten") == "Alle Rechte vorbehalten"
    unknown = "http://www.deutsche-digitale-bibliothek.de/lizenzen/rv-fz/"
    assert right_name(unknown, unknown) == "rv-fz"
