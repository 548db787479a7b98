"""The client stage: `dist/ll2-static.js` (the JS engine, shipped in this package) and the
compact data its fallback answers from, counted in the budget."""

from importlib import resources

from generator.client.compact import write_compact
from generator.context import BuildContext
from generator.distpaths import CLIENT_PATH
from generator.variants.budget import SiteBudget


def client_source() -> bytes:
    """The JS client, shipped in the package."""
    return resources.files("generator").joinpath("client", "ll2-static.js").read_bytes()


def write_client_data(ctx: BuildContext, budget: SiteBudget) -> None:
    """The JS client and the compact data of every version."""
    source = client_source()
    ctx.out.write(CLIENT_PATH, source)
    budget.spend(1, len(source))
    for vindex in ctx.index.versions.values():
        budget.spend(1, write_compact(ctx, vindex))
