"""Build mappings/data/aat.json from the Linked Art vocabulary tables in ../shared/data/vocab.

Run by a developer when those tables change; Museion itself only reads the JSON it writes.
Sources and licences: mappings/data/README.md.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

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


def main(shared: Path, out: Path) -> None:
    labels: dict[str, str] = {}
    for key, label in json.loads((shared / "aat_labels.json").read_text()).items():
        labels[key.removeprefix("aat:")] = label
    terms: dict[str, dict[str, str]] = {scheme: {} for scheme in SCHEMES.values()}
    for name in ("cromulent_vocab_classes.json", "cromulent_vocab_instances.json"):
        for key, entry in json.loads((shared / name).read_text()).items():
            number = entry["id"]
            labels.setdefault(number, entry["label"])
            scheme = SCHEMES.get(entry["parent"])
            if scheme is None:
                continue
            for term in {key.casefold(), entry["label"].casefold()}:
                terms[scheme].setdefault(term, number)
    table = {
        "labels": dict(sorted(labels.items())),
        "terms": {k: dict(sorted(v.items())) for k, v in terms.items()},
    }
    out.write_text(json.dumps(table, ensure_ascii=False, indent=0, sort_keys=False) + "\n")
    print(f"{out}: {len(labels)} labels, {sum(map(len, terms.values()))} terms")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
