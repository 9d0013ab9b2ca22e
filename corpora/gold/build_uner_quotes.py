"""Build corpora/gold/uner-news-quotes.jsonl: QUOTES gold on 25 UNER English-PUD news documents.

Only quotes are annotated (by schemas/GUIDELINES.md section 2); `entities` and `events` are empty
lists in every record, which means "not annotated", not "none". The texts are UNER English-PUD
(CC BY-SA 3.0; see corpora/gold/SOURCE-uner.md), built exactly as
`annotate.metrics.conll.read_iob2_text(path, sent_prefix="n", by="document")` builds them: a
document's sentences joined by newlines, id = its `# newdoc id`.

Which documents: the first 25 news documents in file order whose text contains a quotation mark
(`"`, `“`, `”`, `«`, `»`, `‘`, or `'`/`’` at the start of a word, so apostrophes do not count) or
a speech verb (SPEECH_VERB below). The selection is computed, and checked against DOC_IDS.

Offsets are never counted by hand, as in build_news.py: every span is a piece of its document's
text with the span in square brackets; the piece must occur exactly once in that text. A speaker
must be a UNER entity mention (PER/ORG/LOC span of the source file), so it is a name, never a
pronoun or a title. Every span is read back before writing.

Decisions for cases the guidelines do not spell out (apply them everywhere):
- An attribution inside the content (`There was a time, Mr Panvalkar said, when ...`) stays inside
  the one QUOTE span; the cue and speaker are then inside it too.
- A quote attributed after its content (`..., according to the Census Bureau`, `..., Tarlo
  explains`) has the content before the cue, without the comma.
- Written sources count: `the post reads`, `The feasibility study estimates that`, `A UN review ...
  says`. A findings verb (`The analysis shows`) is not a cue.
- Sources that are unnamed people or bodies (`police`, `A witness`, `the GOP nominee`, `The
  association ...`, `police in B.C.`) have no SPEAKER, and a pronoun with no name for its
  referent anywhere in the document (`he told the crowd`, `He added:`) has none either. A place
  that only locates an unnamed source is not the speaker (`police in B.C.`); the organisation
  that authored a document is (`A [UN] review ... says`).
- `she says` in n01025 is Tarlo, the one person named in the document, whose next two statements
  follow: the nearest mention is taken even though it comes after the quote.
- `The company told the BBC` (n01017): the company that decides for "each airline brand" is IAG,
  named in the sentence before; that mention is the speaker.
- Quotation marks with no cue are still quotes (GUIDELINES: no CUE); the SPEAKER is set when the
  document names the source (`The "recent events"` echoes Jesse LaBrocca's message), null when
  not (`"certified"` in n01019, the unattributed quotes of n01011, n01017, n01034).

Run from the repository root:  .venv/bin/python corpora/gold/build_uner_quotes.py [--data PATH]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from annotate.metrics.conll import read_iob2_text  # noqa: E402
from annotate.recordio import check_record  # noqa: E402

DATA = ROOT / ".." / "shared" / "data" / "uner-en-pud" / "en_pud-ud-test.iob2"
OUT = ROOT / "corpora" / "gold" / "uner-news-quotes.jsonl"

QUOTATION_MARK = re.compile(r"[\"“”«»‘]|(?:^|(?<=\s))['’](?=\w)")
SPEECH_VERB = re.compile(
    r"\b(said|says|say|saying|told|tells|according to|added|adding|wrote|writes|explained|noted|stated|"
    r"announced|claimed|argued|insisted|replied|declared|warned)\b",
    re.IGNORECASE,
)
N_DOCUMENTS = 25


def select(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The first N_DOCUMENTS records (file order) with a quotation mark or a speech verb."""
    chosen = [r for r in records if QUOTATION_MARK.search(r["text"]) or SPEECH_VERB.search(r["text"])]
    return chosen[:N_DOCUMENTS]


# One tuple per QUOTE: (kind, span piece, speaker piece or None, cue piece or None). A span piece
# is either one bracketed piece or a pair (piece with "[" only, piece with "]" only).
Q = tuple[str, Any, "str | None", "str | None"]

QUOTES: dict[str, list[Q]] = {
    "n01001": [
        ("direct", ("[“While much", "power is not,”] Obama"), "assistant [Kori Schulman] wrote", "Schulman [wrote] in"),
    ],
    "n01002": [
        ("mixed", ("proclaimed that [as president", "a “merit system.”]"), None, "nominee [proclaimed] that"),
        ("direct", ("[“So I hate", "on your shoulders,”] he told"), None, "he [told] the crowd"),
    ],
    "n01005": [
        ("direct", ("[“We face", "transit can help,”] said"), "said [Joe Sternlieb], president", "help,” [said] Joe"),
        ("indirect", "estimates that [it would take passengers about four minutes to cross the Potomac River on the gondola].",
         None, "study [estimates] that"),
    ],
    "n01006": [
        ("indirect", "police that [the victim had attacked the suspect in April].", None, "witness [told] police"),
    ],
    "n01008": [
        ("indirect", "— [only 11 percent of the total vote was cast before Election Day in 1996], according",
         "according to the [Census Bureau]", "1996, [according to] the Census"),
    ],
    "n01009": [
        ("direct", ("[“We’ve requested", "including a pig,”] Saqib"), "pig,” [Saqib] said", "Saqib [said]."),
    ],
    "n01010": [
        ("indirect", "[There was a time, Mr Panvalkar said, when he felt that they should leave the building].",
         "Mr [Panvalkar] said", "Panvalkar [said], when"),
    ],
    "n01011": [
        ("indirect", "[She killed Andre Price III by pressing his face into an air mattress in her sitting room "
                     "before trying to do the same to her daughter, Angel], police said.", None, "police [said]."),
        ("direct", "[\"I'm going to jail either way, hope it was worth it.\"]", None, None),
    ],
    "n01014": [
        ("indirect", "Fallon said [the date for cutting the first steel would help secure new investment and "
                     "safeguard hundreds of skilled jobs until 2035].", "[Michael Fallon] said", "Fallon [said] the date"),
    ],
    "n01017": [
        ("indirect", "warned [in-flight internet was often unreliable and was unlikely to influence travellers' "
                     "airline choices].", None, "expert [warned] in-flight"),
        ("direct", "[\"But it may be that BA and IAG have cracked it and can offer something vaguely reliable.\"]",
         None, None),
        ("indirect", "BBC [it would be the responsibility of each airline brand to decide whether to charge "
                     "passengers an access fee].", "BA and [IAG] have", "company [told] the BBC"),
        ("direct", "[\"Most people would find airport wi-fi more useful than being able to send emails on a plane.\"]",
         None, None),
    ],
    "n01019": [
        ("direct", "has been [\"certified\"] by", None, None),
    ],
    "n01021": [
        ("direct", "[\"Unfortunately once again the few ruin it for the many,\"] wrote",
         "wrote [Jesse LaBrocca], founder", "many,\" [wrote] Jesse"),
        ("direct", "The [\"recent events\"] are", "wrote [Jesse LaBrocca], founder", None),
    ],
    "n01022": [
        ("indirect", "says [they are well short of the levels needed to keep the rise in global temperatures under 2C].",
         "A [UN] review", "carbon [says] they"),
        ("indirect", "say that [technology to remove carbon from the air will now be needed to meet the Paris targets].",
         None, "scientists [say] that"),
        ("direct", ("[\"We are moving", "reduce HFCs,\"] said"), "said [Erik Solheim], head", "HFCs,\" [said] Erik"),
    ],
    "n01025": [
        ("direct", ("[\"There is still", "body parts,\"] she says"), "completely, [Tarlo] explains",
         "she [says]."),
        ("indirect", "[In China the hair is typically put in a chemical bath to remove the cuticle completely], Tarlo",
         "completely, [Tarlo] explains", "Tarlo [explains]."),
        ("indirect", "[Throughout history, the international hair market has always had a political dimension], says",
         "says [Tarlo].", "dimension, [says] Tarlo"),
    ],
    "n01026": [
        ("direct", "[\"Tonight we are carrying out punishments using a high beam,\"] the post", None, "post [reads]."),
    ],
    "n01028": [
        ("direct", ("[\"Luckily", "notice this?'\"] says"), "says [Pall].", "this?'\" [says] Pall"),
    ],
    "n01029": [
        ("mixed", "described [Russia's actions in Crimea, which it annexed in 2014, as \"very reasonable\"].",
         "[Seagal] made headlines", "he [described] Russia's"),
    ],
    "n01030": [
        ("mixed", "Press [there was \"an exchange of words\" followed by an \"altercation\" but that no injuries had "
                  "been reported].", None, "spokesman [told] the"),
        ("mixed", ("department, [a fight broke out", "arrived on set on Tuesday]."), None,
         "[According to] the city's"),
    ],
    "n01031": [
        ("direct", "added: [\"This has been one step in a long journey of finding the right combination for male "
                   "hormonal contraception.\"]", None, "He [added]:"),
    ],
    "n01033": [
        ("indirect", "say [analysing tumour DNA may help explain the underlying causes of other cancers].",
         None, "Researchers [say] analysing"),
    ],
    "n01034": [
        ("direct", ("[\"If Donald Trump", "are represented in Washington.\"]"), None, None),
    ],
    "n01035": [
        ("indirect", ("B.C. say [they have more questions", "at her Abbotsford high school]."), None,
         "police in B.C. [say] they"),
        ("indirect", "earlier [Klein did not appear to have a criminal history] and", None, "B.C. [said] earlier"),
        ("direct", ("[\"We do not believe", "the Abbotsford area,\"] she said"), None, "she [said]."),
        ("indirect", "also said [Klein was uncommunicative, uncooperative and unwilling to walk up from cells under "
                     "the courthouse to attend his hearing].", None, "He also [said] Klein"),
    ],
    "n01036": [
        ("indirect", "says [more needs to be done to protect consumers and punish agents found to have engaged in "
                     "unethical behaviour].", None, "Ontario [says] more"),
    ],
    "n01038": [
        ("direct", ("[\"We are seeing", "in reducing emissions,\"] said"), "said [Guilbeault].",
         "emissions,\" [said] Guilbeault"),
    ],
    "n01040": [
        ("indirect", "said [the biggest comfort has come from seeing her friends].", "like [Rai] have",
         "she [said] the biggest"),
    ],
}
DOC_IDS = list(QUOTES)


def _locate(text: str, piece: str, marks: str) -> list[int]:
    plain = piece.replace("[", "").replace("]", "")
    first = text.find(plain)
    if first < 0 or text.find(plain, first + 1) >= 0:
        raise SystemExit(f"{piece!r} occurs {text.count(plain)} times in the text; it must occur exactly once.")
    positions, removed = [], 0
    for i, ch in enumerate(piece):
        if ch in marks:
            positions.append(first + i - removed)
            removed += 1
    return positions


def span(text: str, piece: Any) -> dict[str, Any]:
    """The span bracketed in `piece`, or from the "[" of piece[0] to the "]" of piece[1]."""
    if isinstance(piece, tuple):
        (start,) = _locate(text, piece[0], "[")
        (end,) = _locate(text, piece[1], "]")
    else:
        start, end = _locate(text, piece, "[]")
    assert start < end, piece
    return {"start": start, "end": end, "text": text[start:end]}


def build(data: Path) -> list[dict[str, Any]]:
    """The gold records, in DOC_IDS order, checked and read back."""
    source = read_iob2_text(data, sent_prefix="n", by="document")
    chosen = select(source)
    if [r["id"] for r in chosen] != DOC_IDS:
        raise SystemExit(f"the selection is {[r['id'] for r in chosen]}, not DOC_IDS {DOC_IDS}.")
    records = []
    for doc in chosen:
        text = doc["text"]
        names = {(e["start"], e["end"]) for e in doc["entities"]}
        quotes = []
        for kind, piece, speaker_piece, cue_piece in QUOTES[doc["id"]]:
            quote = span(text, piece)
            speaker = span(text, speaker_piece) if speaker_piece else None
            cue = span(text, cue_piece) if cue_piece else None
            if speaker is not None:
                assert (speaker["start"], speaker["end"]) in names, f"speaker is not a UNER mention: {speaker}"
            body = quote["text"]
            if kind == "direct":
                assert body[0] in "\"“‘'" and body[-1] in "\"”’'", f"direct quote not mark to mark: {body!r}"
            elif kind == "mixed":
                assert any(m in body for m in "\"“”"), f"mixed quote without a quotation: {body!r}"
            else:
                assert not any(m in body for m in "\"“”"), f"indirect quote with a quotation: {body!r}"
            quotes.append(dict(quote, kind=kind, speaker=speaker, cue=cue))
        quotes.sort(key=lambda q: q["start"])
        for a, b in zip(quotes, quotes[1:]):
            assert a["end"] <= b["start"], f"quotes overlap in {doc['id']}: {a['text'][:30]} / {b['text'][:30]}"
        record = {
            "id": doc["id"], "text": text, "entities": [], "quotes": quotes, "events": [],
            "task_id": None, "annotation_id": None,
            "annotator": "annotate maintainers (corpora/gold/build_uner_quotes.py, quotes only, by schemas/GUIDELINES.md)",
            "origin": "ground_truth", "created_at": None, "updated_at": None, "lead_time": None,
        }
        records.append(check_record(record, f"gold record {doc['id']}"))
    return records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--show", action="store_true", help="print every span for reading back")
    args = parser.parse_args()
    records = build(args.data)
    OUT.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    kinds = Counter(q["kind"] for r in records for q in r["quotes"])
    if args.show:
        for r in records:
            for q in r["quotes"]:
                sp = q["speaker"]["text"] if q["speaker"] else None
                cue = q["cue"]["text"] if q["cue"] else None
                print(f"{r['id']} {q['kind']:8} speaker={sp!r} cue={cue!r}\n    {q['text']}")
    print(f"wrote {OUT.relative_to(ROOT)}: {len(records)} documents, {sum(kinds.values())} quotes "
          f"({', '.join(f'{k} {v}' for k, v in sorted(kinds.items()))})")


if __name__ == "__main__":
    main()
