"""Cleaning: the seed article, each rule and its switch, idempotence, verbatim paragraphs."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from annotate.cleaning import PARAGRAPH_SEPARATOR, CleaningOptions, clean_article, split_paragraphs
from annotate.corpus import Article, read_article_file

SEED = Path(__file__).resolve().parent.parent / "corpora" / "news" / "abu-dhabi-talks.raw.txt"


def seed_document(options: CleaningOptions = CleaningOptions()):
    (article,) = list(read_article_file(SEED))
    assert isinstance(article, Article)
    return clean_article(article, options)


def test_seed_body_once_no_banner_caption_or_credit_in_text() -> None:
    doc = seed_document()
    assert doc.id == "abu-dhabi-talks"
    assert doc.text.count("The second round of U.S.-brokered talks") == 1
    assert "cookie" not in doc.text.lower()
    assert "/VCG" not in doc.text
    assert "(With input from Xinhua)" not in doc.text
    assert doc.captions == (
        "Ukrainian prisoners of war released from Russian captivity posing for a photograph following a prisoner "
        "exchange at an undisclosed location in Ukraine, February 5, 2026. /VCG",
    )
    assert doc.credits == ("(With input from Xinhua)",)
    reasons = [d.reason for d in doc.dropped]
    # 25 source lines: 1 banner, 3 captions, 10 repeated body paragraphs, 1 credit, 10 kept.
    assert reasons.count("banner") == 1 and reasons.count("caption") == 3
    assert reasons.count("duplicate") == 10 and reasons.count("credit") == 1
    assert len(doc.paragraphs) == 10


def test_text_is_verbatim_concatenation_of_source_paragraphs() -> None:
    doc = seed_document()
    source_lines = SEED.read_text(encoding="utf-8").split("\n")
    pieces = [doc.text[start:end] for start, end in doc.paragraphs]
    assert PARAGRAPH_SEPARATOR.join(pieces) == doc.text
    for piece, line in zip(pieces, doc.source_lines):
        assert source_lines[line - 1] == piece  # every paragraph is a whole line of the file, unchanged


def test_each_rule_can_be_switched_off() -> None:
    everything_kept = seed_document(CleaningOptions(False, False, False, False))
    assert "cookies" in everything_kept.text
    assert everything_kept.text.count("The second round of U.S.-brokered talks") == 2
    assert "/VCG" in everything_kept.text and "(With input from Xinhua)" in everything_kept.text
    assert everything_kept.dropped == ()
    no_dedupe = seed_document(CleaningOptions(drop_duplicates=False))
    assert no_dedupe.text.count("The second round of U.S.-brokered talks") == 2


def test_paragraphs_by_blank_lines_keep_inner_line_breaks() -> None:
    paragraphs = split_paragraphs("Title line\n\nFirst para\ncontinues here.\n\n\nSecond.\n")
    assert [(p.text, p.line) for p in paragraphs] == [
        ("Title line", 1),
        ("First para\ncontinues here.", 3),
        ("Second.", 7),  # lines 5 and 6 are blank
    ]


def test_crlf_and_surrounding_space_are_not_part_of_a_paragraph() -> None:
    doc = clean_article(Article(text="  One.\r\nTwo.  \r\n", origin="x"))
    assert doc.text == "One." + PARAGRAPH_SEPARATOR + "Two."


def test_article_without_id_gets_a_content_hash_that_is_stable() -> None:
    a = clean_article(Article(text="Same text.", origin="a"))
    b = clean_article(Article(text="Same text.", origin="b"))
    assert a.id == b.id and a.id.startswith("doc-") and len(a.id) == 16


paragraph_text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=40
).filter(lambda s: s.strip())


@settings(max_examples=200, deadline=None)
@given(st.lists(paragraph_text, min_size=1, max_size=8), st.booleans())
def test_cleaning_is_idempotent(paragraphs: list[str], blank_separated: bool) -> None:
    raw = ("\n\n" if blank_separated else "\n").join(paragraphs)
    once = clean_article(Article(text=raw, origin="x", id="d"))
    twice = clean_article(Article(text=once.text, origin="x", id="d"))
    assert twice.text == once.text
    assert twice.paragraphs == once.paragraphs
    # every kept paragraph is a stripped paragraph of the input, unchanged inside
    for start, end in once.paragraphs:
        assert once.text[start:end] in raw
