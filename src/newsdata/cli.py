"""The `newsdata` command: thin click wrappers over the library."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import click

from newsdata import __version__
from newsdata.errors import NewsdataError

__all__ = ["EXIT_CLEAN", "EXIT_FINDINGS", "EXIT_USAGE", "cli", "main"]

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2

_FORMATS = ("text", "json", "github")


class _Group(click.Group):
    """Maps the library's errors to a one-line message and exit code 2."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except NewsdataError as error:
            click.echo(f"Error: {error}", err=True)
            ctx.exit(EXIT_USAGE)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="newsdata")
def cli() -> None:
    """Check, release and read news-article datasets kept as plain-text files."""


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(_FORMATS),
    default="text",
    show_default=True,
    help="Report format: grouped text, the JSON contract, or GitHub annotations.",
)
@click.option(
    "--select",
    multiple=True,
    metavar="CODES",
    help="Only these rule codes or prefixes (comma-separated; replaces the config).",
)
@click.option(
    "--ignore",
    multiple=True,
    metavar="CODES",
    help="Skip these rule codes or prefixes (comma-separated; adds to the config).",
)
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option(
    "--max-file-size",
    metavar="SIZE",
    help="Largest file to read, e.g. 2MiB (default from config, else 2 MiB).",
)
def validate(
    paths: Sequence[str],
    fmt: str,
    select: Sequence[str],
    ignore: Sequence[str],
    strict: bool,
    max_file_size: str | None,
) -> None:
    """Check article files and folders (recursively, *.txt) against every rule."""
    from dataclasses import replace

    from newsdata.config import load_settings, parse_size
    from newsdata.engine import validate as run
    from newsdata.report import render

    settings = load_settings().with_cli(select=select, ignore=ignore)
    if max_file_size is not None:
        settings = replace(settings, max_file_size=parse_size(max_file_size, "--max-file-size"))
    report = run(paths, settings)
    color = fmt == "text" and sys.stdout.isatty()
    click.echo(render(report, fmt, strict=strict, color=color), nl=False)
    sys.exit(EXIT_FINDINGS if report.failed(strict=strict) else EXIT_CLEAN)


@cli.command()
@click.option("--check", is_flag=True, help="Exit 1 if the files differ from the model.")
@click.option(
    "--dir",
    "directory",
    type=click.Path(path_type=Path),
    default=Path("schema"),
    show_default=True,
    help="The schema folder.",
)
def schema(check: bool, directory: Path) -> None:
    """Write (or --check) schema/ from the Article model."""
    from newsdata.schema import check_schema_dir, write_schema_dir

    if check:
        drifted = check_schema_dir(directory)
        for name in drifted:
            click.echo(f"{directory / name}: differs from the model (run `newsdata schema`)")
        if drifted:
            sys.exit(EXIT_FINDINGS)
        click.echo(f"{directory}: up to date")
        return
    changed = write_schema_dir(directory)
    click.echo(
        f"{directory}: {len(changed)} file(s) written"
        + (f" ({', '.join(changed)})" if changed else "")
    )


@cli.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("text", "json")),
    default="text",
    show_default=True,
    help="Output format.",
)
def rules(fmt: str) -> None:
    """List every rule: code, name, default severity and summary."""
    import json

    from newsdata.rules import all_rules

    rows = [
        {
            "code": r.code,
            "name": r.name,
            "severity": r.severity.value,
            "summary": (r.__doc__ or "").strip().splitlines()[0],
        }
        for r in all_rules()
    ]
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        click.echo(f"{row['code']}  {row['severity']:<7}  {row['name']:<32} {row['summary']}")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the exit code instead of raising SystemExit."""
    try:
        cli.main(
            args=list(argv) if argv is not None else None,
            prog_name="newsdata",
            standalone_mode=True,
        )
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else EXIT_USAGE
    return EXIT_CLEAN
