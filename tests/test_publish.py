"""`newsdata package --out s3://...`: built here, uploaded whole, versions kept in order."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsdata.cli import main
from tests.factory import article, commit, working_repo
from tests.s3server import S3Server, s3_bucket, s3_server

pytestmark = pytest.mark.cluster
__all__ = ["s3_bucket", "s3_server"]  # the fixtures, used by name


def _package(capsys: pytest.CaptureFixture[str], version: str, out: str) -> tuple[int, str]:
    code = main(["package", "--version", version, "--out", out, "--no-cache", "--jobs", "1"])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_a_release_uploaded_to_s3_is_whole_verified_and_in_version_order(
    tmp_path: Path,
    s3_server: S3Server,
    s3_bucket: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    repo = working_repo(tmp_path / "repo", 12, monkeypatch)
    out = f"{s3_bucket}/releases"
    code, said = _package(capsys, "1.0", out)
    assert code == 0, said
    assert f"Wrote {out}/test-news-1.0.0/ and {out}/test-news-1.0.0.zip" in said
    fs = s3_server.filesystem()
    bucket = s3_bucket.removeprefix("s3://")
    uploaded = {p.rsplit("/", 1)[-1] for p in fs.find(f"{bucket}/releases/test-news-1.0.0")}
    assert {"datapackage.json", "provenance.json", "inputs.parquet", "README.md"} <= uploaded

    # What was uploaded is a whole, intact release.
    fs.get(f"{bucket}/releases/test-news-1.0.0/", str(tmp_path / "got"), recursive=True)
    assert main(["verify", str(tmp_path / "got")]) == 0
    assert "intact" in capsys.readouterr().out

    # The same version again, or an older one, is refused before anything is built.
    for again in ("1.0", "0.9"):
        code, said = _package(capsys, again, out)
        assert code == 1, said
        assert "already exists" in said or "not greater" in said
    assert not fs.exists(f"{bucket}/releases/test-news-0.9.0")

    # The next release compares with the newest at the URL, fetched for its CHANGELOG.
    (repo / "raw" / "site" / "new.txt").write_text(article(99), "utf-8")
    commit(repo, "one more")
    code, said = _package(capsys, "1.1", out)
    assert code == 0, said
    assert f"changes since {out}/test-news-1.0.0" in said
    changelog = fs.cat(f"{bucket}/releases/test-news-1.1.0/CHANGELOG.md").decode()
    assert "1.0.0" in changelog and "First release" not in changelog


def test_an_unreachable_store_is_a_clear_error(
    tmp_path: Path,
    s3_server: S3Server,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    working_repo(tmp_path / "repo", 3, monkeypatch)
    code, said = _package(capsys, "1.0", "s3://no-such-bucket-here/releases")
    assert code in (1, 2)
    assert "Traceback" not in said and "Internal error" not in said
    assert "no-such-bucket-here" in said
