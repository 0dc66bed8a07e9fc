"""The `newsdata` commands that read a published release: `verify` and `info`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from newsdata.cli_options import EXIT_FINDINGS, TEXT_OR_JSON
from newsdata.report.text import plural

__all__ = ["info", "verify"]


@click.command()
@click.argument("path", type=click.Path(path_type=Path))
def verify(path: Path) -> None:
    """Check a release (folder or zip): every file's bytes and SHA-256, rows and schema."""
    from newsdata.release.verify import verify_release

    result = verify_release(path)
    for problem in result.problems:
        click.echo(f"{path}: {problem}")
    if not result.intact:
        click.echo(f"{path}: {plural(len(result.problems), 'problem')}: the release is not intact")
        sys.exit(EXIT_FINDINGS)
    click.echo(f"{path}: intact ({len(result.checked)} files checked)")


@click.command()
@click.argument("path", type=click.Path(path_type=Path))
@TEXT_OR_JSON
@click.option("--no-verify", is_flag=True, help="Do not check the hashes first.")
def info(path: Path, fmt: str, no_verify: bool) -> None:
    """Describe a release: version, counts, dates, publications, schema, provenance."""
    import json

    from newsdata.dataset import info_text, open_release, release_info
    from newsdata.errors import ReleaseDamagedError

    try:
        with open_release(path, verify=not no_verify) as dataset:
            facts = release_info(dataset)
    except ReleaseDamagedError as damage:  # a finding about the release, as `verify` says it
        click.echo(f"Error: {damage}", err=True)
        sys.exit(EXIT_FINDINGS)
    if fmt == "json":
        click.echo(json.dumps(facts, indent=2, ensure_ascii=False))
        return
    click.echo(info_text(facts))
