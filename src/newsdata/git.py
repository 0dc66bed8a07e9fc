"""How newsdata asks git about the user's repository: read-only, taking no lock."""

from __future__ import annotations

from pathlib import Path

__all__ = ["git_command"]


def git_command(root: Path, *args: str) -> list[str]:
    """The command line of a read-only git query in `root`.

    With --no-optional-locks git takes no lock for it: `git status` (and `git diff`) otherwise
    refresh the index under .git/index.lock, so a git stopped at the wrong moment would leave
    the user's repository locked (`git mv` and `git commit` then fail until it is deleted).
    """
    return ["git", "--no-optional-locks", "-C", str(root), *args]
