"""Arabic date words: "حوالي 1890", "1201 هـ", "القرن التاسع عشر", "أواخر القرن 19", "ق.م".

Written as ``tokens.normalise`` leaves Arabic: without tatweel, and with one alef (أ, إ and آ
are ا), so "هـ" is "ه" and "أواخر" is "اواخر". The century comes before its number
("القرن 19"), which the grammar reads as it reads "19th century".
"""

from __future__ import annotations

from .lexicon import Lexicon

_TENS = {
    "الاول": 1,
    "الثاني": 2,
    "الثالث": 3,
    "الرابع": 4,
    "الخامس": 5,
    "السادس": 6,
    "السابع": 7,
    "الثامن": 8,
    "التاسع": 9,
}
_ORDINALS = {
    **_TENS,
    "العاشر": 10,
    "الحادي عشر": 11,
    **{f"{word} عشر": n + 10 for word, n in _TENS.items() if n > 1},
    "العشرين": 20,
    "العشرون": 20,
    "الحادي والعشرين": 21,
    "الحادي والعشرون": 21,
}

ARABIC = Lexicon(
    words={
        "circa": ("حوالي", "حوالى", "نحو", "قرابة", "تقريبا", "تقريبًا"),
        "before": ("قبل",),
        "after": ("بعد", "منذ"),
        "from": ("من",),
        "between": ("بين",),
        "and": ("و",),
        "to": ("الى", "حتى"),
        "century": ("القرن", "قرن", "القرنين", "ق"),
        "undated": ("غير مؤرخ", "غير مؤرخة", "بدون تاريخ", "تاريخ غير معروف"),
        "filler": ("عام", "سنة", "في"),
    },
    parts={
        "الربيع": "spring",
        "الصيف": "summer",
        "الخريف": "autumn",
        "الشتاء": "winter",
        "اوائل": "early",
        "بداية": "early",
        "مطلع": "early",
        "منتصف": "mid",
        "اواسط": "mid",
        "اواخر": "late",
        "نهاية": "late",
        "النصف الاول من": "half-1",
        "النصف الثاني من": "half-2",
    },
    ordinals=_ORDINALS,
    eras={
        "ه": "ah",
        "هجري": "ah",
        "هجرية": "ah",
        "الهجري": "ah",
        "الهجرية": "ah",
        "للهجرة": "ah",
        "م": "ce",
        "ميلادي": "ce",
        "ميلادية": "ce",
        "الميلادي": "ce",
        "الميلادية": "ce",
        "للميلاد": "ce",
        "ق م": "bce",
        "ق.م": "bce",
        "ق.م.": "bce",
        "قبل الميلاد": "bce",
    },
)
