"""Corpora in object storage: `newsdata validate s3://bucket/prefix/` against a real
S3-compatible server on 127.0.0.1 (moto's, through s3fs), and what needs no server."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from newsdata.check.cache import listing_key
from newsdata.check.engine import Validator, check_batch
from newsdata.check.pipeline import RunOptions, validate
from newsdata.cli import cli
from newsdata.config import Settings
from newsdata.storage import Listed, is_url, local_path
from newsdata.storage.fetch import fetch_objects, fetched
from newsdata.storage.listing import list_objects
from tests.conftest import TODAY
from tests.factory import article
from tests.s3server import CREDENTIALS, S3Server, s3_bucket, s3_server

__all__ = ["s3_bucket", "s3_server"]  # the fixtures, used by name

SETTINGS = Settings(today=TODAY)
cluster = pytest.mark.cluster


@pytest.mark.parametrize(
    ("path", "url"),
    [
        ("s3://bucket/raw/", True),
        ("gs://bucket/raw", True),
        ("memory://corpus/", True),
        ("S3://bucket/x.txt", True),
        ("file:///tmp/raw", False),
        ("raw/site/a.txt", False),
        ("/abs/raw", False),
        ("C://windows/raw", False),  # a drive letter is no scheme
        ("weird:name.txt", False),
    ],
)
def test_what_is_a_url(path: str, url: bool) -> None:
    assert is_url(path) is url


@pytest.mark.parametrize(
    ("given", "local"),
    [
        ("file:///tmp/raw", "/tmp/raw"),
        ("file://localhost/tmp/a%20b.txt", "/tmp/a b.txt"),
        ("raw/site", "raw/site"),
        ("s3://bucket/raw", "s3://bucket/raw"),
    ],
)
def test_a_file_url_is_a_local_path(given: str, local: str) -> None:
    assert local_path(given) == local


def test_the_listing_key_changes_with_the_etag_or_version_and_none_without_them() -> None:
    key = listing_key(Listed(10, "abc"))
    assert key is not None and key[0] == 10 and 0 < key[1] < 2**63 and key[2:] == (0, 0)
    assert listing_key(Listed(10, "abd")) != key
    assert listing_key(Listed(10, "abc", "v2")) != key
    assert listing_key(Listed(10)) is None


def _corpus(folder: Path) -> dict[str, bytes]:
    """A corpus with findings of several kinds (in nested folders), by relative key."""
    texts = {f"site/{n:03}.txt": article(n).encode() for n in range(300)}
    texts["site/copy.txt"] = article(7).encode()  # a duplicate (ND901, ND902)
    texts["other/blank.txt"] = b"\n\n"
    texts["other/no-title.txt"] = article(400).encode().split(b"\n\n", 1)[1]
    texts["other/latin1.txt"] = article(401).encode().replace(b"Story", b"Caf\xe9")
    texts["site/notes.md"] = b"not an article"
    for key, data in texts.items():
        (folder / key).parent.mkdir(parents=True, exist_ok=True)
        (folder / key).write_bytes(data)
    return texts


def _upload(server: S3Server, bucket: str, texts: dict[str, bytes], prefix: str = "raw") -> str:
    """The texts put under `prefix` in the bucket (an `s3://` URL); the prefix's URL."""
    server.filesystem().pipe({f"{bucket}/{prefix}/{k}": v for k, v in texts.items()})
    return f"{bucket}/{prefix}/"


def _validate(*args: str) -> Result:
    return CliRunner().invoke(cli, ["validate", *args])


def _command(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`newsdata` in a fresh process: its fsspec reads the endpoint from the environment, and
    its worker processes are its own (a fork server started earlier in this session would
    hold an older environment)."""
    code = "import sys\nfrom newsdata.cli import main\nsys.exit(main(sys.argv[1:]))"
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=False, env=env
    )


@cluster
def test_validate_over_s3_finds_what_it_finds_on_local_disk(
    s3_server: S3Server, s3_bucket: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    texts = _corpus(tmp_path / "corpus")
    url = _upload(s3_server, s3_bucket, texts)
    local = _command("validate", "corpus/", "--format", "json", "-j", "2", "--no-cache")
    remote = _command("validate", url, "--format", "json", "-j", "2", "--no-cache")
    assert (remote.returncode, local.returncode) == (1, 1), remote.stderr
    codes = {d["code"] for d in json.loads(local.stdout)["diagnostics"]}
    assert {"ND901", "ND902", "ND201"} <= codes
    assert remote.stdout == local.stdout.replace("corpus/", url)
    assert CREDENTIALS["AWS_SECRET_ACCESS_KEY"] not in remote.stdout + remote.stderr


@cluster
def test_a_file_url_is_walked_as_the_local_path(tmp_path: Path) -> None:
    _corpus(tmp_path / "corpus")
    by_path = validate([str(tmp_path / "corpus")], SETTINGS, RunOptions(use_cache=False))
    by_url = validate([f"file://{tmp_path}/corpus"], SETTINGS, RunOptions(use_cache=False))
    assert by_url == by_path


@cluster
def test_listing_sorts_by_key_keeps_articles_and_names_each_by_its_url(
    s3_server: S3Server, s3_bucket: str
) -> None:
    texts = {"b/2.txt": b"two", "a.txt": b"one", "b/1.txt": b"", "b/x[1].txt": b"x", "c.md": b"c"}
    url = _upload(s3_server, s3_bucket, texts)
    targets = list_objects(url)
    walked = [t.file.walked for t in targets]
    assert walked == [f"{url}{k}" for k in ("a.txt", "b/1.txt", "b/2.txt", "b/x[1].txt")]
    assert all(t.file.identity == t.file.shown == t.file.walked for t in targets)
    first = targets[0].listed
    assert first is not None and first.size == 3 and first.etag is not None
    assert '"' not in first.etag
    raws = fetch_objects([(t.file.walked, t.listed) for t in targets if t.listed], 1024)
    assert [r.data for r in raws] == [b"one", b"", b"two", b"x"]


@cluster
def test_a_pickled_target_holds_no_credential(s3_server: S3Server, s3_bucket: str) -> None:
    url = _upload(s3_server, s3_bucket, {"a.txt": article(1).encode()})
    pickled = pickle.dumps(list_objects(url))
    assert len(pickled) < 400
    for secret in (CREDENTIALS["AWS_SECRET_ACCESS_KEY"], CREDENTIALS["AWS_ACCESS_KEY_ID"]):
        assert secret.encode() not in pickled


@cluster
@pytest.mark.parametrize("new", [b"TWO", b"longer than before"], ids=["same-size", "resized"])
def test_an_object_rewritten_after_listing_is_refused(
    s3_server: S3Server, s3_bucket: str, new: bytes
) -> None:
    url = _upload(s3_server, s3_bucket, {"1.txt": b"one", "2.txt": b"two"})
    targets = list_objects(url)
    s3_server.filesystem().pipe(f"{url}2.txt", new)
    validator = Validator(SETTINGS)
    first, second = check_batch(validator, targets, signatures=False)
    assert not any(d.code == "ND108" for d in first.findings)
    (refused,) = [d for d in second.findings if d.code == "ND108"]
    assert "changed since it was listed" in refused.message
    assert refused.message.endswith("run again")
    assert refused.path == targets[1].file.shown


@cluster
def test_an_object_deleted_after_listing_is_unreadable(s3_server: S3Server, s3_bucket: str) -> None:
    url = _upload(s3_server, s3_bucket, {"1.txt": b"one"})
    targets = list_objects(url)
    s3_server.filesystem().rm(f"{url}1.txt")
    (raw,) = fetch_objects([(t.file.walked, t.listed) for t in targets if t.listed], 1024)
    assert raw.data is None and raw.read_error is not None and "deleted" in raw.read_error


@cluster
def test_a_multipart_object_is_checked_by_its_etag_asked_again(
    s3_server: S3Server, s3_bucket: str
) -> None:
    fs = s3_server.filesystem()
    data = bytes(range(256)) * (6 * 4096)  # 6 MiB, uploaded in parts
    with fs.open(f"{s3_bucket}/big.txt", "wb", block_size=5 * 2**20) as out:
        out.write(data)
    (target,) = list_objects(f"{s3_bucket}/big.txt")
    assert target.listed is not None and target.listed.etag is not None
    assert "-" in target.listed.etag  # a multipart ETag: not an MD5 of the bytes
    objects = [(target.file.walked, target.listed)]
    (raw,) = fetch_objects(objects, 8 * 2**20)
    assert raw.data == data
    fs.pipe(f"{s3_bucket}/big.txt", data[::-1])  # same size, another ETag
    (raw,) = fetch_objects(objects, 8 * 2**20)
    assert raw.data is None and raw.read_error is not None and "ETag" in raw.read_error


@cluster
def test_an_object_over_the_size_limit_is_not_fetched(s3_server: S3Server, s3_bucket: str) -> None:
    url = _upload(s3_server, s3_bucket, {"big.txt": b"x" * 4096, "small.txt": b"s"})
    targets = list_objects(url)
    before = fetched.count
    big, small = fetch_objects([(t.file.walked, t.listed) for t in targets if t.listed], 1024)
    assert fetched.count - before == 1
    assert (big.size, big.data, big.read_error) == (4096, None, None)
    assert small.data == b"s"
    result = _validate(url, "--max-file-size", "1KiB", "--no-cache", "-j", "1")
    assert "ND105" in result.stdout and "4,096 bytes" in result.stdout


@cluster
def test_a_missing_bucket_is_a_clear_error(s3_server: S3Server) -> None:
    result = _validate("s3://no-such-bucket-here/raw/")
    assert result.exit_code == 2
    assert result.stderr == "Error: no such bucket or location: s3://no-such-bucket-here/raw/\n"


@cluster
def test_a_prefix_listing_nothing_is_noted_as_an_empty_folder(
    s3_server: S3Server, s3_bucket: str
) -> None:
    _upload(s3_server, s3_bucket, {"a.txt": article(1).encode()})
    result = _validate(f"s3://{s3_bucket}/nothing/", "--no-cache")
    assert result.exit_code == 0
    assert f"warning: no article file (*.txt) under s3://{s3_bucket}/nothing/" in result.stderr


@cluster
def test_a_second_run_fetches_no_unchanged_object(
    s3_server: S3Server, s3_bucket: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    texts = {f"site/{n}.txt": article(n).encode() for n in range(20)}
    texts["site/copy.txt"] = texts["site/3.txt"]
    url = _upload(s3_server, s3_bucket, texts)
    counts, outputs = [], []
    for rewrite in (None, None, "site/5.txt"):
        if rewrite is not None:
            s3_server.filesystem().pipe(f"{url}{rewrite}", article(99).encode())
        before = fetched.count
        result = _validate(url, "--format", "json", "-j", "1")
        counts.append(fetched.count - before)
        outputs.append(result.stdout)
    assert counts == [21, 0, 1]
    assert outputs[1] == outputs[0]
    assert '"ND901"' in outputs[1]


@cluster
def test_objects_without_an_etag_are_fetched_every_run() -> None:
    import fsspec

    memory = fsspec.filesystem("memory")
    memory.pipe({"/newsdata-test/a.txt": article(1).encode(), "/newsdata-test/b.txt": b""})
    try:
        targets = list_objects("memory://newsdata-test/")
        assert [t.file.walked for t in targets] == [
            "memory://newsdata-test/a.txt",
            "memory://newsdata-test/b.txt",
        ]
        assert all(t.listed is not None and listing_key(t.listed) is None for t in targets)
        report = validate(["memory://newsdata-test/"], SETTINGS, RunOptions(jobs=1))
        assert [(d.path, d.code) for d in report.diagnostics if d.code == "ND102"] == [
            ("memory://newsdata-test/b.txt", "ND102")
        ]
    finally:
        memory.rm("/newsdata-test", recursive=True)


_WITHOUT_FSSPEC = """
import sys
sys.modules["fsspec"] = None  # as if not installed
from newsdata.cli import main
sys.exit(main(["validate", "s3://bucket/raw/"]))
"""


def test_a_url_without_fsspec_names_the_extra() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _WITHOUT_FSSPEC], capture_output=True, text=True, check=False
    )
    assert done.returncode == 2
    assert done.stderr == (
        "Error: s3://bucket/raw/: reading object storage needs fsspec: "
        "pip install 'newsdata[cluster]'\n"
    )


@cluster
def test_no_credentials_is_a_clear_error(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "FSSPEC_"))}
    env |= {
        "AWS_CONFIG_FILE": str(tmp_path / "none"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "FSSPEC_S3_ENDPOINT_URL": "http://127.0.0.1:9",  # never reached: no request is signed
    }
    done = _command("validate", "s3://bucket/raw/", env=env)
    assert done.returncode == 2
    assert done.stderr == "Error: cannot list s3://bucket/raw/: Unable to locate credentials\n"


def test_changed_since_refuses_a_url() -> None:
    result = _validate("s3://bucket/raw/", "--changed-since", "HEAD")
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: --changed-since follows git, not object storage: s3://bucket/raw/\n"
    )
