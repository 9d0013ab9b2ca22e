"""The held-out evaluation: UD-style IOB2 with `# text` lines -> records (read_iob2_text), and
scripts/eval-baselines on UNER English-PUD."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from annotate.errors import ScoreError
from annotate.metrics.conll import iob2_sentence_record, read_iob2_text

ROOT = Path(__file__).resolve().parent.parent
UNER = ROOT / ".." / "shared" / "data" / "uner-en-pud" / "en_pud-ud-test.iob2"

SAMPLE = """# newdoc id = n01001
# sent_id = n01001-0001
# text = “Not,” Obama aide Kori Schulman wrote.
1\t“\tO\t-\t-
2\tNot\tO\t-\t-
3\t,\tO\t-\t-
4\t”\tO\t-\t-
5\tObama\tB-ORG\t-\tblvns
6\taide\tO\t-\t-
7\tKori\tB-PER\t-\tblvns
8\tSchulman\tI-PER\t-\tblvns
9\twrote\tO\t-\t-
10\t.\tO\t-\t-

# sent_id = n01001-0002
# text = On Capitol  Hill.
1\tOn\tO\t-\t-
2\tCapitol\tB-LOC\t-\tblvns
3\tHill\tI-LOC\t-\tblvns
4\t.\tO\t-\t-

# newdoc id = w01001
# sent_id = w01001-0001
# text = Paris is big.
1\tParis\tB-LOC\t-\tx
2\tis\tO\t-\t-
3\tbig\tO\t-\t-
4\t.\tO\t-\t-
"""


@pytest.fixture()
def sample(tmp_path: Path) -> Path:
    path = tmp_path / "s.iob2"
    path.write_text(SAMPLE, encoding="utf-8")
    return path


def spans(record: dict) -> list[tuple[int, int, str, str]]:
    return [(e["start"], e["end"], e["label"], e["text"]) for e in record["entities"]]


def test_sentences_offsets_from_the_text(sample: Path) -> None:
    """Offsets are found in the `# text` line (code points; the curly quotes are one each; two
    spaces between Capitol and Hill stay inside the span)."""
    records = read_iob2_text(sample, sent_prefix="n")
    assert [r["id"] for r in records] == ["n01001-0001", "n01001-0002"]
    # “Not,” = 6 code points + space -> Obama at 7..12; " aide " -> Kori at 18, + 13 -> 31
    assert spans(records[0]) == [(7, 12, "ORG", "Obama"), (18, 31, "PER", "Kori Schulman")]
    assert spans(records[1]) == [(3, 16, "LOC", "Capitol  Hill")]  # "On " 3, Capitol 7, 2 spaces, Hill 4
    for record in records:
        assert all(record["text"][s:e] == t for s, e, _, t in spans(record))


def test_documents_join_sentences(sample: Path) -> None:
    """By document: the two n01001 sentences joined by a newline; the second's offsets shift by
    len(first text) + 1 = 38 + 1 = 39."""
    docs = read_iob2_text(sample, by="document")
    assert [d["id"] for d in docs] == ["n01001", "w01001"]
    first = docs[0]
    assert first["sentences"] == ["n01001-0001", "n01001-0002"]
    assert len("“Not,” Obama aide Kori Schulman wrote.") == 38
    assert spans(first)[-1] == (39 + 3, 39 + 16, "LOC", "Capitol  Hill")
    assert [spans(d) for d in read_iob2_text(sample, sent_prefix="w", by="document")] == [[(0, 5, "LOC", "Paris")]]


@pytest.mark.parametrize("tokens, tags, message", [
    (["Paris", "was"], ["B-LOC", "O"], "not the next word"),
    (["Paris", "is"], ["I-LOC", "O"], "strict IOB2"),
    (["Paris", "is"], ["B-LOC", "X"], "expected O, B-TYPE or I-TYPE"),
])
def test_errors_name_the_sentence(tokens: list[str], tags: list[str], message: str) -> None:
    with pytest.raises(ScoreError, match=message) as info:
        iob2_sentence_record("s9", "Paris is big.", tokens, tags, where="f.iob2:7")
    assert "f.iob2:7" in str(info.value)


def test_a_sentence_without_text_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.iob2"
    path.write_text("# sent_id = n1\n1\tHi\tO\t-\t-\n", encoding="utf-8")
    with pytest.raises(ScoreError, match=r"bad.iob2:2: a sentence without"):
        read_iob2_text(path)


def test_uner_records_equal_the_files_counts() -> None:
    """All 1000 sentences convert; 1075 entities (LOC 426, PER 414, ORG 235: SOURCE.txt), 500
    news sentences in 215 documents."""
    if not UNER.is_file():
        pytest.skip(f"real NER file not here: {UNER} (CI has ../shared/data next to the repo)")
    records = read_iob2_text(UNER)
    labels = [e["label"] for r in records for e in r["entities"]]
    assert len(records) == 1000
    assert {x: labels.count(x) for x in ("LOC", "PER", "ORG")} == {"LOC": 426, "PER": 414, "ORG": 235}
    news = read_iob2_text(UNER, sent_prefix="n", by="document")
    assert (len(news), sum(len(d["sentences"]) for d in news)) == (215, 500)


def test_eval_baselines_script(tmp_path: Path) -> None:
    if not UNER.is_file():
        pytest.skip(f"real NER file not here: {UNER} (CI has ../shared/data next to the repo)")
    run = subprocess.run(
        [str(ROOT / "scripts" / "eval-baselines"), "--bootstrap", "50", "--keep", str(tmp_path), "--json"],
        capture_output=True, text=True, cwd=ROOT,
    )
    assert run.returncode == 0, run.stderr
    doc = json.loads(run.stdout)
    assert set(doc) == {"news", "wiki", "quotes"}
    news = doc["news"]
    assert news["eval"]["gold_entities"] + doc["wiki"]["eval"]["gold_entities"] == 1075
    lm = news["manifest"]["label_map"]
    assert lm["drop_unmapped"] and lm["mapping"]["GPE"] == "LOC"
    assert lm["pred"]["spans_out"] + lm["pred"]["dropped_total"] == lm["pred"]["spans_in"]
    strict = news["entities"]["strict"]["micro"]
    assert strict["possible"] == news["eval"]["gold_entities"] and strict["actual"] == lm["pred"]["spans_out"]
    assert strict["f1_ci"] is not None and strict["f1"] < 0.9  # held out: nowhere near the seed's 100%
    quotes = doc["quotes"]
    assert quotes["eval"]["units"] == quotes["manifest"]["documents"] == 25
    assert quotes["eval"]["kinds"] == {"direct": 18, "indirect": 18, "mixed": 4}
    assert quotes["manifest"]["unit"] == "document" and quotes["manifest"]["bootstrap"] == 50
    for metric in ("content_exact", "content_overlap", "speaker_e2e", "cue_exact"):
        micro = quotes["quotes"][metric]["micro"]
        assert micro["f1_ci"] is not None and micro["f1_ci"][0] <= micro["f1"] <= micro["f1_ci"][1], metric
    assert quotes["quotes"]["content_exact"]["micro"]["possible"] == 40
    assert (tmp_path / "quotes.pred.jsonl").is_file() and (tmp_path / "quotes.score.json").is_file()
