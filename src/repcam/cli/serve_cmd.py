"""`repcam serve`: the web app for a physiotherapist, on this computer (or a clinic's network,
with a token)."""

from __future__ import annotations

import ipaddress
import secrets
import socket
from pathlib import Path
from typing import Annotated

import typer

from repcam.cli.console import console, provision_model
from repcam.cli.options import DbOption, ModelOption
from repcam.errors import InputError
from repcam.io.models.catalog import DEFAULT_VARIANT

LOOPBACK = "127.0.0.1"


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


def serve(
    host: Annotated[str, typer.Option(
        help="The address to listen on. Anything but this computer's own (127.0.0.1) needs "
        "the access token: one is made and printed unless --token gives it.")] = LOOPBACK,
    port: Annotated[int, typer.Option(help="0 picks a free port.", min=0, max=65535)] = 8000,
    token: Annotated[str | None, typer.Option(
        help="The access token every page and API call must carry (default: none on "
        "127.0.0.1, a new one on any other address).", show_default=False)] = None,
    data: Annotated[Path | None, typer.Option(
        "--data", metavar="DIR", help="Where uploads, reports and videos are kept (default: "
        "'serve' in your user data folder).", show_default=False)] = None,
    max_upload_mb: Annotated[int, typer.Option(
        help="The largest video one upload may be, in MB.", min=1)] = 2000,
    model: ModelOption = DEFAULT_VARIANT,
    db: DbOption = None,
) -> None:
    """A web app over the session log: people, progress, reports; analyse videos from the
    browser. Nothing leaves this computer."""
    import platformdirs
    import uvicorn

    from repcam.apps.serve.app import ServeConfig, create_app

    token = access_token(host, token)
    if token is not None and len(token) < 8:
        raise InputError("--token must be at least 8 characters.")
    provision_model(model)  # a missing model is said now, not at the first upload
    data_dir = (data or Path(platformdirs.user_data_dir("repcam")) / "serve").resolve()
    config = ServeConfig(data_dir, db, model, max_upload_mb * 1_000_000, token)
    listener = _listen(host, port)
    address = f"http://{_shown(host)}:{listener.getsockname()[1]}/"
    console.print(f"repcam serve on {address}" + (f"?token={token}" if token else ""),
                  highlight=False, soft_wrap=True)
    console.print(f"Uploads and reports are kept in {data_dir}. Ctrl-C stops it.",
                  highlight=False, soft_wrap=True)
    server = uvicorn.Server(uvicorn.Config(create_app(config), log_level="warning",
                                           timeout_graceful_shutdown=2, lifespan="off"))
    server.run(sockets=[listener])


def access_token(host: str, given: str | None) -> str | None:
    """The token asked for: the one given; else none on this computer's own address and a
    new one on any other (a clinic's network)."""
    if given is not None or _is_loopback(host):
        return given
    return secrets.token_urlsafe(18)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _listen(host: str, port: int) -> socket.socket:
    """The listening socket, opened here so a taken port is one sentence, and port 0 is
    known before the address is printed."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind((host, port))
    except OSError as error:
        listener.close()
        raise InputError(f"Cannot listen on {host}:{port} ({error.strerror}).",
                         hint="Another program may use that port: pass --port with another "
                         "(or 0 for any free one).") from None
    listener.listen(64)
    return listener


def _shown(host: str) -> str:
    return f"[{host}]" if ":" in host else host
