"""Dataset metadata for releases, from `[tool.newsdata.dataset]` with sensible defaults."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from pathlib import Path

import langcodes
from packaging.licenses import InvalidLicenseExpression, canonicalize_license_expression

from newsdata.config import newsdata_table, read_pyproject
from newsdata.errors import ConfigError

__all__ = [
    "DATASET_KEYS",
    "OTHER_LICENSE",
    "DatasetMetadata",
    "default_name",
    "load_metadata",
    "spdx_expression",
]

_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]*$")

#: The license name that says "not an SPDX license; the title says what it is" (as Frictionless
#: and the Hugging Face Hub spell it): accepted without a warning.
OTHER_LICENSE = "other"


@dataclass(frozen=True)
class DatasetMetadata:
    """What a release says about itself: who, what, under which license."""

    name: str
    title: str
    description: str
    license: dict[str, str] | None
    contributors: tuple[dict[str, str], ...] = ()
    homepage: str | None = None
    keywords: tuple[str, ...] = ("news", "articles", "text", "corpus")
    #: Empty unless configured: a guess ("en") would be false for a corpus in other languages.
    language: tuple[str, ...] = ()
    citation: str | None = None
    warnings: tuple[str, ...] = field(default=(), compare=False)


#: Every key [tool.newsdata.dataset] accepts: the dataclass's fields, declared once (the README's
#: table of keys is tested against this).
DATASET_KEYS: tuple[str, ...] = tuple(
    f.name for f in fields(DatasetMetadata) if f.name != "warnings"
)


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9._-]+", "-", text.lower()).strip("-._")
    return slug or "news-corpus"


def load_metadata(root: Path) -> DatasetMetadata:
    """Metadata from the pyproject.toml; warnings say what was defaulted or is unknown."""
    table = _dataset_table(root / "pyproject.toml")
    unknown = sorted(set(table) - set(DATASET_KEYS))
    if unknown:
        raise ConfigError(f"unknown key(s) in [tool.newsdata.dataset]: {', '.join(unknown)}")
    name = str(table.get("name") or _slug(root.name))
    if not _NAME.match(name):
        raise ConfigError(
            f"[tool.newsdata.dataset] name {name!r}: use lowercase letters, "
            "digits, '.', '_' and '-'"
        )
    warnings: list[str] = []
    license_ = _license(table.get("license"))
    if license_ is None:
        warnings.append("no license in [tool.newsdata.dataset]: the release says none")
    else:
        warnings.extend(_license_warnings(license_["name"]))
    language = _strings(table.get("language", []), "language")
    warnings.extend(_language_warning(code) for code in language if not _is_language_tag(code))
    return DatasetMetadata(
        name=name,
        title=str(table.get("title") or name.replace("-", " ").title()),
        description=str(
            table.get("description") or "News articles, validated and packaged with newsdata."
        ),
        license=license_,
        contributors=_contributors(table.get("contributors", [])),
        homepage=_optional(table.get("homepage"), "homepage"),
        keywords=_strings(
            table.get("keywords", ["news", "articles", "text", "corpus"]), "keywords"
        ),
        language=language,
        citation=_optional(table.get("citation"), "citation"),
        warnings=tuple(warnings),
    )


def _dataset_table(pyproject: Path) -> dict[str, object]:
    if not pyproject.is_file():
        return {}
    newsdata = newsdata_table(read_pyproject(pyproject))
    dataset = newsdata.get("dataset", {}) if isinstance(newsdata, dict) else {}
    if not isinstance(dataset, dict):
        raise ConfigError("[tool.newsdata.dataset] must be a table")
    return dataset


def _license(value: object) -> dict[str, str] | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return {"name": value}
    if isinstance(value, dict) and isinstance(value.get("name"), str):
        return {str(k): str(v) for k, v in value.items()}
    raise ConfigError("[tool.newsdata.dataset] license: an SPDX id, or a table with a name")


def spdx_expression(name: str) -> str | None:
    """The canonical SPDX license expression `name` spells ("mit" -> "MIT"), None if it is none."""
    try:
        return canonicalize_license_expression(name)
    except InvalidLicenseExpression:
        return None


def _license_warnings(name: str) -> list[str]:
    if name == OTHER_LICENSE or spdx_expression(name) is not None:
        return []
    return [
        f"[tool.newsdata.dataset] license {name!r} is not an SPDX license id or expression "
        "(https://spdx.org/licenses/): the release repeats it as given; for a license without "
        f'an SPDX id write {{ name = "{OTHER_LICENSE}", title = "..." }}'
    ]


def _is_language_tag(code: str) -> bool:
    # langcodes also accepts the POSIX spelling "en_US", which BCP 47 does not.
    return "_" not in code and langcodes.tag_is_valid(code)


def _language_warning(code: str) -> str:
    hint = ""
    if langcodes.tag_is_valid(code):
        hint = f" (did you mean {langcodes.standardize_tag(code)!r}?)"
    return (
        f"[tool.newsdata.dataset] language {code!r} is not a BCP 47 language tag such as "
        f"'en', 'zh-Hant' or 'pt-BR'{hint}: the release repeats it as given"
    )


def _contributors(value: object) -> tuple[dict[str, str], ...]:
    if not isinstance(value, list):
        raise ConfigError("[tool.newsdata.dataset] contributors: a list")
    out: list[dict[str, str]] = []
    for item in value:
        if isinstance(item, str):
            out.append({"title": item})
        elif isinstance(item, dict) and isinstance(item.get("title"), str):
            out.append({str(k): str(v) for k, v in item.items()})
        else:
            raise ConfigError("[tool.newsdata.dataset] contributors: names or {title = ...}")
    return tuple(out)


def _strings(value: object, key: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"[tool.newsdata.dataset] {key}: a list of strings")
    return tuple(value)


def _optional(value: object, key: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ConfigError(f"[tool.newsdata.dataset] {key}: a string")
    return value


def default_name(folder: Path) -> str:
    """The dataset name a data repository in `folder` gets when none is configured."""
    return _slug(folder.name)
