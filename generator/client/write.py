"""The client stage: `dist/ll2-static.js` (the JS engine, shipped in this package) and the
compact data its fallback answers from."""

from importlib import resources

from generator.client.compact import write_compact
from generator.context import BuildContext
from generator.distpaths import CLIENT_PATH


def client_source() -> bytes:
    """The JS client, shipped in the package."""
    return resources.files("generator").joinpath("client", "ll2-static.js").read_bytes()


def write_client_data(ctx: BuildContext) -> None:
    """The JS client and the compact data of every version."""
    ctx.out.write(CLIENT_PATH, client_source())
    for vindex in ctx.index.versions.values():
        write_compact(ctx, vindex)
