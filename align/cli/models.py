"""`align models install PATH|URL|fr-en` and `align models list`."""

from __future__ import annotations

import click


@click.group()
def models() -> None:
    """Install and list fr->en translation models (argos packages).

    Packages live in argostranslate's package folder ($ARGOS_PACKAGES_DIR, else
    ~/.local/share/argos-translate/packages), shared with argospm and LibreTranslate.
    """


@models.command()
@click.argument("source")
def install(source: str) -> None:
    """Install SOURCE: a local .argosmodel file, an http(s) URL, or fr-en (argos's index, online only)."""
    from align.models import install_package

    package = install_package(source)
    click.echo(
        f"installed {package.name} ({package.from_code}->{package.to_code}, "
        f"version {package.package_version or '?'}) in {package.path}"
    )


@models.command(name="list")
def list_() -> None:
    """List the installed packages: name, languages, version, folder; and the one used without --model."""
    from align.models import argos_choice, installed_packages, packages_dir

    packages = installed_packages()
    if not packages:
        click.echo(f"no argos packages in {packages_dir()}")
        return
    rows = [("NAME", "FROM->TO", "VERSION", "PATH")]
    rows += [(p.name, f"{p.from_code}->{p.to_code}", p.package_version or "?", str(p.path)) for p in packages]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    for row in rows:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[3])
    choice = argos_choice()
    if choice is not None:
        click.echo(f"without --model: {choice.name} (the fr->en package argostranslate uses)")
