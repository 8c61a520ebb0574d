"""``pytest-glacier serve``: the double as a local HTTP server, until interrupted."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence
from typing import Any


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pytest-glacier", description="An Amazon S3 Glacier (vault API) double."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser(
        "serve",
        help="serve the double over HTTP",
        description="Serve the double over HTTP; prints the endpoint URL, runs until "
        "interrupted (SIGINT or SIGTERM). Point clients at it with AWS_ENDPOINT_URL_GLACIER.",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=0, help="port (default 0: a free one)")
    serve.add_argument("--seed", default="0", help="seed for generated ids (default 0)")
    serve.add_argument(
        "--clock",
        choices=("frozen", "real"),
        default="frozen",
        help="frozen (default): time moves only through the admin endpoint; real: wall clock",
    )
    serve.add_argument(
        "--time-scale",
        type=float,
        default=None,
        metavar="N",
        help="with --clock real, N seconds of simulated time per second of wall time",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return serve(args)


def serve(args: argparse.Namespace) -> int:
    from .config import ConfigError
    from .doors.server import GlacierServer
    from .simulator import InternalError

    config: dict[str, Any] = {"seed": _seed(args.seed), "clock": args.clock}
    if args.time_scale is not None:
        config["time_scale"] = args.time_scale
    try:
        server = GlacierServer(host=args.host, port=args.port, **config)
    except ConfigError as error:
        print(f"pytest-glacier: {error}", file=sys.stderr)
        return 2
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    try:
        with server:
            print(server.endpoint_url, flush=True)
            print(
                f"pytest-glacier: serving; admin endpoint {server.endpoint_url}/_pytest_glacier/",
                file=sys.stderr,
                flush=True,
            )
            stop.wait()
    except InternalError as error:
        print(error, file=sys.stderr)
        return 1
    return 0


def _seed(raw: str) -> int | str:
    return int(raw) if raw.lstrip("-").isdigit() else raw
