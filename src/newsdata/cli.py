"""The `newsdata` command: thin click wrappers over the library."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

import click

from newsdata import __version__
from newsdata.cli_options import (
    COLOR,
    EXIT_CLEAN,
    EXIT_FINDINGS,
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    TEXT_OR_JSON,
    executor_options,
    jobs_option,
)
from newsdata.cli_release import info, verify
from newsdata.errors import NewsdataError
from newsdata.progress import progress_bar
from newsdata.report import FORMATS
from newsdata.report.text import plural, use_color

__all__ = ["EXIT_CLEAN", "EXIT_FINDINGS", "EXIT_INTERRUPTED", "EXIT_USAGE", "cli", "main"]


class _Group(click.Group):
    """Maps the library's errors to a one-line message and exit code 2."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except NewsdataError as error:
            click.echo(f"Error: {error}", err=True)
            ctx.exit(EXIT_USAGE)
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            ctx.exit(EXIT_INTERRUPTED)
        except BrokenPipeError:
            # The reader went away (`newsdata rules | head`): stop quietly, as Unix tools do.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            ctx.exit(EXIT_FINDINGS)
        except OSError as error:
            click.echo(f"Error: {error}", err=True)
            ctx.exit(EXIT_USAGE)
        except Exception as error:  # the CLI's last line of defence: a bug, never bad data
            if os.environ.get("NEWSDATA_DEBUG"):
                raise
            click.echo(
                f"Internal error: {type(error).__name__}: {error} "
                "(please report it; set NEWSDATA_DEBUG=1 for the traceback)",
                err=True,
            )
            ctx.exit(EXIT_USAGE)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="newsdata")
def cli() -> None:
    """Check, release and read news-article datasets kept as plain-text files."""


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(tuple(FORMATS)),
    default=None,
    help="Report format [default: github under GitHub Actions, else text].",
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
@click.option(
    "--changed-since",
    metavar="REF",
    help="Only files added, modified or renamed since this git ref (under PATHS, "
    "default the corpus); corpus-wide checks still compare with every file.",
)
@jobs_option("Worker processes [default: all cores].")
@executor_options
@click.option(
    "--cache-dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Cache folder [default: $NEWSDATA_CACHE_DIR, else .newsdata_cache/ in the "
    "data repository's root].",
)
@click.option("--no-cache", is_flag=True, help="Neither read nor write the cache.")
@click.option(
    "--statistics",
    is_flag=True,
    help="Count each rule's findings instead of listing them (text or json).",
)
@click.option(
    "--errors-only",
    is_flag=True,
    help="List errors only (text); warnings are still counted, and fail under --strict.",
)
@COLOR
def validate(
    paths: Sequence[str],
    fmt: str | None,
    select: Sequence[str],
    ignore: Sequence[str],
    strict: bool,
    max_file_size: str | None,
    changed_since: str | None,
    jobs: int | None,
    executor: str | None,
    cluster: str | None,
    cache_dir: Path | None,
    no_cache: bool,
    statistics: bool,
    errors_only: bool,
    color: str,
) -> None:
    """Check article files and folders (recursively, *.txt) against every rule."""
    from newsdata.git import one_look
    from newsdata.root import find_root

    root = find_root(Path.cwd())
    # The working tree's status, asked once (the files changed, the stored index, the last
    # verdict), and started first: git works on it while the rest is imported and walked.
    with one_look(status_of=root):
        from newsdata.changes import changed_paths
        from newsdata.check.pipeline import RunOptions
        from newsdata.check.pipeline import validate as run
        from newsdata.config import load_settings
        from newsdata.errors import UsageError
        from newsdata.report import ReportOutput

        try:
            output = ReportOutput.chosen(fmt, color, strict, statistics, errors_only)
        except UsageError as error:  # shown with the command's usage line, as click's own are
            raise click.UsageError(str(error)) from None
        settings = load_settings().with_cli(
            select=select,
            ignore=ignore,
            max_file_size=max_file_size,
            executor=executor,
            cluster=cluster,
        )
        if changed_since is not None:
            paths = changed_paths(changed_since, paths, root / settings.raw)
        elif not paths:
            raise click.UsageError("give at least one PATH (or --changed-since REF)")
        progress = progress_bar()
        options = RunOptions(jobs, not no_cache, cache_dir, root, progress)
        report = run(paths, settings, options)
    for note in report.notes:
        click.echo(f"warning: {note}", err=True)
    click.echo(output.render(report), nl=False, color=output.color)
    sys.exit(EXIT_FINDINGS if report.failed(strict=strict) else EXIT_CLEAN)


@cli.command()
@click.option(
    "--version",
    "version",
    required=True,
    metavar="VERSION",
    help="Semantic version of the release (1.0 means 1.0.0).",
)
@click.option(
    "--out",
    default=None,
    help="Output folder, or an object-storage URL such as s3://bucket/releases (built "
    "here, then uploaded) [default: dist/ in the data repository's root].",
)
@jobs_option("Worker processes for validation [default: all cores].")
@executor_options
@click.option("--no-cache", is_flag=True, help="Validate without the cache.")
@click.option(
    "--previous",
    type=click.Path(path_type=Path),
    default=None,
    help="The release this one follows (folder, zip or datapackage.json), for CHANGELOG.md "
    "and the version order [default: the newest in --out].",
)
@click.option(
    "--allow-dirty",
    is_flag=True,
    help="Release even if the corpus, pyproject.toml or a registry file is not committed.",
)
@click.option("--no-zip", is_flag=True, help="Write the folder alone, no zip (large releases).")
@COLOR
def package(
    version: str,
    out: str | None,
    jobs: int | None,
    executor: str | None,
    cluster: str | None,
    no_cache: bool,
    previous: Path | None,
    allow_dirty: bool,
    no_zip: bool,
    color: str,
) -> None:
    """Validate the corpus, then write an immutable, reproducible release (and its zip)."""
    from newsdata.check.pipeline import RunOptions
    from newsdata.config import load_settings
    from newsdata.errors import ReleaseRefusedError, ValidationFailedError
    from newsdata.release.manifest import CHANGELOG
    from newsdata.release.publish import package_release
    from newsdata.report import render

    options = RunOptions(jobs=jobs, use_cache=not no_cache, progress=progress_bar())
    try:
        published = package_release(
            version,
            out,
            load_settings().with_cli(executor=executor, cluster=cluster),
            options,
            previous=previous,
            allow_dirty=allow_dirty,
            on_wait=_say_waiting,
            zip=not no_zip,
        )
    except ValidationFailedError as failure:
        colored = use_color(color)
        report = failure.report.with_paths_relative_to(Path.cwd())
        click.echo(render(report, "text", color=colored), nl=False, color=colored)
        click.echo(f"Error: {failure}", err=True)
        sys.exit(EXIT_FINDINGS)
    except ReleaseRefusedError as refusal:
        click.echo(f"Error: {refusal}", err=True)
        sys.exit(EXIT_FINDINGS)
    release = published.release
    for note in release.notes:
        click.echo(f"warning: {note}", err=True)
    zipped = f" and {_shown(published.zip)}" if published.zip else ""
    click.echo(
        f"Wrote {_shown(published.folder)}/{zipped}: {plural(release.articles, 'article')}, "
        f"{plural(release.warnings, 'validation warning')}."
    )
    if published.previous is not None:
        click.echo(f"{CHANGELOG.name}: changes since {_shown(published.previous)}.")


def _shown(where: str) -> str:
    """A local path relative to the working folder; a URL as it is."""
    return where if "://" in where else os.path.relpath(where)


def _say_waiting(lock: Path) -> None:
    click.echo(
        f"Waiting for another release into {os.path.relpath(lock.parent)}/ to finish...", err=True
    )


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
        f"{directory}: {plural(len(changed), 'file')} written"
        + (f" ({', '.join(changed)})" if changed else "")
    )


@cli.command()
@click.argument("code", required=False)
@TEXT_OR_JSON
def rules(code: str | None, fmt: str) -> None:
    """List every rule (code, severity, name, summary), plugins' included, or explain one:
    `newsdata rules ND601`."""
    import json

    from newsdata.config import load_settings
    from newsdata.docgen import rule_explanation, rule_listing, rule_row
    from newsdata.rules import rule_table

    table = rule_table(load_settings().plugins)  # newsdata's, and the plugins'
    chosen = list(table.by_code.values())
    if code is not None:
        rule = table.by_code.get(code.upper())
        if rule is None:
            raise click.UsageError(f"no rule {code!r} (see `newsdata rules`)")
        chosen = [rule]
    rows = [rule_row(r) for r in chosen]
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2))
    else:
        click.echo(rule_explanation(rows[0]) if code is not None else rule_listing(rows), nl=False)


@cli.command()
@click.argument("path", type=click.Path(path_type=Path), default=Path())
@click.option("--name", default=None, help="The dataset's name [default: from the folder's].")
def init(path: Path, name: str | None) -> None:
    """Start a data repository: pyproject.toml tables, a .gitignore and raw/ (never overwrites)."""
    from newsdata.scaffold import init_repository

    for step in init_repository(path, name):
        detail = f" ({step.detail})" if step.detail else ""
        shown = os.path.relpath(step.path) + ("/" if step.path.is_dir() else "")
        click.echo(f"{step.action.capitalize()} {shown}{detail}")
    click.echo(
        "Next: add articles under raw/, `newsdata validate raw/`, commit, then "
        "`newsdata package --version 1.0`."
    )


cli.add_command(verify)
cli.add_command(info)


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
