"""Build mappings/data/aat.json from the Linked Art vocabulary tables, the LIDO records and
Museion's own curation (scripts/aat_curated.toml).

    python scripts/build_aat_table.py ../shared/data mappings/data/aat.json

Run by a developer when the sources change; Museion itself only reads the JSON it writes, and
the same sources always give the same file. Sources and licences: mappings/data/README.md.

- ``vocab/aat_labels.json`` (Linked Art): English labels of AAT concepts.
- ``vocab/cromulent_vocab_*.json`` (Linked Art's cromulent): concepts with the class they are
  used for, which gives their scheme (a ``Material`` is a material, an ``Occupation`` a role).
- ``lido/*.xml``: LIDO records that name AAT concepts (``conceptID``) next to the partner's
  own terms (``term``, with ``xml:lang``): German and English labels as museums write them.
- ``scripts/aat_curated.toml``: schemes for concepts the tables list without one, English
  variants, German, French and Arabic labels (and terms), labels that are no terms
  (``label``), stop phrases, and the few concepts no table has (``checked``: AAT's English
  label and the public table the number was checked in).
"""

from __future__ import annotations

import json
import re
import sys
import tomllib
from pathlib import Path

from lxml import etree

# Linked Art (cromulent) parent class → Museion vocabulary scheme.
SCHEMES = {
    "HumanMadeObject": "object_type",
    "Material": "material",
    "Nationality": "nationality",
    "Gender": "gender",
    "Dimension": "dimension",
    "MeasurementUnit": "unit",
    "Language": "language",
    "Occupation": "role",
    "Style": "style",
}
# LIDO element holding a concept → scheme (termMaterialsTech is split by its lido:type).
LIDO_SCHEMES = {
    "objectWorkType": "object_type",
    "classification": "object_type",
    "termMaterialsTech": "material",
    "roleActor": "role",
}
LIDO = "http://www.lido-schema.org"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
CURATED = Path(__file__).with_name("aat_curated.toml")


def _add_label(labels: dict[str, dict[str, str]], number: str, language: str, text: str) -> None:
    labels.setdefault(number, {}).setdefault(language, text)


def _add_term(
    terms: dict[str, dict[str, str]], scheme: str, text: str, number: str, *, chosen: bool = False
) -> None:
    """A term's concept in a scheme: the first source's, unless ``chosen`` (the curated
    file's, which says which of two concepts a partner's word means)."""
    table = terms.setdefault(scheme, {})
    key = text.strip().casefold()
    if chosen:
        table[key] = number
    else:
        table.setdefault(key, number)


def _linked_art(
    shared: Path, labels: dict[str, dict[str, str]], terms: dict[str, dict[str, str]]
) -> None:
    for key, label in json.loads((shared / "vocab" / "aat_labels.json").read_text()).items():
        _add_label(labels, key.removeprefix("aat:"), "en", label)
    for name in ("cromulent_vocab_classes.json", "cromulent_vocab_instances.json"):
        for key, entry in json.loads((shared / "vocab" / name).read_text()).items():
            number = entry["id"]
            _add_label(labels, number, "en", entry["label"])
            scheme = SCHEMES.get(entry["parent"])
            if entry.get("metatype") == "part type":
                scheme = "part_type"
            if scheme is None:
                continue
            for term in (key, entry["label"]):
                _add_term(terms, scheme, term, number)


def _language(element: etree._Element) -> str | None:
    for node in (element, *element.iterancestors()):
        value = node.get(XML_LANG)
        if value:
            return {"eng": "en", "ger": "de", "deu": "de", "fre": "fr", "fra": "fr"}.get(
                value, value
            )
    return None


def _lido(
    shared: Path, labels: dict[str, dict[str, str]], terms: dict[str, dict[str, str]]
) -> None:
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    for path in sorted((shared / "lido").glob("*.xml")):
        default = "de" if path.name.startswith("ddb_") else "en"  # DDB records are German
        tree = etree.parse(str(path), parser)
        for concept in tree.iter(f"{{{LIDO}}}conceptID"):
            found = re.search(r"vocab\.getty\.edu/(?:page/)?aat/(\d+)", concept.text or "")
            holder = concept.getparent()
            if found is None or holder is None:
                continue
            element = etree.QName(holder).localname
            scheme = LIDO_SCHEMES.get(element)
            if scheme is None:
                continue
            if (
                element == "termMaterialsTech"
                and "techn" in (holder.get(f"{{{LIDO}}}type") or "").casefold()
            ):
                scheme = "technique"
            candidates = holder.findall(f"{{{LIDO}}}term")
            preferred = [t for t in candidates if t.get(f"{{{LIDO}}}pref")]
            if preferred:  # broader terms ride along unmarked ("Nichtmetalle" beside "Papier")
                candidates = [
                    t
                    for t in preferred
                    if t.get(f"{{{LIDO}}}pref", "").endswith(("preferred", "lido00526"))
                ]
            for term in candidates:
                if term.get(f"{{{LIDO}}}addedSearchTerm") == "yes" or not (term.text or "").strip():
                    continue
                text = term.text.strip()  # type: ignore[union-attr]
                _add_label(labels, found.group(1), _language(term) or default, text)
                _add_term(terms, scheme, text, found.group(1))


def _curated(labels: dict[str, dict[str, str]], terms: dict[str, dict[str, str]]) -> list[str]:
    data = tomllib.loads(CURATED.read_text(encoding="utf-8"))
    stop: list[str] = data.pop("stop", {}).get("phrases", [])
    for number, entry in data.pop("checked", {}).items():  # where its number was checked: seen
        if not entry.get("seen"):
            raise SystemExit(f"{CURATED.name}: checked aat:{number} says not where it was seen")
        _add_label(labels, number, "en", entry["en"])
    for scheme, concepts in data.items():
        for number, names in concepts.items():
            if number not in labels:
                raise SystemExit(f"{CURATED.name}: aat:{number} is in none of the source tables")
            for language in ("en", "de", "fr", "ar"):
                for position, text in enumerate(names.get(language, [])):
                    if position == 0:  # the tables' English label, where there is one, stays
                        _add_label(labels, number, language, text)
                    _add_term(terms, scheme, text, number, chosen=True)
            # a label to show, not a term to match: French "or" (gold) is also "now", "yet"
            for language, text in names.get("label", {}).items():
                labels[number][language] = text
            _add_term(terms, scheme, labels[number]["en"], number)
    return stop


def main(shared: Path, out: Path) -> None:
    labels: dict[str, dict[str, str]] = {}
    terms: dict[str, dict[str, str]] = {}
    _linked_art(shared, labels, terms)
    _lido(shared, labels, terms)
    stop = _curated(labels, terms)
    table = {
        "labels": {n: dict(sorted(v.items())) for n, v in sorted(labels.items())},
        "terms": {k: dict(sorted(v.items())) for k, v in sorted(terms.items())},
        "stop": sorted(stop),
    }
    out.write_text(json.dumps(table, ensure_ascii=False, indent=0, sort_keys=False) + "\n")
    languages = sorted({lang for v in labels.values() for lang in v})
    print(
        f"{out}: {len(labels)} concepts, labels in {', '.join(languages)}, "
        f"{sum(map(len, terms.values()))} terms in {len(terms)} schemes"
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
