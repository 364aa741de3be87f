"""Reading a note: headings as clinicians write them, sentences that keep list items and abbreviations whole."""

from __future__ import annotations

import csv

import pytest

from revcycle.coding.document import SectionKind, read_note, tokenize
from tests.shared_files import shared_file

SOAP = """CC: cough x 3 days
HPI: 45 yo F with cough. Seen by Dr. Smith on 3/1. Taking amoxicillin 500 mg p.o. b.i.d. for 10 days.
She denies fever, chills or cough; reports 2.5 kg weight loss,
which started in May.
PMH: HTN, DM2
Family history: mother with breast cancer.
ROS: negative for fever, chills, cough
PHYSICAL EXAM:
HEENT: normal. LUNGS: clear.
ASSESSMENT AND PLAN
1. Acute bronchitis - start albuterol.
2. HTN - continue lisinopril, e.g. 10 mg daily. Recheck in 2 weeks.
- Diabetes type 2
* CKD stage 3b
"""

MTSAMPLES_STYLE = (
    "PREOPERATIVE DIAGNOSIS: , Morbid obesity.,POSTOPERATIVE DIAGNOSIS:  ,Morbid obesity.,PROCEDURE:,:,"
    "1.  Laparoscopic gastric bypass.,2.  Liver biopsy.,PAST MEDICAL HISTORY:,  Hypertension, asthma.,"
    "FAMILY HISTORY:,  Father had diabetes.  HEENT:  Normal.,PLAN,1.  Discharge home."
)


def _sentences(text: str) -> list[tuple[str, SectionKind]]:
    note = read_note(text)
    return [(text[sentence.start : sentence.end], sentence.section.kind) for sentence in note.sentences]


def test_soap_note_sections_and_sentences() -> None:
    assert _sentences(SOAP) == [
        ("cough x 3 days", SectionKind.CHIEF_COMPLAINT),
        ("45 yo F with cough.", SectionKind.HPI),
        ("Seen by Dr. Smith on 3/1.", SectionKind.HPI),
        ("Taking amoxicillin 500 mg p.o. b.i.d. for 10 days.", SectionKind.HPI),
        ("She denies fever, chills or cough; reports 2.5 kg weight loss,\nwhich started in May.", SectionKind.HPI),
        ("HTN, DM2", SectionKind.PAST_HISTORY),
        ("mother with breast cancer.", SectionKind.FAMILY_HISTORY),
        ("negative for fever, chills, cough", SectionKind.REVIEW_OF_SYSTEMS),
        ("HEENT: normal.", SectionKind.EXAM),
        ("LUNGS: clear.", SectionKind.EXAM),
        ("1. Acute bronchitis - start albuterol.", SectionKind.ASSESSMENT),
        ("2. HTN - continue lisinopril, e.g. 10 mg daily.", SectionKind.ASSESSMENT),
        ("Recheck in 2 weeks.", SectionKind.ASSESSMENT),
        ("- Diabetes type 2", SectionKind.ASSESSMENT),
        ("* CKD stage 3b", SectionKind.ASSESSMENT),
    ]


def test_mtsamples_commas_stand_for_line_breaks() -> None:
    assert _sentences(MTSAMPLES_STYLE) == [
        ("Morbid obesity.", SectionKind.ASSESSMENT),
        ("Morbid obesity.", SectionKind.ASSESSMENT),
        ("1.  Laparoscopic gastric bypass.", SectionKind.PROCEDURE),
        ("2.  Liver biopsy.", SectionKind.PROCEDURE),
        ("Hypertension, asthma.", SectionKind.PAST_HISTORY),
        ("Father had diabetes.", SectionKind.FAMILY_HISTORY),
        ("HEENT:  Normal.", SectionKind.FAMILY_HISTORY),
        ("1.  Discharge home.", SectionKind.PLAN),
    ]


def test_section_titles_keep_the_heading_as_written() -> None:
    note = read_note(MTSAMPLES_STYLE)
    assert [section.title for section in note.sections] == [
        "PREOPERATIVE DIAGNOSIS",
        "POSTOPERATIVE DIAGNOSIS",
        "PROCEDURE",
        "PAST MEDICAL HISTORY",
        "FAMILY HISTORY",
        "PLAN",
    ]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("S: sore throat\nO: T 38.2\nA: strep pharyngitis\nP: amoxicillin", SectionKind.ASSESSMENT),
        ("Assessment and Plan\nstrep pharyngitis", SectionKind.ASSESSMENT),
        ("Final diagnosis\nstrep pharyngitis", SectionKind.ASSESSMENT),
        ("Postoperative diagnosis: strep pharyngitis", SectionKind.ASSESSMENT),
        ("IMPRESSION: strep pharyngitis", SectionKind.ASSESSMENT),
        ("DIAGNOSES:\n1. strep pharyngitis", SectionKind.ASSESSMENT),
        ("HISTORY OF PRESENT ILLNESS\nstrep pharyngitis", SectionKind.HPI),
        ("Seen today. Assessment: strep pharyngitis", SectionKind.ASSESSMENT),
        ("PAST MEDICAL HISTORY:, strep pharyngitis", SectionKind.PAST_HISTORY),
        ("FAMILY AND SOCIAL HISTORY: strep pharyngitis", SectionKind.FAMILY_HISTORY),
        ("ROS: strep pharyngitis", SectionKind.REVIEW_OF_SYSTEMS),
        ("REVIEW OF SYSTEMS: strep pharyngitis", SectionKind.REVIEW_OF_SYSTEMS),
        ("PHYSICAL EXAM: strep pharyngitis", SectionKind.EXAM),
        ("PROCEDURE: strep pharyngitis", SectionKind.PROCEDURE),
        ("Chief complaint: strep pharyngitis", SectionKind.CHIEF_COMPLAINT),
        ("Vitals: BP 120/80, P: 72. strep pharyngitis", SectionKind.EXAM),
    ],
)
def test_headings_name_the_section(text: str, kind: SectionKind) -> None:
    note = read_note(text)
    assert note.section_at(text.index("strep pharyngitis")).kind is kind


@pytest.mark.parametrize(
    "text",
    [
        "Hypertension: well controlled on lisinopril.",
        "1. HYPERTENSION: well controlled on lisinopril.",
        "The plan: recheck in 2 weeks.",
        "Allergic rhinitis: start loratadine.",
    ],
)
def test_labels_that_are_not_headings_stay_in_the_text(text: str) -> None:
    note = read_note(text)
    assert [section.kind for section in note.sections] == [SectionKind.OTHER]
    assert note.text[note.sentences[0].start : note.sentences[0].end] == text


@pytest.mark.parametrize(
    "text",
    [
        "Seen by Dr. Jones today for follow-up.",
        "Take 2.5 mg p.o. b.i.d. with meals.",
        "Risk factors, e.g. Smoking and obesity, were discussed.",
        "BP improved vs. Last visit.",
        "1. Acute bronchitis - start albuterol.",
    ],
)
def test_abbreviations_numbers_and_items_do_not_end_a_sentence(text: str) -> None:
    assert _sentences(text) == [(text, SectionKind.OTHER)]


def test_sentence_and_section_lookups() -> None:
    note = read_note(SOAP)
    offset = SOAP.index("Acute bronchitis")
    assert note.sentence_at(offset).start == SOAP.index("1. Acute")
    assert note.section_at(offset).title == "ASSESSMENT AND PLAN"
    assert [word.lower for word in note.words(note.sentence_at(offset))] == [
        "1",
        "acute",
        "bronchitis",
        "start",
        "albuterol",
    ]


def test_tokens_keep_their_offsets() -> None:
    text = "s/p CABG, A1c 7.2%"
    assert [(token.text, text[token.start : token.end]) for token in tokenize(text)] == [
        ("s/p", "s/p"),
        ("CABG", "CABG"),
        ("A1c", "A1c"),
        ("7.2", "7.2"),
        ("%", "%"),
    ]


def test_empty_note() -> None:
    note = read_note("")
    assert note.sentences == ()
    assert [section.kind for section in note.sections] == [SectionKind.OTHER]


def test_every_mtsamples_note_splits_into_sentences_that_lie_within_their_sections() -> None:
    path = shared_file("notes/mtsamples/mtsamples.csv")
    with path.open(newline="", encoding="utf-8") as handle:
        notes = [row["transcription"] for row in csv.DictReader(handle)]
    for text in notes:
        note = read_note(text)
        for sentence in note.sentences:
            assert sentence.section.start <= sentence.start < sentence.end <= sentence.section.end
            assert text[sentence.start : sentence.end].strip() == text[sentence.start : sentence.end]


def test_plain_text_note_with_short_labels_and_hash_items() -> None:
    text = (
        "Date of service: 03/12/2026\n"
        "Subjective:\n"
        "Pt is a 58 yo F here for f/u of HTN. She reports cough and\n"
        "fever for 3 days.\n"
        "Social Hx: smoker.\n"
        "Family Hx: father with MI.\n"
        "A&P:\n"
        "# HTN - uncontrolled, increase lisinopril.\n"
        "# Cough - likely viral URI; supportive care.\n"
    )
    assert _sentences(text) == [
        ("Date of service: 03/12/2026", SectionKind.OTHER),
        ("Pt is a 58 yo F here for f/u of HTN.", SectionKind.HPI),
        ("She reports cough and\nfever for 3 days.", SectionKind.HPI),
        ("smoker.", SectionKind.SOCIAL_HISTORY),
        ("father with MI.", SectionKind.FAMILY_HISTORY),
        ("# HTN - uncontrolled, increase lisinopril.", SectionKind.ASSESSMENT),
        ("# Cough - likely viral URI; supportive care.", SectionKind.ASSESSMENT),
    ]


def test_dictated_note_in_lower_case() -> None:
    text = (
        "date of service 06/23/2026. no fractures, no falls. her mother had a hip fracture at 70. past history "
        "is notable for DVT. exam: no calf tenderness. she takes 5 mg. daily. assessment: osteoporosis."
    )
    assert _sentences(text) == [
        ("date of service 06/23/2026.", SectionKind.OTHER),
        ("no fractures, no falls.", SectionKind.OTHER),
        ("her mother had a hip fracture at 70.", SectionKind.OTHER),
        ("past history is notable for DVT.", SectionKind.OTHER),
        ("no calf tenderness.", SectionKind.EXAM),
        ("she takes 5 mg. daily.", SectionKind.EXAM),
        ("osteoporosis.", SectionKind.ASSESSMENT),
    ]


def test_an_upper_case_abbreviation_alone_on_its_line_is_a_heading() -> None:
    text = "Exam: lungs clear.\n\nA/P\n1. CHF - stable.\n"
    assert _sentences(text)[-1] == ("1. CHF - stable.", SectionKind.ASSESSMENT)


def test_windows_line_endings() -> None:
    text = "HPI: cough and\r\nfever.\r\nASSESSMENT AND PLAN\r\n1. Acute bronchitis.\r\n\u2022 HTN\r\n"
    assert _sentences(text) == [
        ("cough and\r\nfever.", SectionKind.HPI),
        ("1. Acute bronchitis.", SectionKind.ASSESSMENT),
        ("\u2022 HTN", SectionKind.ASSESSMENT),
    ]
