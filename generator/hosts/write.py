"""The host-rules stage: what the snapshot has (each filter's values, each subset's events)
and which lists have files, as the nginx include, Netlify `_redirects` and LL2's JSON 404."""

from collections.abc import Iterable

from generator.api.engine import select
from generator.api.facets import values_of
from generator.api.query import Query, normalise
from generator.api.surface import FILTERS
from generator.context import BuildContext
from generator.hosts.rules import (
    NGINX_HTTP_PATH,
    NGINX_SERVER_PATH,
    NGINX_UPSTREAM_PATH,
    NOT_FOUND,
    NOT_FOUND_PATH,
    REDIRECTS_PATH,
    RuleSet,
    netlify_redirects,
    nginx_include,
    nginx_upstream_include,
)
from generator.mirror.answers import core_list_queries


def rules_for(ctx: BuildContext, variants: Iterable[Query]) -> RuleSet:
    """Rules that know the snapshot: each planned filter's single values (any other is an empty
    list), the events of each subset (for `upcoming/{id}/`), the core lists, then the first
    page of each list variant kept (`variants`, in the order they were chosen)."""
    rules = RuleSet()
    index = ctx.index
    facets = [f for vindex in index.versions.values() for f in vindex.facets.values()]
    for row in FILTERS:
        if row.family:
            rules.snapshot_values[row.name] = {str(v) for f in facets for v in values_of(f, row.facet)}
    for version, vindex in index.versions.items():
        for subset in ("upcoming", "previous"):
            ids = select(vindex.facets.values(), normalise(version, subset, None, []), ctx.now)
            rules.members[(version, subset)] = sorted(ids)
    for vindex in index.versions.values():
        for first in core_list_queries(vindex):
            rules.add(first)
    for first in variants:
        rules.add(first)
    return rules


def write_host_rules(ctx: BuildContext, rules: RuleSet, *, netlify: bool = True) -> None:
    """Netlify `_redirects` (unless `netlify` is False), the nginx include files (files only,
    and with an upstream for the rest) and LL2's JSON 404 (for Netlify)."""
    http, server = nginx_include(rules)
    for path, body in (
        (NOT_FOUND_PATH, NOT_FOUND),
        *([(REDIRECTS_PATH, netlify_redirects(rules))] if netlify else []),
        (NGINX_HTTP_PATH, http),
        (NGINX_SERVER_PATH, server),
        (NGINX_UPSTREAM_PATH, nginx_upstream_include()),
    ):
        ctx.out.write(path, body)
