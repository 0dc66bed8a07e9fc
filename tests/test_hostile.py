"""Hostile input: every bad file gets a diagnostic and exit 1; never a traceback or a hang."""

from __future__ import annotations

import json
import os
import random
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from newsdata.cli import cli


def _empty(folder: Path) -> None:
    (folder / "empty.txt").write_bytes(b"")


def _random_bytes(folder: Path) -> None:
    (folder / "random.txt").write_bytes(random.Random(7).randbytes(5000))


def _invalid_utf8(folder: Path) -> None:
    (folder / "latin1.txt").write_bytes("Caf\u00e9 title\n\nBody\n".encode("latin-1"))


def _huge(folder: Path) -> None:
    with (folder / "huge.txt").open("wb") as handle:
        handle.truncate(20 * 1024 * 1024)


def _nul(folder: Path) -> None:
    (folder / "nul.txt").write_bytes(b"Title\x00\n\nApril 06, 2013\n\nPub\n\nBody text.\n")


def _directory(folder: Path) -> None:
    (folder / "x.txt").mkdir()


def _symlink_loop(folder: Path) -> None:
    (folder / "a.txt").symlink_to(folder / "b.txt")
    (folder / "b.txt").symlink_to(folder / "a.txt")


def _symlink_out(folder: Path) -> None:
    outside = folder.parent / "outside.txt"
    outside.write_text("Secret\n")
    (folder / "out.txt").symlink_to(outside)


def _fifo(folder: Path) -> None:
    os.mkfifo(folder / "pipe.txt")


def _latin1_name(folder: Path) -> None:
    (folder / os.fsdecode(b"caf\xe9.txt")).write_bytes(b"Title\n\nBody.\n")


HOSTILE: list[tuple[str, Callable[[Path], None], str, str]] = [
    ("empty file", _empty, "empty.txt", "ND102"),
    ("random bytes", _random_bytes, "random.txt", "ND103"),
    ("invalid UTF-8", _invalid_utf8, "latin1.txt", "ND101"),
    ("20 MB file", _huge, "huge.txt", "ND105"),
    ("NUL bytes", _nul, "nul.txt", "ND104"),
    ("directory named x.txt", _directory, "x.txt", "ND106"),
    ("symlink loop", _symlink_loop, "a.txt", "ND107"),
    ("symlink out of the tree", _symlink_out, "out.txt", "ND107"),
    ("FIFO", _fifo, "pipe.txt", "ND106"),
    ("file name not UTF-8", _latin1_name, "caf\\xe9.txt", "ND110"),
]


@pytest.mark.timeout(20)
@pytest.mark.parametrize(("case", "make", "name", "code"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_input_is_reported(
    tmp_path: Path, case: str, make: Callable[[Path], None], name: str, code: str
) -> None:
    folder = tmp_path / "raw"
    folder.mkdir()
    make(folder)
    result = CliRunner().invoke(cli, ["validate", str(folder), "--format", "json"])
    assert result.exception is None or isinstance(result.exception, SystemExit), case
    assert result.exit_code == 1, result.output
    report = json.loads(result.output)
    found = {(Path(d["path"]).name, d["code"]) for d in report["diagnostics"]}
    assert (name, code) in found, (case, found)


def test_all_hostile_files_at_once(tmp_path: Path) -> None:
    folder = tmp_path / "raw"
    folder.mkdir()
    for _, make, _, _ in HOSTILE:
        make(folder)
    result = CliRunner().invoke(cli, ["validate", str(folder), "--format", "json"])
    assert result.exit_code == 1
    report = json.loads(result.output)
    flagged = {Path(d["path"]).name for d in report["diagnostics"]}
    assert {name for _, _, name, _ in HOSTILE} <= flagged
    assert report["summary"]["files"] >= len(HOSTILE)


def test_a_big_file_is_not_read_past_the_limit(tmp_path: Path) -> None:
    from newsdata.check.reading import read_raw

    path = tmp_path / "big.txt"
    path.write_bytes(b"a" * 5000)
    raw = read_raw(str(path), 1000)
    assert raw.data is None
    assert raw.size == 5000


@pytest.mark.skipif(not Path("/proc/self/status").is_file(), reason="needs Linux's /proc")
def test_a_file_larger_than_its_stated_size_is_read_to_its_end() -> None:
    # /proc files are regular files that state a size of 0 and hold more: the read must not
    # stop at the size stat gave.
    from newsdata.check.reading import read_raw

    raw = read_raw("/proc/self/status", 1 << 20)
    assert raw.data is not None
    assert raw.data.startswith(b"Name:")
    assert raw.data.endswith(b"\n")
    assert len(raw.data) > 100


def test_symlink_inside_the_tree_is_followed(tmp_path: Path) -> None:
    from newsdata.check.discovery import discover

    folder = tmp_path / "raw"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "real.txt").write_text("x")
    (folder / "link.txt").symlink_to(folder / "sub" / "real.txt")
    (folder / "dirlink").symlink_to(folder / "sub")
    targets = {t.file.walked: t.problem for t in discover([str(folder)])}
    assert targets == {f"{folder}/link.txt": None, f"{folder}/sub/real.txt": None}


def test_a_folder_link_out_of_the_tree_is_reported(tmp_path: Path) -> None:
    from newsdata.check.discovery import Problem, discover

    outside = tmp_path / "elsewhere"
    outside.mkdir()
    folder = tmp_path / "raw"
    folder.mkdir()
    (folder / "linked").symlink_to(outside)
    (target,) = discover([str(folder)])
    assert target.problem is Problem.SYMLINK_OUTSIDE


@pytest.mark.parametrize("fmt", ["text", "json", "github", "sarif"])
def test_a_file_name_that_is_not_utf8_is_reported_in_every_format(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    # Reports and the cache need text: the name's bad bytes are shown as \\xNN escapes, and the
    # file is simply not cached (a second run reports it again).
    folder = tmp_path / "raw"
    folder.mkdir()
    _latin1_name(folder)
    monkeypatch.setenv("NEWSDATA_CACHE_DIR", str(tmp_path / "cache"))
    for _ in range(2):
        result = CliRunner().invoke(cli, ["validate", str(folder), "--format", fmt])
        assert result.exit_code == 1, result.output
        assert "ND110" in result.output
        if fmt in ("json", "sarif"):
            text = json.dumps(json.loads(result.output))  # valid JSON, escapes and all
            assert "caf" in text and "xe9.txt" in text
        else:
            assert "caf\\xe9.txt" in result.output


@given(st.binary(max_size=200))
def test_control_bytes_are_found_as_defined(data: bytes) -> None:
    # C0 controls other than tab, line feed and carriage return, and DEL (rule ND104).
    from newsdata.check.reading import RawFile

    defined = any((byte < 32 and byte not in b"\t\n\r") or byte == 127 for byte in data)
    assert RawFile(size=len(data), data=data).has_control_bytes is defined
