"""`dist/edge/workerd.capnp`: the config that runs `dist/_worker.js` under workerd
(Cloudflare's open-source Workers runtime, `npm install workerd`) over dist/ on loopback, as
Cloudflare Pages runs it: the upstream that answers every query nginx has no file for
(`nginx/ll2-static-upstream.conf`, docs/hosts.md).

The config names dist/ by the folder it sits in (`..`); workerd reads a disk service's path
from its working directory, so the command gives dist/ explicitly:

    workerd serve dist/edge/workerd.capnp --directory-path assets=$PWD/dist

and `--socket-addr http=127.0.0.1:PORT` moves it off its default port.
"""

WORKERD_CONFIG_PATH = "edge/workerd.capnp"
#: Where nginx's upstream include expects it unless told otherwise.
WORKERD_ADDRESS = "127.0.0.1:8788"
#: The compatibility date the worker is tested with (tests/edge_worker.py).
COMPATIBILITY_DATE = "2024-09-01"


def workerd_config() -> bytes:
    """The config: the worker (embedded from ../_worker.js), a read-only disk service over
    dist/ as its ASSETS binding, one HTTP socket."""
    return f"""# ll2-static (generated): dist/_worker.js under workerd over dist/, the upstream of
# nginx/ll2-static-upstream.conf. Run (docs/hosts.md):
#   workerd serve dist/edge/workerd.capnp --directory-path assets=$PWD/dist
using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .mainWorker),
    (name = "assets", disk = (path = "..", writable = false)),
  ],
  sockets = [ (name = "http", address = "{WORKERD_ADDRESS}", http = (), service = "main") ],
);
const mainWorker :Workerd.Worker = (
  modules = [ (name = "worker", esModule = embed "../_worker.js") ],
  compatibilityDate = "{COMPATIBILITY_DATE}",
  bindings = [ (name = "ASSETS", service = "assets") ],
);
""".encode()
