"""The spreadsheet template for partners without a collection system: one row per object,
columns that the shipped ``template`` mapping (``mappings/data/template.toml``) reads as they
are. ``COLUMNS`` is the one list both the template file and its tests are built from; the .xlsx
itself is written by ``scripts/build_sheet_template.py`` (openpyxl, a development tool) and
shipped, because Museion's own reader (calamine) only reads spreadsheets.
"""

from __future__ import annotations

from importlib import resources

__all__ = ["COLUMNS", "TEMPLATE_FILE", "template_bytes"]

TEMPLATE_FILE = "data/template.xlsx"

COLUMNS: tuple[tuple[str, str, str, str], ...] = (
    # header, note in English, in French, in Arabic
    (
        "Inventory number",
        "Required. The object's number in your inventory; unique, never reused.",
        "Obligatoire. Le numéro d'inventaire de l'objet ; unique, jamais réutilisé.",
        "إلزامي. رقم القطعة في سجل الجرد؛ فريد ولا يُعاد استخدامه.",
    ),
    (
        "Object type",
        "What the object is: painting, vase, coin, manuscript...",
        "Ce qu'est l'objet : peinture, vase, monnaie, manuscrit...",
        "ما هي القطعة: لوحة، إناء، عملة، مخطوط...",
    ),
    (
        "Title",
        "The object's title or name, in the language of the sheet.",
        "Le titre ou le nom de l'objet, dans la langue du tableau.",
        "عنوان القطعة أو اسمها بلغة الجدول.",
    ),
    (
        "Title (Arabic)",
        "The title in Arabic, if it has one.",
        "Le titre en arabe, s'il en a un.",
        "العنوان بالعربية إن وجد.",
    ),
    (
        "Maker",
        "Who made it: artist, workshop or manufacturer ('unknown' if not known).",
        "Qui l'a fait : artiste, atelier ou fabricant (« inconnu » sinon).",
        "من صنعها: فنان أو ورشة أو مصنع («مجهول» إن لم يُعرف).",
    ),
    (
        "Maker's role",
        "Optional: painter, engraver, 'after' (a copy after this artist)...",
        "Facultatif : peintre, graveur, « d'après » (copie d'après cet artiste)...",
        "اختياري: رسام، نقاش، «على طريقة» (نسخة عن هذا الفنان)...",
    ),
    (
        "Date",
        "When it was made, as you would write it: 1650, c. 1650, 18th century, 1200 AH.",
        "Quand il a été fait, comme vous l'écririez : 1650, vers 1650, XVIIIe siècle.",
        "تاريخ الصنع كما تكتبه: 1650، حوالي 1650، القرن 18، 1200 هـ.",
    ),
    (
        "Date from",
        "Optional: the earliest year it can have been made.",
        "Facultatif : la première année possible de fabrication.",
        "اختياري: أقدم سنة ممكنة للصنع.",
    ),
    (
        "Date to",
        "Optional: the latest year it can have been made.",
        "Facultatif : la dernière année possible de fabrication.",
        "اختياري: آخر سنة ممكنة للصنع.",
    ),
    (
        "Place made",
        "Where it was made: town, region or country.",
        "Où il a été fait : ville, région ou pays.",
        "مكان الصنع: مدينة أو منطقة أو بلد.",
    ),
    (
        "Materials and techniques",
        "What it is made of and how: oil on canvas, bronze, cast; wool, knotted.",
        "En quoi et comment : huile sur toile, bronze, fonte ; laine, nouée.",
        "المواد والتقنية: زيت على قماش، برونز مصبوب، صوف معقود.",
    ),
    (
        "Measurements",
        "Sizes with their units: 45 x 120 cm; H. 12 cm; Ø 3.5 cm; 1.2 kg.",
        "Dimensions avec unités : 45 x 120 cm ; H. 12 cm ; Ø 3,5 cm ; 1,2 kg.",
        "الأبعاد مع الوحدات: 45 × 120 سم؛ الارتفاع 12 سم؛ القطر 3.5 سم؛ 1.2 كغ.",
    ),
    (
        "Inscriptions and markings",
        "Signatures, dates, marks or texts on the object, copied as they are.",
        "Signatures, dates, marques ou textes sur l'objet, recopiés tels quels.",
        "التواقيع والتواريخ والعلامات والنصوص على القطعة كما هي.",
    ),
    (
        "Distinguishing features",
        "What tells it from others like it: damage, repairs, defects, marks of use.",
        "Ce qui le distingue : dommages, réparations, défauts, traces d'usage.",
        "ما يميزها عن غيرها: أضرار، ترميمات، عيوب، آثار استعمال.",
    ),
    (
        "Subject",
        "What it shows or is about: portrait, landscape, calligraphy... (separate with ;).",
        "Ce qu'il représente : portrait, paysage, calligraphie... (séparés par ;).",
        "ما تصوره أو موضوعها: صورة شخصية، منظر طبيعي، خط... (افصل بـ ;).",
    ),
    (
        "Description",
        "A short description for the public.",
        "Une courte description pour le public.",
        "وصف قصير للجمهور.",
    ),
    (
        "Credit line",
        "How the museum acknowledges the object's origin: 'Gift of ..., 1998'.",
        "La mention de provenance : « Don de ..., 1998 ».",
        "عبارة الشكر لمصدر القطعة: «هدية من ...، 1998».",
    ),
    (
        "Acquisition date",
        "When the museum acquired it (a date cell or a year).",
        "Quand le musée l'a acquis (une date ou une année).",
        "تاريخ اقتناء المتحف لها (تاريخ أو سنة).",
    ),
    (
        "Image URL",
        "The web address of a photograph of the object (needed to identify it if stolen).",
        "L'adresse web d'une photographie de l'objet (indispensable en cas de vol).",
        "رابط صورة فوتوغرافية للقطعة (ضرورية للتعرف عليها في حال السرقة).",
    ),
    (
        "Web page",
        "The object's page on your website, if it has one.",
        "La page de l'objet sur votre site, s'il y en a une.",
        "صفحة القطعة على موقعكم إن وجدت.",
    ),
    (
        "Rights",
        "The licence of the record and image: CC0, CC BY 4.0, All rights reserved.",
        "La licence de la notice et de l'image : CC0, CC BY 4.0, Tous droits réservés.",
        "ترخيص البيانات والصورة: CC0، CC BY 4.0، جميع الحقوق محفوظة.",
    ),
)


def template_bytes() -> bytes:
    """The shipped template workbook."""
    return resources.files("museion").joinpath(TEMPLATE_FILE).read_bytes()
