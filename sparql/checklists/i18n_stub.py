"""STAND-IN, until ``sparql/i18n.py`` (branch ``pages``) is merged: then delete this module
and use that one's language choice and ``_``.

The ``pages`` branch installs ``_``, ``ui_lang`` and ``ui_dir`` as Jinja globals per request.
Here ``_`` is the identity (installed once, for every template, in the HTTP worker and the
query processes alike) and ``ui(request)`` picks en/fr/ar from ``?lang=`` or the ``lang``
cookie, so checklist pages already set ``lang`` and ``dir`` on ``<html>``.
"""

from __future__ import annotations

from starlette.requests import Request

from ..pages import templates

__all__ = ["UI_LANGUAGES", "ui"]

UI_LANGUAGES = {"en": "ltr", "fr": "ltr", "ar": "rtl"}
templates().globals.setdefault("_", lambda text: text)


def ui(request: Request) -> dict[str, str]:
    lang = request.query_params.get("lang") or request.cookies.get("lang") or "en"
    lang = lang if lang in UI_LANGUAGES else "en"
    return {"ui_lang": lang, "ui_dir": UI_LANGUAGES[lang]}
