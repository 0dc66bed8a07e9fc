"""Reading one article file's bytes, never more than the size limit, never from a special file."""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass

__all__ = ["RawFile", "decode", "read_raw"]

DEFAULT_MAX_FILE_SIZE = 2 * 1024 * 1024
_BINARY_SAMPLE = 8192
_BINARY_RATIO = 0.10
_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r")
_C0_AND_DEL = _CONTROL_BYTES + b"\x7f"
_CONTROL_MARKS = bytes(0 if byte in _C0_AND_DEL else 1 for byte in range(256))
_MAX_REPORTED_BAD_SEQUENCES = 20


@dataclass(frozen=True, slots=True)
class RawFile:
    """The facts about one file's bytes that the file rules judge."""

    size: int
    data: bytes | None = None
    read_error: str | None = None
    not_regular: str | None = None

    @property
    def sha256(self) -> str:
        """SHA-256 of the bytes read."""
        return hashlib.sha256(self.data or b"").hexdigest()

    @property
    def is_binary(self) -> bool:
        """Whether the file looks binary: many NULs, control bytes or invalid UTF-8 at its start."""
        if not self.data:
            return False
        sample = self.data[:_BINARY_SAMPLE]
        controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
        if sample.isascii():
            return controls / len(sample) > _BINARY_RATIO
        invalid = sample.decode("utf-8", "replace").count("\ufffd") - sample.count(
            "\ufffd".encode()
        )
        return (controls + max(invalid, 0)) / len(sample) > _BINARY_RATIO

    @property
    def has_control_bytes(self) -> bool:
        """Whether the bytes hold a C0 control character (tab and line breaks aside) or DEL."""
        data = self.data or b""
        # Each such byte becomes 0 and every other byte 1, then one memchr finds any 0: the
        # table-only translate is a plain loop, faster than one that deletes bytes.
        return b"\x00" in data.translate(_CONTROL_MARKS)

    @property
    def is_blank(self) -> bool:
        """Whether the file holds nothing but whitespace (and perhaps a byte-order mark)."""
        return self.data is not None and not self.data.removeprefix(b"\xef\xbb\xbf").strip()


def read_raw(path: str, max_size: int) -> RawFile:
    """Read a file's bytes; special files are never read and big files are read no further."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        return RawFile(size=0, read_error=error.strerror or str(error))
    try:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode):
            return RawFile(size=0, not_regular="not a regular file")
        if status.st_size > max_size:
            return RawFile(size=status.st_size)
        # One read of the size stat gave, and one byte more: when exactly that size comes
        # back, that was the whole file, and no second call is made just to meet its end.
        # Otherwise (it grew or shrank since, or the read came back short) it is read on, to
        # its end or the limit.
        data = os.read(fd, status.st_size + 1)
        if len(data) != status.st_size:
            chunks = [data]
            remaining = max_size + 1 - len(data)
            while remaining > 0 and (chunk := os.read(fd, min(remaining, 1 << 20))):
                chunks.append(chunk)
                remaining -= len(chunk)
            data = b"".join(chunks)
        return RawFile(size=max(len(data), status.st_size), data=data)
    except OSError as error:
        return RawFile(size=0, read_error=error.strerror or str(error))
    finally:
        os.close(fd)


def decode(data: bytes) -> tuple[str, list[int]]:
    """Decode UTF-8, replacing bad bytes; also return the byte offsets of the bad sequences."""
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    bad: list[int] = []
    position = 0
    pieces: list[str] = []
    while position < len(data):
        if len(bad) >= _MAX_REPORTED_BAD_SEQUENCES:
            pieces.append(data[position:].decode("utf-8", "replace"))
            break
        try:
            pieces.append(data[position:].decode("utf-8"))
            break
        except UnicodeDecodeError as error:
            pieces.append(data[position : position + error.start].decode("utf-8"))
            pieces.append("\ufffd")
            bad.append(position + error.start)
            position += error.end
    return "".join(pieces), bad
