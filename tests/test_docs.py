"""Generated files stay in sync with the code: schema/, docs/rules.md, docs/cli.md."""

from __future__ import annotations

import json

import pytest

from newsdata.docgen import GENERATED_DOCS
from newsdata.publications import builtin_registry
from newsdata.schema import check_schema_dir, json_schema, table_schema
from tests.conftest import ROOT


@pytest.mark.parametrize("relative", sorted(GENERATED_DOCS))
def test_generated_docs_are_current(relative: str) -> None:
    current = (ROOT / relative).read_text(encoding="utf-8")
    assert current == GENERATED_DOCS[relative](), f"{relative} drifted: run `make docs`"


def test_schema_folder_matches_the_model() -> None:
    assert check_schema_dir(ROOT / "schema") == []


def test_rules_doc_names_every_rule() -> None:
    from newsdata.rules import all_rules

    text = (ROOT / "docs" / "rules.md").read_text("utf-8")
    for rule in all_rules():
        assert f"### {rule.code}" in text


def test_table_schema_is_valid_frictionless() -> None:
    from frictionless import Schema

    schema = Schema.from_descriptor(table_schema())
    assert schema.primary_key == ["id"]
    assert [f.name for f in schema.fields] == list(json_schema()["properties"])
    assert schema.get_field("authors").type == "array"
    assert schema.get_field("published").type == "date"


def test_json_schema_accepts_a_real_record() -> None:
    import jsonschema

    from newsdata.articles import parse
    from tests.conftest import SEED

    article, _ = parse(SEED.read_bytes(), path="seed.txt")
    assert article is not None
    jsonschema.validate(json.loads(article.model_dump_json()), json_schema())


def test_registry_has_the_moscow_times_and_a_dozen_more() -> None:
    registry = builtin_registry()
    moscow = registry.lookup("the moscow times")
    assert moscow is not None and moscow.owns_host("www.themoscowtimes.com")
    assert len(registry.publications) >= 13


def test_raw_format_doc_describes_every_block() -> None:
    text = (ROOT / "docs" / "raw-format.md").read_text("utf-8")
    for word in ("title", "byline", "date", "publication", "body", "Original url:"):
        assert word in text
