"""Every code block in README.md and docs/ that a user would run is run here, as written.

The setting is the one the docs promise: a clone of newsdata (its raw/ and pyproject.toml,
committed, with the `origin/main` a clone has) after `make run`, which builds the preview release
`preview/newsdata-sample-1.0.0`. Shell blocks run line by line, Python blocks run whole, TOML
blocks are read as configuration, YAML blocks are run by the tool they configure (pre-commit)
or, for GitHub Actions steps, their `newsdata` commands are. A block no test can run says why
in an HTML comment on the line before it: `<!-- not run: reason -->`.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from newsdata.config import settings_from_table
from newsdata.release.metadata import load_metadata
from tests.conftest import ROOT, SEED
from tests.factory import commit, git

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
#: Blocks that show something rather than something to run.
SHOWN = {"text", "json", "markdown", "md"}
_FENCE = re.compile(
    r"^(?:<!-- not run: (?P<why>[^>]+) -->\n)?```(?P<lang>\w*)\n(?P<code>.*?)^```", re.S | re.M
)


@dataclass(frozen=True)
class Block:
    """A fenced code block of a doc."""

    where: str
    lang: str
    code: str
    not_run: str | None


def _blocks() -> list[Block]:
    found = []
    for doc in DOCS:
        text = doc.read_text("utf-8")
        for match in _FENCE.finditer(text):
            line = text.count("\n", 0, match.start("lang")) + 1
            where = f"{doc.relative_to(ROOT)}:{line}"
            found.append(Block(where, match["lang"], match["code"], match["why"]))
    return found


BLOCKS = _blocks()


def _of(*langs: str) -> list[Block]:
    return [b for b in BLOCKS if b.lang in langs and b.not_run is None]


def _ids(blocks: list[Block]) -> list[str]:
    return [b.where for b in blocks]


def test_every_block_is_run_or_says_why_not() -> None:
    for block in BLOCKS:
        assert block.lang, f"{block.where}: name the block's language"
        runnable = block.lang in ("sh", "python", "toml", "yaml", "gitignore")
        assert runnable or block.lang in SHOWN or block.not_run, block.where


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """newsdata's data side as a clone has it, after `make run` built the preview release."""
    root = tmp_path_factory.mktemp("clone")
    shutil.copytree(ROOT / "raw", root / "raw")
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    shutil.copy(ROOT / ".gitignore", root / ".gitignore")
    commit(root)
    git(root, "update-ref", "refs/remotes/origin/main", "HEAD")
    make_run = _make_run_commands()
    for command in make_run:
        done = _shell(command, root)
        assert done.returncode == 0, f"{command}: {done.stdout}{done.stderr}"
    return root


def _make_run_commands() -> list[str]:
    """The commands of the Makefile's `run` target that build and check the preview release."""
    makefile = (ROOT / "Makefile").read_text("utf-8")
    target = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    commands = [line.strip() for line in target.splitlines()[1:] if line.startswith("\t")]
    commands = [c for c in commands if not c.startswith("@")]
    values = {"$(BIN)/": "", "$(PREVIEW)": "preview"}
    for name, value in values.items():
        commands = [c.replace(name, value) for c in commands]
    assert any(c.startswith("newsdata package") for c in commands), commands
    return commands


def _environment() -> dict[str, str]:
    """The user's: newsdata on the PATH, and a git identity to commit with."""
    bin_dir = str(Path(sys.executable).parent)
    identity = {
        f"GIT_{who}_{what}": value
        for who in ("AUTHOR", "COMMITTER")
        for what, value in (("NAME", "t"), ("EMAIL", "t@example.org"))
    }
    return {**os.environ, **identity, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}


def _shell(command: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-c", command],
        cwd=cwd,
        env={**_environment(), **env},
        capture_output=True,
        text=True,
        check=False,
    )


def _assert_ran(command: str, done: subprocess.CompletedProcess[str]) -> None:
    """Ran as a user would see it work: a clean run or findings (0 or 1), never a usage
    error or a crash."""
    output = done.stdout + done.stderr
    assert done.returncode in (0, 1), f"{command} exited {done.returncode}:\n{output}"
    assert "Traceback" not in output and "Internal error" not in output, output


def _commands(code: str) -> list[str]:
    lines = (line.split("  #", 1)[0].strip() for line in code.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


@pytest.mark.parametrize("block", _of("sh"), ids=_ids(_of("sh")))
def test_shell_block_runs(block: Block, clone: Path) -> None:
    """The block as one script (a `cd` holds for the lines after it), each line checked."""
    script = []
    for number, command in enumerate(_commands(block.code), start=1):
        script += [
            command,
            f'rc=$?; [ $rc -le 1 ] || {{ echo "line {number}: exit $rc" >&2; exit $rc; }}',
        ]
    _assert_ran(block.code, _shell("\n".join(script), clone))


@pytest.mark.parametrize("block", _of("gitignore"), ids=_ids(_of("gitignore")))
def test_gitignore_block_is_what_init_writes(block: Block, tmp_path: Path) -> None:
    _assert_ran("newsdata init", _shell("newsdata init", tmp_path))
    written = (tmp_path / ".gitignore").read_text("utf-8").splitlines()
    assert [line for line in block.code.splitlines() if line not in written] == []


@pytest.mark.parametrize("block", _of("python"), ids=_ids(_of("python")))
def test_python_block_runs(block: Block, clone: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(clone.parent / "hf"))
    monkeypatch.chdir(clone)
    exec(compile(block.code, block.where, "exec"), {})


@pytest.mark.parametrize("block", _of("toml"), ids=_ids(_of("toml")))
def test_toml_block_is_valid_configuration(block: Block, tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(block.code, "utf-8")
    table = tomllib.loads(block.code)["tool"]["newsdata"]
    settings_from_table(table, pyproject)
    if "dataset" in table:
        load_metadata(tmp_path)


@pytest.mark.parametrize("block", _of("yaml"), ids=_ids(_of("yaml")))
def test_yaml_block_runs(block: Block, clone: Path) -> None:
    content = yaml.safe_load(block.code)
    if isinstance(content, dict) and "repos" in content:
        _run_pre_commit(block.code, clone)
        return
    assert isinstance(content, list), f"{block.where}: GitHub Actions steps expected"
    commands = [step["run"] for step in content if "newsdata" in step.get("run", "")]
    assert commands, f"{block.where}: no newsdata step"
    for command in commands:
        command = command.replace("${{ github.base_ref }}", "main")
        _assert_ran(command, _shell(command, clone, GITHUB_ACTIONS="true"))


def _run_pre_commit(config: str, clone: Path) -> None:
    """pre-commit itself, with the documented configuration, on a staged article."""
    (clone / ".pre-commit-config.yaml").write_text(config, "utf-8")
    git(clone, "add", ".pre-commit-config.yaml")
    staged = SEED.relative_to(ROOT).as_posix()
    command = f"pre-commit run --verbose --files {staged}"
    done = _shell(command, clone, PRE_COMMIT_HOME=str(clone.parent / "pre-commit"))
    _assert_ran(command, done)
    assert "newsdata validate" in done.stdout
    assert staged in done.stdout  # the hook ran newsdata on the file: its findings name it
