"""``pytest-glacier serve``: the double as a local HTTP server, until interrupted.

A bad command line (an unknown option, a port outside 0-65535, a host that cannot be bound,
an option combination the double refuses) exits with status 2 and one line on stderr.
"""

from __future__ import annotations

import argparse
import ipaddress
import signal
import sys
import threading
from collections.abc import Sequence
from typing import Any, NoReturn

PROG = "pytest-glacier"
#: how many of the newest calls a server keeps by default (config ``calls_kept``)
CALLS_KEPT = 100_000


class _Parser(argparse.ArgumentParser):
    """argparse, but an error is one line (``pytest-glacier: error: ...``) and status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{PROG}: error: {message} (see {PROG} --help)\n")


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pytest-glacier")
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "unknown"


def _port(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or not 0 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"a port is a number from 0 to 65535, not {text!r}")
    return int(text)


def _time_scale(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"not a positive whole number: {text!r}")
    return int(text)


def _signing_key(text: str) -> tuple[str, str, str | None]:
    key, sep, rest = text.partition(":")
    secret, _, account = rest.partition(":")
    if not sep or not key or not secret:
        raise argparse.ArgumentTypeError(
            f"a signing key is ACCESS_KEY:SECRET or ACCESS_KEY:SECRET:ACCOUNT_ID, not {text!r}"
        )
    return key, secret, account or None


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description="An Amazon S3 Glacier (vault API) double.")
    parser.add_argument("--version", action="version", version=f"{PROG} {_version()}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    serve = commands.add_parser(
        "serve",
        help="serve the double over HTTP",
        description="Serve the double over HTTP; prints the endpoint URL, runs until "
        "interrupted (SIGINT or SIGTERM). Point clients at it with AWS_ENDPOINT_URL_GLACIER.",
    )
    serve.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to bind (default 127.0.0.1; any other than loopback is warned about)",
    )
    serve.add_argument(
        "--port", type=_port, default=0, help="port, 0-65535 (default 0: a free one)"
    )
    serve.add_argument("--seed", default="0", help="seed for generated ids (default 0)")
    serve.add_argument(
        "--clock",
        choices=("frozen", "real"),
        default="frozen",
        help="frozen (default): time moves only through the admin endpoint; real: wall clock",
    )
    serve.add_argument(
        "--time-scale",
        type=_time_scale,
        default=None,
        metavar="N",
        help="with --clock real, N seconds of simulated time per second of wall time "
        "(above 0, at most 1e6)",
    )
    serve.add_argument(
        "--admin-token",
        default=None,
        metavar="TOKEN",
        help="admin requests must carry this token (header x-pytest-glacier-admin-token "
        "or Authorization: Bearer TOKEN)",
    )
    serve.add_argument(
        "--verify-signatures",
        nargs="*",
        type=_signing_key,
        default=None,
        metavar="KEY:SECRET[:ACCOUNT]",
        help="verify SigV4 signatures; with no keys, those of the double's fake credentials",
    )
    serve.add_argument(
        "--calls-kept",
        type=_positive,
        default=CALLS_KEPT,
        metavar="N",
        help=f"keep about the newest N calls (default {CALLS_KEPT:,}), so the call log of a "
        "server that runs for days stays bounded",
    )
    for service, what in (("sns", "job notifications"), ("s3", "select jobs' output")):
        serve.add_argument(
            f"--{service}-endpoint-url",
            default=None,
            metavar="URL",
            help=f"also send {what} to this endpoint (a moto server, say); docs/moto.md",
        )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return serve(args)


def _config(args: argparse.Namespace) -> dict[str, Any]:
    config: dict[str, Any] = {
        "seed": _seed(args.seed),
        "clock": args.clock,
        "calls_kept": args.calls_kept,
    }
    if args.time_scale is not None:
        config["time_scale"] = args.time_scale
    if args.admin_token is not None:
        config["admin_token"] = args.admin_token
    for key in ("sns_endpoint_url", "s3_endpoint_url"):
        if getattr(args, key) is not None:
            config[key] = getattr(args, key)
    if args.verify_signatures is not None:
        config["verify_signatures"] = {
            key: {"secret_access_key": secret, "account_id": account}
            for key, secret, account in args.verify_signatures
        } or True
    return config


def serve(args: argparse.Namespace) -> int:
    from .config import ConfigError
    from .server.server import GlacierServer
    from .simulator import InternalError

    try:
        server = GlacierServer(host=args.host, port=args.port, **_config(args))
        server.start()
    except ConfigError as error:
        return _fail(str(error))
    except (OSError, OverflowError, UnicodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        return _fail(f"cannot listen on {args.host!r} port {args.port}: {reason}")
    if not _is_loopback(args.host):
        print(
            f"{PROG}: warning: listening on {args.host}, reachable from other machines; "
            "anyone who reaches it can read and change the double's state"
            + ("" if args.admin_token else " and drive its admin endpoint (see --admin-token)"),
            file=sys.stderr,
            flush=True,
        )
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    try:
        with server:
            print(server.endpoint_url, flush=True)
            print(
                f"{PROG}: serving; admin endpoint {server.endpoint_url}/_pytest_glacier/",
                file=sys.stderr,
                flush=True,
            )
            stop.wait()
    except InternalError as error:
        print(error, file=sys.stderr)
        return 1
    return 0


def _fail(message: str) -> int:
    print(f"{PROG}: {message.splitlines()[0] if message else 'failed'}", file=sys.stderr)
    return 2


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _seed(raw: str) -> int | str:
    return int(raw) if raw.lstrip("-").isdigit() else raw
