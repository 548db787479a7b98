"""The stages a build runs once its snapshot has validated, each at its home, loaded on first
use (PEP 562): a build that finds dist/ up to date never loads pydantic, the models or Jinja,
and `load_all` loads them while a forked process validates half of the snapshot."""

import importlib
from typing import TYPE_CHECKING, Any

#: name -> the module that is its home.
HOMES = {
    "StagedOutput": "generator.output.staging",
    "Shares": "generator.output.parallel",
    "ManifestWriter": "generator.mirror.manifest",
    "MANIFEST_PATH": "generator.mirror.manifest",
    "Limits": "generator.variants.budget",
    "SiteBudget": "generator.variants.budget",
    "validate_snapshot": "generator.load.validate",
    "RecordSource": "generator.load.records",
    "write_json_mirror": "generator.mirror.answers",
    "Tally": "generator.mirror.answers",
    "write_open_data": "generator.opendata.stage",
    "write_site": "generator.site.pages",
    "write_client_data": "generator.client.stage",
    "variant_costs": "generator.variants.precompute",
    "merge_costs": "generator.variants.precompute",
    "choose_variants": "generator.variants.precompute",
    "write_variants": "generator.variants.precompute",
    "COST_CHUNKS": "generator.variants.precompute",
    "CostReuse": "generator.variants.reuse",
    "load_basis": "generator.variants.reuse",
    "save_basis": "generator.variants.reuse",
    "write_edge": "generator.client.edge",
    "rules_for": "generator.hosts.stage",
    "write_host_rules": "generator.hosts.stage",
}

if TYPE_CHECKING:
    from generator.client.edge import write_edge as write_edge
    from generator.client.stage import write_client_data as write_client_data
    from generator.hosts.stage import rules_for as rules_for
    from generator.hosts.stage import write_host_rules as write_host_rules
    from generator.load.records import RecordSource as RecordSource
    from generator.load.validate import validate_snapshot as validate_snapshot
    from generator.mirror.answers import Tally as Tally
    from generator.mirror.answers import write_json_mirror as write_json_mirror
    from generator.mirror.manifest import MANIFEST_PATH as MANIFEST_PATH
    from generator.mirror.manifest import ManifestWriter as ManifestWriter
    from generator.opendata.stage import write_open_data as write_open_data
    from generator.output.parallel import Shares as Shares
    from generator.output.staging import StagedOutput as StagedOutput
    from generator.site.pages import write_site as write_site
    from generator.variants.budget import Limits as Limits
    from generator.variants.budget import SiteBudget as SiteBudget
    from generator.variants.precompute import COST_CHUNKS as COST_CHUNKS
    from generator.variants.precompute import choose_variants as choose_variants
    from generator.variants.precompute import merge_costs as merge_costs
    from generator.variants.precompute import variant_costs as variant_costs
    from generator.variants.precompute import write_variants as write_variants
    from generator.variants.reuse import CostReuse as CostReuse
    from generator.variants.reuse import load_basis as load_basis
    from generator.variants.reuse import save_basis as save_basis


def load_all() -> None:
    """Import every stage's module now (while another process is busy)."""
    for module in sorted(set(HOMES.values())):
        importlib.import_module(module)


def __getattr__(name: str) -> Any:
    if name in HOMES:
        return getattr(importlib.import_module(HOMES[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
