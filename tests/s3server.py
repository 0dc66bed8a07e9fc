"""A real S3-compatible server on 127.0.0.1 for the object-storage tests: moto's
ThreadedMotoServer, reached through s3fs as any S3 endpoint is.

Nothing in newsdata names the endpoint: the fixture sets it where fsspec looks for its
configuration (`FSSPEC_S3_ENDPOINT_URL` for processes started later, such as Dask workers, and
`fsspec.config.conf["s3"]` for this one, whose fsspec read the environment when imported),
with dummy credentials in the environment.

Worker processes take the environment they start with: a Dask LocalCluster (or a fork
server) started before this fixture knows no endpoint. A fixture that starts one for tests
over S3 should depend on `s3_server`; a test here that needs worker processes runs newsdata
in a fresh process.

Use: a test module imports `s3_server` (and `s3_bucket`) from here; `s3_bucket` gives each
test an empty bucket of its own, as an `s3://name` URL.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

#: Dummy credentials in the environment; the secret is distinctive so that a test can show it
#: never reaches a pickled target or a report.
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "newsdata-test-key-id",
    "AWS_SECRET_ACCESS_KEY": "newsdata-test-secret-never-pickled",
    "AWS_DEFAULT_REGION": "us-east-1",
}


@dataclass(frozen=True)
class S3Server:
    """The running server: its endpoint, and an s3fs filesystem on it (as newsdata gets it)."""

    endpoint: str

    def filesystem(self) -> Any:
        """The s3fs filesystem newsdata would use (fsspec's cached instance)."""
        import fsspec

        return fsspec.filesystem("s3")

    def new_bucket(self) -> str:
        """A fresh, empty bucket's URL (`s3://corpus-<hex>`)."""
        name = f"corpus-{uuid.uuid4().hex[:12]}"
        self.filesystem().mkdir(name)
        return f"s3://{name}"


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    """moto's S3 server on 127.0.0.1 (a free port) for the whole session."""
    import fsspec.config
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    with pytest.MonkeyPatch.context() as patch:
        for name, value in CREDENTIALS.items():
            patch.setenv(name, value)
        patch.setenv("FSSPEC_S3_ENDPOINT_URL", endpoint)
        patch.setitem(fsspec.config.conf, "s3", {"endpoint_url": endpoint})
        try:
            yield S3Server(endpoint)
        finally:
            server.stop()


@pytest.fixture
def s3_bucket(s3_server: S3Server) -> str:
    """An empty bucket of the test's own, as `s3://name`."""
    return s3_server.new_bucket()
