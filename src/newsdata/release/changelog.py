"""CHANGELOG.md of a release: the ids added, removed and changed since the previous one."""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["changelog_markdown"]


def changelog_markdown(
    version: str,
    previous: str | None,
    old: Mapping[str, str],
    new: Mapping[str, str],
    created: str,
) -> str:
    """Added, removed and changed ids (a record changed when its raw file's SHA-256 did)."""
    lines = [f"# Changelog\n\n## {version} ({created[:10]})\n"]
    if previous is None:
        lines.append(f"\nFirst release: {len(new)} articles.\n")
        return "".join(lines)
    added = sorted(set(new) - set(old))
    removed = sorted(set(old) - set(new))
    changed = sorted(i for i in set(new) & set(old) if new[i] != old[i])
    unchanged = len(new) - len(added) - len(changed)
    lines.append(
        f"\nAgainst {previous}: {len(added)} added, {len(removed)} removed, {len(changed)} "
        f"changed, {unchanged} unchanged ({len(new)} articles in all). A record is changed "
        "when the SHA-256 of its raw file changed.\n"
    )
    for title, ids in (("Added", added), ("Removed", removed), ("Changed", changed)):
        lines.append(f"\n### {title} ({len(ids)})\n\n")
        lines.extend(f"- `{i}`\n" for i in ids)
        if not ids:
            lines.append("None.\n")
    return "".join(lines)
