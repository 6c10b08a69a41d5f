"""How the pipeline calls the stages with what the configuration says.

publish/ and reconcile/ never read ``museion.toml`` (ARCHITECTURE §9): the shell turns its
validated configuration into the few settings each stage takes, here.
"""

from __future__ import annotations

import hashlib

from publish import Partner, SourceSettings, Workspace, meta_graph
from reconcile import ReconcileReport, reconcile
from store import Store

from .config import Config, SourceConfig

__all__ = ["RECONCILIATION_REGISTRY", "publishing", "reconcile_store", "reconciliation_due"]

RECONCILIATION_REGISTRY = "reconciliation.sqlite"
"""The aggregate id registry, in the data directory (reconcile.registry)."""


def publishing(source: SourceConfig) -> SourceSettings:
    """What the writing stage (publish/) needs of a configured source."""
    partner = source.partner
    return SourceSettings(
        name=source.name,
        mapping=source.mapping,
        mapping_name=source.mapping_name,
        partner=Partner(
            partner.label, partner.language, partner.homepage, tuple(partner.equivalent)
        ),
        language=source.language,
    )


def reconcile_store(
    config: Config,
    workspace: Workspace,
    store: Store,
    *,
    force: bool = False,
    only_if: bool = False,
) -> ReconcileReport | None:
    """Aggregate entities for the same person, group or place across partners; part of
    every publish whose runs changed what the partners say about persons, groups, places
    or terms (or when the reconciliation settings or overrides changed), after the runs
    are applied and before the snapshot is taken. ``only_if``: only if the settings or
    overrides changed since the last time. None: reconciliation did not run."""
    settings = config.reconciliation
    if not (settings.enabled or force):
        return None
    key = _reconciled_key(config)
    if only_if and workspace.state().get("reconciled") == key:
        return None
    report = reconcile(
        store,
        config.base_iri,
        [source.name for source in config.sources],
        workspace.data_dir / RECONCILIATION_REGISTRY,
        settings.settings,
        settings.overrides,
        meta_graph(config.base_iri).value,
    )
    workspace.save_state(reconciled=key)
    return report


def reconciliation_due(config: Config, workspace: Workspace) -> bool:
    """Whether the next publish reconciles though no run changed what partners say of
    persons, groups, places or terms: the reconciliation settings or overrides changed."""
    return config.reconciliation.enabled and workspace.state().get("reconciled") != _reconciled_key(
        config
    )


def _reconciled_key(config: Config) -> str:
    """What reconciliation was last done with (kept in ``state.json`` as ``reconciled``)."""
    settings = config.reconciliation
    return hashlib.sha256(
        repr(
            (
                settings.settings,
                settings.overrides,
                sorted(s.name for s in config.sources),
                config.base_iri,
            )
        ).encode()
    ).hexdigest()
