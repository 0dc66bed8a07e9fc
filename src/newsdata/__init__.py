"""newsdata: check, release and read news-article datasets kept as plain-text files.

The public API is imported lazily so that `newsdata --help` and validation stay cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "SCHEMA_VERSION",
    "Article",
    "Dataset",
    "Diagnostic",
    "Report",
    "RunOptions",
    "Settings",
    "Severity",
    "__version__",
    "load_settings",
    "open",
    "parse",
    "render",
    "validate",
]

if TYPE_CHECKING:
    from newsdata.articles import parse, render
    from newsdata.check.pipeline import RunOptions, validate
    from newsdata.config import Settings, load_settings
    from newsdata.dataset import Dataset
    from newsdata.diagnostics import Diagnostic, Report, Severity
    from newsdata.model import SCHEMA_VERSION, Article

_LAZY = {
    "Article": "newsdata.model",
    "SCHEMA_VERSION": "newsdata.model",
    "Diagnostic": "newsdata.diagnostics",
    "Report": "newsdata.diagnostics",
    "Severity": "newsdata.diagnostics",
    "Settings": "newsdata.config",
    "load_settings": "newsdata.config",
    "parse": "newsdata.articles",
    "validate": "newsdata.check.pipeline",
    "RunOptions": "newsdata.check.pipeline",
    "render": "newsdata.articles",
    "Dataset": "newsdata.dataset",
}


def open(path: Any, *, verify: bool = True) -> Dataset:
    """Open a release (folder, zip or datapackage.json) as a Dataset; see newsdata.dataset."""
    from newsdata.dataset import open_release

    return open_release(path, verify=verify)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'newsdata' has no attribute {name!r}")
