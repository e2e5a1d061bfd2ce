"""``python -m demo [--host H] [--base-port P] [--publish-every SECONDS]``: serve the demo federation."""
from __future__ import annotations

import argparse
import threading

from demo.federation import Federation
from demo.server import serve

__all__ = ["run", "main"]


def run(host: str = "127.0.0.1", base_port: int = 8701, publish_every: float | None = None,
        stop_event: threading.Event | None = None) -> None:
    """Serve until Ctrl-C (or ``stop_event``); optionally publish an item every N seconds."""
    fed = Federation()
    stop = stop_event or threading.Event()
    with serve(fed, host, base_port) as server:
        print(f"Zhanqun demo federation: {len(server.urls)} sites", flush=True)
        for site in fed.sites:
            print(f"  {site.id:<10} {server.urls[site.id]}  {site.name}", flush=True)
        first = next(iter(server.urls.values()))
        print(f"ground truth: {first}_demo/truth.json   publish: POST {first}_demo/publish?source=ID", flush=True)
        if publish_every:
            print(f"publishing a new item every {publish_every:g} s", flush=True)
        print("Ctrl-C to stop.", flush=True)
        try:
            while not stop.wait(publish_every or 3600):
                if publish_every:
                    item = fed.publish()
                    print(f"published [{item.source_id}] {item.title}  {fed.url(item.unit_id, item.path)}",
                          flush=True)
        except KeyboardInterrupt:
            print("stopping.", flush=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m demo", description="Serve the Zhanqun demo federation on loopback.")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--base-port", type=int, default=8701, help="site i listens on BASE_PORT+i (0: free ports)")
    ap.add_argument("--publish-every", type=float, default=None, metavar="SECONDS",
                    help="publish one new deterministic item every SECONDS (round-robin over sources)")
    args = ap.parse_args(argv)
    run(args.host, args.base_port, args.publish_every)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
