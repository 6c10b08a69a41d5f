"""Place names: a name and the places it lies within, so two places compare "by name within a
containing place".

Partners write one place many ways: "Málaga, España" and "Málaga, Spain"; "London, United
Kingdom" and "London (Greater London, England, United Kingdom)"; "Pittsburgh, PA",
"Pittsburgh (Allegheny county, Pennsylvania, United States)" and "USA, Pennsylvania,
Pittsburgh". A label is split into the place's own name and its containers (also read from
``crm:P89_falls_within``); countries and their first-level subdivisions are recognised by
their ISO 3166 names in any of the languages pycountry knows ("España", "Deutschland",
"Italien") and US/Canadian postal codes ("PA"), so containers compare by code, not spelling.
Two places are the same when their names are equal and they share a recognised container
with no conflicting one (another country). A place with no container is never matched by
name alone: "Hanover" may be in Germany or New Hampshire.
"""

from __future__ import annotations

import gettext
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pycountry

from museion_core import messages

from .names import fold

__all__ = ["PlaceName", "compare_places", "container_keys", "parse_place"]


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_LANGUAGES = _words(
    "de fr es it nl pt pl cs sk sl hr sr bs hu ro bg ru uk be el tr sv da nb nn fi is"
    " et lv lt ga cy ca eu gl mt sq mk ja zh_CN ko ar he fa hi id"
)
_EXTRA_COUNTRIES = {
    "usa": "US",
    "us": "US",
    "u s a": "US",
    "united states of america": "US",
    "america": "US",
    "uk": "GB",
    "u k": "GB",
    "great britain": "GB",
    "britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "holland": "NL",
    "the netherlands": "NL",
    "russia": "RU",
    "rossiya": "RU",
    "ellas": "GR",
    "hellas": "GR",
    "eire": "IE",
    "iran": "IR",
    "al lubnan": "LB",
    "al maghrib": "MA",
    "czech republic": "CZ",
    "bohemia": "CZ",
    "south korea": "KR",
    "korea": "KR",
    "vietnam": "VN",
    "syria": "SY",
    "taiwan": "TW",
    "bolivia": "BO",
    "venezuela": "VE",
    "tanzania": "TZ",
    "moldova": "MD",
    "laos": "LA",
}
_GB_NATIONS = {"england": "GB-ENG", "scotland": "GB-SCT", "wales": "GB-WLS"}
_QUALIFIER = re.compile(
    r"\s+(?:city|town|village|county|province|prefecture|region|department|district"
    r"|borough|urban district|metropolis|state|commune|oblast|kanton)$"
)


@cache
def _countries() -> dict[str, str]:
    """Folded country name (in many languages) → ISO 3166-1 alpha-2."""
    names: dict[str, str] = {}
    locales = Path(pycountry.LOCALES_DIR)
    translators: list[gettext.NullTranslations] = [gettext.NullTranslations()]
    for language in _LANGUAGES:
        if (locales / language / "LC_MESSAGES" / "iso3166-1.mo").is_file():
            translators.append(gettext.translation("iso3166-1", str(locales), languages=[language]))
    for country in pycountry.countries:
        english = [
            getattr(country, attr, None) for attr in ("name", "official_name", "common_name")
        ]
        for translator in translators:
            for name in english:
                if name:
                    names.setdefault(fold(translator.gettext(name)), country.alpha_2)
        names.setdefault(fold(country.alpha_3), country.alpha_2)
    for name, code in _EXTRA_COUNTRIES.items():
        names[name] = code
    return names


@cache
def _subdivisions() -> dict[str, set[str]]:
    """Folded first-level subdivision name (or US/CA postal code) → ISO 3166-2 codes."""
    found: dict[str, set[str]] = {}
    for sub in pycountry.subdivisions:
        if sub.parent_code is not None:
            continue
        found.setdefault(fold(sub.name), set()).add(sub.code)
        if sub.country_code in ("US", "CA"):
            found.setdefault(fold(sub.code.split("-", 1)[1]), set()).add(sub.code)
    return found


def container_keys(text: str) -> frozenset[str]:
    """What a container name is known to be: ``country:ES``, ``sub:US-PA`` (which implies
    ``country:US``), or its folded name when it is neither."""
    folded = fold(text)
    if not folded:
        return frozenset()
    bare = _QUALIFIER.sub("", folded)
    keys: set[str] = set()
    country = _countries().get(folded) or _countries().get(bare)
    if country:
        keys.add(f"country:{country}")
        if folded in _GB_NATIONS:
            keys.add(f"sub:{_GB_NATIONS[folded]}")
        return frozenset(keys)
    subs = _subdivisions().get(folded) or _subdivisions().get(bare)
    if subs and len(subs) == 1:
        (code,) = subs
        return frozenset({f"sub:{code}", f"country:{code.split('-', 1)[0]}"})
    return frozenset({f"name:{bare}"})


@dataclass(frozen=True, slots=True)
class PlaceName:
    name: str
    """The place's own name, folded."""
    containers: frozenset[str]
    """Keys of every place it is said to lie within (``container_keys``)."""

    @property
    def countries(self) -> frozenset[str]:
        return frozenset(k for k in self.containers if k.startswith("country:"))

    @property
    def subdivisions(self) -> frozenset[str]:
        return frozenset(k for k in self.containers if k.startswith("sub:"))


_US_STATE_SUFFIX = re.compile(r"^(.*\S)\s+([A-Z]{2})$")


def parse_place(label: str, within: tuple[str, ...] = ()) -> PlaceName | None:
    """A place label split into name and containers; ``within`` are the labels of the places
    ``crm:P89_falls_within`` says it lies in."""
    text = label.strip()
    if not text:
        return None
    parts: list[str]
    match = re.match(r"^([^()]+?)\s*\((.*)\)\s*(?:\([^)]*\))?$", text)
    if match:
        parts = [match.group(1), *match.group(2).split(",")]
    else:
        parts = [p for p in (p.strip() for p in text.split(",")) if p]
        if len(parts) == 1:
            state = _US_STATE_SUFFIX.match(parts[0])  # "Pittsburgh PA"
            if state and fold(state.group(2)) in _subdivisions():
                parts = [state.group(1), state.group(2)]
        # "USA, Pennsylvania, Pittsburgh": written from the largest place down
        if (
            len(parts) > 1
            and any(k.startswith("country:") for k in container_keys(parts[0]))
            and not any(k.startswith("country:") for k in container_keys(parts[-1]))
        ):
            parts = parts[::-1]
    name = fold(parts[0])
    if not name or " or " in f" {name} ":
        return None  # "Rotterdam or Delft": not one place
    keys: set[str] = set()
    for container in [*parts[1:], *within]:
        keys |= container_keys(container)
    return PlaceName(name, frozenset(keys))


def compare_places(a: PlaceName, b: PlaceName) -> tuple[bool, str]:
    """Whether two place names are one place: equal names within a shared container, and no
    container that contradicts (another country, another state of one country)."""
    if a.name != b.name:
        return False, f"names differ ({a.name} / {b.name})"
    if a.countries and b.countries and not a.countries & b.countries:
        return False, f"in different countries ({_show(a.countries)} / {_show(b.countries)})"
    subs_a, subs_b = a.subdivisions, b.subdivisions
    if subs_a and subs_b and not subs_a & subs_b:
        same_country = {s.split("-")[0] for s in subs_a} & {s.split("-")[0] for s in subs_b}
        if same_country:
            return False, f"in different regions ({_show(subs_a)} / {_show(subs_b)})"
    shared = a.containers & b.containers
    if not shared:
        return False, f"no shared containing place for {a.name!r}"
    return True, messages.MATCH_PLACE_WITHIN(name=a.name, places=_show(frozenset(shared)))


def _show(keys: frozenset[str]) -> str:
    return ", ".join(sorted(k.split(":", 1)[1] for k in keys))
