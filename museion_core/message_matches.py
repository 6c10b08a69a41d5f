"""Museion's messages about why reconciliation took two partners' records for one entity: the
evidence of a match, the third part of the catalogue.

Each text is written once into the store (``museion:evidence`` on the reconciliation link), in
English, and a person's or place's page shows it in the reader's language, recognised again
(``sparql.i18n.message``): "birth 1881 = 1881" is "naissance 1881 = 1881" on a French page. The
partners' values in them (a name, a year, a country code) stay as written. Import
``museion_core.messages``, not this module.
"""

from __future__ import annotations

from .message_records import _message

# -- names ---------------------------------------------------------------------------------

MATCH_SAME_WORDS = _message("same words in another order ({name!r})")
MATCH_SURNAMES_EQUAL = _message("surnames equal")
MATCH_SURNAMES_SIMILAR = _message("surnames similar ({surname} / {other})")
# how the given names agree, after how the surnames do (``detail``: one of the two above)
MATCH_NO_GIVEN_NAME = _message("{detail}; one has no given name")
MATCH_INITIALS_EQUAL = _message("{detail}; initials equal ({initials})")
MATCH_FIRST_INITIAL = _message("{detail}; first given name agrees by its initial")
MATCH_GIVEN_NAMES_EQUAL = _message("{detail}; given names equal")
MATCH_GIVEN_NAMES_AGREE = _message("{detail}; given names agree ({given})")
MATCH_SAME_GROUP_NAME = _message("same name ({name!r})")

# -- lives and work (``which``: birth or death; birth place or death place) -----------------

MATCH_YEAR_EQUAL = _message("{which:s} {year:d} = {other:d}", terms=("which",))
MATCH_YEAR_WITHIN = _message("{which:s} {year:d} ≈ {other:d}", terms=("which",))
MATCH_YEAR_OFF = _message("{which:s} {year:d} ≠ {other:d}", terms=("which",))
MATCH_PLACE_OF_LIFE_AGREES = _message("{which} agrees ({place} / {other})", terms=("which",))
MATCH_PLACE_OF_LIFE_DIFFERS = _message("{which} differs ({place} / {other})", terms=("which",))
MATCH_GENDER_DIFFERS = _message("gender differs ({gender} / {other})")
MATCH_NATIONALITY = _message("nationality {nationality}")
MATCH_NATIONALITY_DIFFERS = _message("nationality differs ({nationality} / {other})")
# ``roles``: the partners' own role labels, or Museion's "maker" for one who carried out a
# production with none: a term, translated; a partner's label is shown as written.
MATCH_ROLE_SHARED = _message("both {roles}", terms=("roles",))
MATCH_ROLES = _message("roles {roles} / {other}", terms=("roles", "other"))
MATCH_WORKS_APART = _message("works dated {span} / {other}")
MATCH_PERSON_AND_GROUP = _message("a person in {source:s}, a group in {other:s}")
MATCH_GROUP_AND_PERSON = _message("a group in {source:s}, a person in {other:s}")

# -- places --------------------------------------------------------------------------------

MATCH_PLACE_WITHIN = _message("{name!r} within {places}")
MATCH_PLACE_NAME_AMBIGUOUS = _message("{name!r} names places in different regions here")

# -- decided otherwise than by the matcher -------------------------------------------------

MATCH_REVIEWED = _message("reviewed")
MATCH_REVIEWED_SAYING = _message("reviewed: {note}")
MATCH_AUTHORITY = _message("both cite {iri:s}")
