"""The pages of an upload that are not its report: the form on the partner's page, and why
an upload sent from it was refused, both in the reader's language.

The handlers (``sparql.uploads``) answer a script with a status and one line of English; a
partner using the form reads these instead, with what to do about it and a way back.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from markupsafe import Markup

from museion_core.errors import QueryError

from . import i18n, site
from .checklists.auth import ForbiddenError
from .pages import templates
from .security import MIN_BODY_RATE, BodyTooLarge, BodyTooSlowError
from .settings import EndpointSettings
from .upload_forms import (
    NoFilesError,
    NotKeptError,
    NoUploadsError,
    TokenRefusedError,
    UnauthorizedError,
    UnreadKindError,
)
from .upload_store import safe_name, sent_name


def upload_form(name: str, suffixes: tuple[str, ...], lang: str = i18n.DEFAULT) -> str:
    """The upload form on the partner's page (``/sources/NAME``), in the reader's language
    (``lang``; the report around it is English, and says so)."""

    def _(text: str) -> str:
        return escape(i18n.translate(text, lang))

    accept = ",".join(suffixes)
    return (
        f'<section id="upload" lang="{lang}" dir="{i18n.direction(lang)}">'
        f"<h2>{_('Send new files')}</h2>"
        f'<form method="post" action="{escape(site.url("/sources/"))}{escape(name)}/upload" '
        'enctype="multipart/form-data">'
        # the token first: a browser sends the fields in this order, and the token is
        # checked before any file is read (_TokenFirst)
        f"<p><label>{_('Your upload token')} "
        '<input type="password" name="token" required '
        'autocomplete="current-password"></label></p>'
        f'<p><label>{_("Files")} <span dir="ltr">({escape(", ".join(suffixes))})</span> '
        f'<input type="file" name="files" multiple required accept="{escape(accept)}"></label></p>'
        f"<p><button>{_('Upload and check')}</button></p></form>"
        f'<p class="complete"><strong>{_(_COMPLETE)}</strong></p>'
        f"<p>{_(_CHECKED)}</p></section>"
    )


_COMPLETE = (
    "Each upload must be your complete inventory: every object, not only the new or changed "
    "ones. An object missing from the files is taken as withdrawn."
)
_CHECKED = (
    "The files are checked at once: this page then shows what was published, and every record "
    "that was not, with the reason."
)


def refused_page(exc: QueryError, name: str, lang: str, settings: EndpointSettings) -> str:
    """Why the form's upload was refused, as a page in the reader's language with a way back
    to the form: what to do about it, not the status line a script reads."""

    def said(text: str, **values: str) -> Markup:
        """``text`` translated, each value isolated (a file name keeps its order in Arabic)."""
        shown = {k: Markup('<bdi dir="ltr">{}</bdi>').format(v) for k, v in values.items()}
        return Markup(escape(i18n.translate(text, lang))).format(**shown)

    hints: list[Markup] = []
    if isinstance(exc, UnauthorizedError):
        why = said("Type your upload token in the form: the network's coordinator gave it to you.")
    elif isinstance(exc, TokenRefusedError):
        why = said(
            "This token does not open uploads to {source}. Check that you typed it whole: "
            "each museum has its own token, which the network's coordinator gave you.",
            source=name,
        )
    elif isinstance(exc, ForbiddenError):
        why = said("The form was sent from another site. Open the form on this site again.")
    elif isinstance(exc, NoFilesError):
        why = said("Choose the files to send.")
    elif isinstance(exc, UnreadKindError):
        suffix = Path(safe_name(exc.file)).suffix.lower() or "?"
        why = said(
            "{file}: files ending in {suffix} are not read. "
            "This source reads {suffixes} files only.",
            file=sent_name(exc.file),
            suffix=suffix,
            suffixes=", ".join(exc.suffixes),
        )
        if suffix == ".txt" and ".tsv" in exc.suffixes:
            hints.append(
                said(
                    "A sheet that Excel saved as “Unicode Text” ({txt}) is read as it is: "
                    "rename the file so that its name ends in {tsv} ({renamed}) and send it "
                    "again.",
                    txt=".txt",
                    tsv=".tsv",
                    renamed=Path(safe_name(exc.file)).stem + ".tsv",
                )
            )
    elif isinstance(exc, BodyTooLarge):
        why = said(
            "The files are larger than this server takes in one upload ({limit} bytes).",
            limit=i18n.number(settings.max_upload_bytes, 0, lang),
        )
    elif isinstance(exc, BodyTooSlowError):
        why = said(
            "The files came too slowly: less than {rate} bytes a second. Send them again, "
            "over a faster connection if you can.",
            rate=i18n.number(MIN_BODY_RATE, 0, lang),
        )
    elif isinstance(exc, NotKeptError):
        why = said(
            "The server could not keep the files. Send them again later; if this happens "
            "again, tell the network's coordinator."
        )
    elif isinstance(exc, NoUploadsError):
        why = said(
            "{source} takes no uploads: it has no upload token. Ask the network's coordinator.",
            source=name,
        )
    else:  # a form the server could not read (too many files or fields, a broken body)
        why = said("The form could not be read. Open the form again and send the files again.")
        hints.append(Markup('<bdi lang="en" dir="ltr">{}</bdi>').format(exc.one_line()))
    return i18n.render(
        templates().get_template("upload_refused.html"),
        lang,
        site.url(f"/sources/{name}"),  # its language menu: the form, in another language
        nav="partners",
        title=settings.title,
        name=name,
        why=why,
        hints=hints,
    )
