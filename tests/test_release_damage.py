"""Damaged releases (flipped bytes, truncated files, zip or folder): a finding, never a crash."""

from __future__ import annotations

import io
import shutil
import struct
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import newsdata
from newsdata.check.pipeline import RunOptions
from newsdata.cli import cli
from newsdata.dataset import open_release, release_info
from newsdata.errors import ReleaseDamagedError, ReleaseError
from newsdata.release import build_release
from newsdata.release.verify import verify_release
from tests.factory import article, data_repo

PYPROJECT = '[tool.newsdata.dataset]\nname = "newsdata-sample"\nlicense = "CC-BY-4.0"\n'
FOLDER_FILES = (
    "datapackage.json",
    "provenance.json",
    "data/articles.parquet",
    "data/articles.csv",
    "croissant.json",
)


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real release of three articles (folder and zip), built once for this module."""
    root = data_repo(tmp_path_factory.mktemp("repo"), PYPROJECT, [article(n) for n in range(3)])
    options = RunOptions(use_cache=False, jobs=1)
    return build_release("1.0", root / "dist", options=options, root=root).path


def _zip_of(release: Path) -> Path:
    return release.parent / f"{release.name}.zip"


def _entry_data(archive: bytes, name: str) -> tuple[int, int, int]:
    """Where an entry's (possibly compressed) bytes start in the zip, their length, its method."""
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        info = next(i for i in opened.infolist() if i.filename.endswith("/" + name))
    # The local header's name and extra lengths can differ from the central directory's.
    name_length, extra_length = struct.unpack("<HH", archive[info.header_offset + 26 :][:4])
    start = info.header_offset + 30 + name_length + extra_length
    return start, info.compress_size, info.compress_type


def _central_directory(archive: bytes) -> int:
    """Where the zip's central directory starts (from its end record)."""
    end = archive.rfind(b"PK\x05\x06")
    return int(struct.unpack("<I", archive[end + 16 : end + 20])[0])


def _flip(data: bytes, offset: int, mask: int = 0xFF) -> bytes:
    damaged = bytearray(data)
    damaged[offset] ^= mask
    return bytes(damaged)


def _damaged_zip(release: Path, folder: Path, damage: bytes) -> Path:
    target = folder / _zip_of(release).name
    target.write_bytes(damage)
    return target


def _damaged_folder(release: Path, folder: Path, name: str, damage: bytes) -> Path:
    target = folder / release.name
    shutil.copytree(release, target)
    (target / name).write_bytes(damage)
    return target


def _cli(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def _assert_reported(target: Path, verify_says: str) -> None:
    """verify exits 1 naming the damage; info exits 1 saying damaged; open raises ReleaseError."""
    checked = _cli("verify", str(target))
    assert checked.exit_code == 1, checked.output
    assert verify_says in checked.output
    assert "Internal error" not in checked.output
    for no_verify in ([], ["--no-verify"]):
        described = _cli("info", str(target), *no_verify)
        assert described.exit_code == 1, described.output
        assert "release is damaged" in described.output
        assert "Internal error" not in described.output
    with pytest.raises(ReleaseError, match="release is damaged"):
        newsdata.open(target)
    with pytest.raises(ReleaseError, match="release is damaged"):
        _read_unverified(target)


def _read_unverified(target: Path) -> None:
    with newsdata.open(target, verify=False) as dataset:
        release_info(dataset)
        list(dataset)


def _flipped_entry(release: Path, tmp_path: Path, name: str) -> tuple[Path, int]:
    """The release's zip with a byte flipped in the middle of an entry's data, and how the
    entry is stored."""
    archive = _zip_of(release).read_bytes()
    start, size, method = _entry_data(archive, name)
    return _damaged_zip(release, tmp_path, _flip(archive, start + size // 2)), method


def test_a_crc_flip_in_a_stored_entry(release: Path, tmp_path: Path) -> None:
    target, method = _flipped_entry(release, tmp_path, "data/articles.parquet")
    assert method == zipfile.ZIP_STORED
    _assert_reported(target, "data/articles.parquet: damaged inside the zip (Bad CRC-32")


def test_verify_checks_the_rest_of_a_zip_with_a_damaged_entry(
    release: Path, tmp_path: Path
) -> None:
    result = verify_release(_flipped_entry(release, tmp_path, "data/articles.parquet")[0])
    assert result.problems == [
        next(p for p in result.problems if p.startswith("data/articles.parquet: damaged"))
    ]
    assert {"data/articles.csv", "README.md", "CHANGELOG.md", "croissant.json"} <= set(
        result.checked
    )


def test_open_names_each_damaged_file(release: Path, tmp_path: Path) -> None:
    target, _ = _flipped_entry(release, tmp_path, "data/articles.parquet")
    with pytest.raises(ReleaseDamagedError) as caught:
        newsdata.open(target)
    assert [p.split(" (")[0] for p in caught.value.problems] == [
        "data/articles.parquet: damaged inside the zip"
    ]


def test_a_flip_in_a_deflated_entry(release: Path, tmp_path: Path) -> None:
    target, method = _flipped_entry(release, tmp_path, "datapackage.json")
    assert method == zipfile.ZIP_DEFLATED
    _assert_reported(target, "datapackage.json: damaged inside the zip")


def test_a_flip_in_a_deflated_entry_still_checks_what_provenance_lists(
    release: Path, tmp_path: Path
) -> None:
    result = verify_release(_flipped_entry(release, tmp_path, "datapackage.json")[0])
    assert "data/articles.parquet" in result.checked


def test_a_truncated_zip(release: Path, tmp_path: Path) -> None:
    archive = _zip_of(release).read_bytes()
    target = _damaged_zip(release, tmp_path, archive[: len(archive) // 2])
    _assert_reported(target, "not a readable zip archive")


def test_a_flip_in_the_central_directory(release: Path, tmp_path: Path) -> None:
    archive = _zip_of(release).read_bytes()
    target = _damaged_zip(release, tmp_path, _flip(archive, _central_directory(archive)))
    _assert_reported(target, "not a readable zip archive")


def _central_entry(archive: bytes, name: str) -> int:
    """Where the central directory's record of an entry starts."""
    at = _central_directory(archive)
    while archive[at : at + 4] == b"PK\x01\x02":
        name_length, extra_length, comment_length = struct.unpack(
            "<HHH", archive[at + 28 : at + 34]
        )
        if archive[at + 46 : at + 46 + name_length].decode().endswith("/" + name):
            return at
        at += 46 + name_length + extra_length + comment_length
    raise AssertionError(name)


@pytest.mark.parametrize(
    ("offset", "value", "verify_says"),
    [
        pytest.param(8, 0x01, "data/articles.parquet: damaged inside the zip", id="encrypted"),
        pytest.param(6, 0xFF, "not a readable zip archive", id="version-needed"),
    ],
)
def test_a_zip_entry_claiming_what_zipfile_cannot_read(
    release: Path, tmp_path: Path, offset: int, value: int, verify_says: str
) -> None:
    """zipfile raises RuntimeError or NotImplementedError for these fields, not BadZipFile."""
    archive = bytearray(_zip_of(release).read_bytes())
    archive[_central_entry(bytes(archive), "data/articles.parquet") + offset] |= value
    target = _damaged_zip(release, tmp_path, bytes(archive))
    _assert_reported(target, verify_says)


def test_a_renamed_column_in_the_parquet_footer(release: Path, tmp_path: Path) -> None:
    """Unverified, a footer that lost a column is damage, not a KeyError from pyarrow."""
    parquet = (release / "data" / "articles.parquet").read_bytes()
    assert b"word_count" in parquet
    renamed = parquet.replace(b"word_count", b"word_coung")
    target = _damaged_folder(release, tmp_path, "data/articles.parquet", renamed)
    _assert_reported(target, "data/articles.parquet: schema differs from the article schema")


def test_a_truncated_parquet_in_a_folder(release: Path, tmp_path: Path) -> None:
    parquet = (release / "data" / "articles.parquet").read_bytes()
    target = _damaged_folder(
        release, tmp_path, "data/articles.parquet", parquet[: len(parquet) // 2]
    )
    _assert_reported(target, "data/articles.parquet: not a readable Parquet file")


def test_a_garbage_datapackage_json_in_a_folder(release: Path, tmp_path: Path) -> None:
    target = _damaged_folder(release, tmp_path, "datapackage.json", b'{"name": \xff\xfe garbage')
    _assert_reported(target, "datapackage.json: unreadable")


def test_info_unverified_on_a_release_whose_provenance_lost_its_counts(
    release: Path, tmp_path: Path
) -> None:
    provenance = (release / "provenance.json").read_bytes()
    assert b'"warnings"' in provenance
    target = _damaged_folder(
        release, tmp_path, "provenance.json", provenance.replace(b'"warnings"', b'"warnin#s"')
    )
    described = _cli("info", str(target), "--no-verify")
    assert described.exit_code == 0, described.output
    assert "? warnings" in described.output
    assert _cli("info", str(target)).exit_code == 1


def test_a_missing_release_is_still_a_usage_error(tmp_path: Path) -> None:
    assert _cli("info", str(tmp_path / "nothing")).exit_code == 2
    assert _cli("verify", str(tmp_path / "nothing")).exit_code == 2


# The property: wherever a byte flips or a file ends early, only ReleaseError, never exit 2.


@st.composite
def _damages(draw: st.DrawFn, sizes: dict[str, int]) -> tuple[str, str, int, int]:
    """(file, how, offset, mask): the zip or a folder file, flipped or truncated at offset."""
    where = draw(st.sampled_from([*sizes, "zip central directory"]))
    how = draw(st.sampled_from(["flip", "truncate"]))
    low = sizes["zip central directory"] if where == "zip central directory" else 0
    size = sizes["zip"] if where == "zip central directory" else sizes[where]
    offset = draw(st.integers(low, size - 1))
    return where, how, offset, draw(st.integers(1, 255))


@pytest.fixture(scope="module")
def scratch() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as folder:
        yield Path(folder)


def test_no_damage_escapes_as_another_exception(release: Path, scratch: Path) -> None:
    archive = _zip_of(release).read_bytes()
    originals = {"zip": archive} | {n: (release / n).read_bytes() for n in FOLDER_FILES}
    sizes = {name: len(data) for name, data in originals.items()}
    sizes["zip central directory"] = _central_directory(archive)

    @settings(
        max_examples=150,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(_damages(sizes))
    def damaged_anywhere(damage: tuple[str, str, int, int]) -> None:
        where, how, offset, mask = damage
        shutil.rmtree(scratch, ignore_errors=True)
        scratch.mkdir()
        name = "zip" if where.startswith("zip") else where
        data = originals[name]
        broken = data[:offset] if how == "truncate" else _flip(data, offset, mask)
        if name == "zip":
            target = _damaged_zip(release, scratch, broken)
        else:
            target = _damaged_folder(release, scratch, name, broken)
        _assert_only_release_errors(target)

    damaged_anywhere()


def _assert_only_release_errors(target: Path) -> None:
    verify_release(target)
    for verify in (True, False):
        try:
            with open_release(target, verify=verify) as dataset:
                release_info(dataset)
                list(dataset)
        except ReleaseError:
            pass
    # Not `info --no-verify`: unverified, a flip that turns schemaVersion 1.0.0 into 9.0.0 is
    # believed, and "upgrade newsdata" is a usage error (exit 2), as it should be.
    for args in (["verify"], ["info"]):
        result = _cli(*args, str(target))
        assert result.exit_code in (0, 1), (args, result.output, result.exception)
        assert "Internal error" not in result.output
        assert "Traceback" not in result.output
