"""Which page for people an IRI gets, rendered in the reader's language.

An object (``crm:E22_Human-Made_Object``) gets the object page; a person, group or place —
reconciled or a partner's own record — the agent page; ``{base}partner/NAME`` the partner
page. Anything else (records, concepts, sets) keeps the statement tree, which every page
also offers as ``?view=rdf``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jinja2 import Environment
from pyoxigraph import NamedNode

from museion_core.vocab import CRM

from . import i18n
from .agents import agent_page, kind_of, partner_page
from .objectpage import object_page
from .readers import iri_ref, select, text_of
from .report_files import latest_report_link, partner_source

if TYPE_CHECKING:
    from .executor import Worker
    from .jobs import EntityJob

__all__ = ["people_html"]


def people_html(worker: Worker, job: EntityJob, env: Environment) -> str | None:
    """The page for people for ``job.iri``, or None when it has none (then the caller shows
    the statement tree)."""
    with i18n.using(job.lang):  # the pages' Python code words some texts too
        return _page(worker, job, env)


def _page(worker: Worker, job: EntityJob, env: Environment) -> str | None:
    base = worker.settings.base_iri
    types = {
        text_of(row["type"]).value
        for row in select(worker, f"SELECT DISTINCT ?type WHERE {{ {iri_ref(job.iri)} a ?type }}")
        if isinstance(row.get("type"), NamedNode)
    }
    common = {
        "title": worker.settings.title,
        "query": f"SELECT ?property ?value WHERE {{\n  <{job.iri}> ?property ?value\n}}",
    }
    rest = job.iri[len(base) :] if job.iri.startswith(base) else ""
    if CRM.E22_Human_Made_Object.value in types and "/part/" not in rest:
        page = object_page(worker, job.iri, job.lang)
        if page is not None:
            template = env.get_template("object.html")
            return i18n.render(template, job.lang, job.here, o=page, **common)
    if partner_source(rest) is not None:
        partner = partner_page(worker, job.iri, job.lang)
        if partner is not None:
            partner.report = latest_report_link(worker.settings.reports_dir, partner.source)
            template = env.get_template("partner.html")
            return i18n.render(template, job.lang, job.here, p=partner, nav="partners", **common)
    if kind_of(types) is not None and "/" in rest and rest.count("/") <= 2:
        agent = agent_page(worker, job.iri, types, job.lang)
        if agent is not None:
            template = env.get_template("agent.html")
            return i18n.render(template, job.lang, job.here, a=agent, **common)
    return None
