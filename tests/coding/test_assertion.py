"""Assertion status: ConText triggers, their scopes, and what the section adds."""

from __future__ import annotations

import pytest

from revcycle.coding.assertion import Assertion, assertion_of, modifiers
from revcycle.coding.document import SectionKind, read_note


def _status(text: str, mention: str) -> Assertion:
    note = read_note(text)
    start = text.index(mention)
    return assertion_of(note, start, start + len(mention)).status


@pytest.mark.parametrize(
    ("sentence", "mention", "expected"),
    [
        ("Patient denies fever, chills or cough.", "fever", Assertion.NEGATED),
        ("Never smoker.", "smoker", Assertion.NEGATED),
        ("Never diagnosed with high blood pressure.", "high blood pressure", Assertion.NEGATED),
        ("Patient denies fever, chills or cough.", "chills", Assertion.NEGATED),
        ("Patient denies fever, chills or cough.", "cough", Assertion.NEGATED),
        ("No fever but reports cough.", "fever", Assertion.NEGATED),
        ("No fever but reports cough.", "cough", Assertion.PRESENT),
        ("No fever, reports productive cough.", "cough", Assertion.PRESENT),
        ("Negative for chest pain and shortness of breath.", "shortness of breath", Assertion.NEGATED),
        ("He has no history of diabetes.", "diabetes", Assertion.NEGATED),
        ("Lungs are clear without wheezes or rales.", "rales", Assertion.NEGATED),
        ("Free of seizures for two years.", "seizures", Assertion.NEGATED),
        ("Pulmonary embolism was ruled out.", "Pulmonary embolism", Assertion.NEGATED),
        ("Pneumonia has been ruled out.", "Pneumonia", Assertion.NEGATED),
        ("There is no evidence of pneumonia.", "pneumonia", Assertion.NEGATED),
        ("Absence of edema.", "edema", Assertion.NEGATED),
        ("Chest pain: denied.", "Chest pain", Assertion.NEGATED),
        ("Strep test negative.", "Strep", Assertion.NEGATED),
        ("No change in his chronic back pain.", "back pain", Assertion.PRESENT),
        ("No increase in dyspnea.", "dyspnea", Assertion.PRESENT),
        ("Not only hypertension but also diabetes.", "hypertension", Assertion.PRESENT),
        ("Blood cultures grew gram negative rods, consistent with sepsis.", "sepsis", Assertion.UNCERTAIN),
        ("Patient is not compliant with his diabetes medications.", "diabetes", Assertion.PRESENT),
        ("Edema is not present.", "Edema", Assertion.NEGATED),
        ("Possible pneumonia.", "pneumonia", Assertion.UNCERTAIN),
        ("Probable viral syndrome.", "viral syndrome", Assertion.UNCERTAIN),
        ("Likely viral pharyngitis.", "viral pharyngitis", Assertion.UNCERTAIN),
        ("Suspected appendicitis, surgery consulted.", "appendicitis", Assertion.UNCERTAIN),
        ("Chest x-ray suspicious for pneumonia.", "pneumonia", Assertion.UNCERTAIN),
        ("Questionable UTI.", "UTI", Assertion.UNCERTAIN),
        ("R/O myocardial infarction.", "myocardial infarction", Assertion.UNCERTAIN),
        ("Rule out pulmonary embolism.", "pulmonary embolism", Assertion.UNCERTAIN),
        ("Bronchitis versus pneumonia.", "Bronchitis", Assertion.UNCERTAIN),
        ("Bronchitis versus pneumonia.", "pneumonia", Assertion.UNCERTAIN),
        ("Concern for sepsis.", "sepsis", Assertion.UNCERTAIN),
        ("Cannot exclude fracture.", "fracture", Assertion.UNCERTAIN),
        ("Fracture cannot be ruled out.", "Fracture", Assertion.UNCERTAIN),
        ("Differential includes migraine and tension headache.", "tension headache", Assertion.UNCERTAIN),
        ("This may be early cellulitis.", "cellulitis", Assertion.UNCERTAIN),
        ("Findings consistent with otitis media.", "otitis media", Assertion.UNCERTAIN),
        ("? pneumonia", "pneumonia", Assertion.UNCERTAIN),
        ("Pneumonia?", "Pneumonia", Assertion.UNCERTAIN),
        ("Pneumonia is likely.", "Pneumonia", Assertion.UNCERTAIN),
        ("History of myocardial infarction in 2015.", "myocardial infarction", Assertion.HISTORICAL),
        ("H/o DVT.", "DVT", Assertion.HISTORICAL),
        ("Hx of breast cancer.", "breast cancer", Assertion.HISTORICAL),
        ("S/p appendectomy.", "appendectomy", Assertion.HISTORICAL),
        ("Status post CABG.", "CABG", Assertion.HISTORICAL),
        ("Previous stroke with no residual deficits.", "stroke", Assertion.HISTORICAL),
        ("Prior MI.", "MI", Assertion.HISTORICAL),
        ("She had pneumonia in the past.", "pneumonia", Assertion.HISTORICAL),
        ("Remote history of peptic ulcer disease.", "peptic ulcer disease", Assertion.HISTORICAL),
        ("Pneumonia has resolved.", "Pneumonia", Assertion.HISTORICAL),
        ("History of asthma, now presents with pneumonia.", "pneumonia", Assertion.PRESENT),
        ("Family history of colon cancer.", "colon cancer", Assertion.FAMILY),
        ("Mother has diabetes.", "diabetes", Assertion.FAMILY),
        ("Father with MI at age 50.", "MI", Assertion.FAMILY),
        ("Breast cancer in her maternal aunt.", "Breast cancer", Assertion.FAMILY),
        ("Paternal grandfather had prostate cancer.", "prostate cancer", Assertion.FAMILY),
        ("FHx: CAD in father.", "CAD", Assertion.FAMILY),
        ("Mother reports that he has had a cough for a week.", "cough", Assertion.PRESENT),
        ("Lives with her mother, has asthma.", "asthma", Assertion.PRESENT),
        ("No family history of diabetes.", "diabetes", Assertion.FAMILY),
        ("Return if fever develops.", "fever", Assertion.HYPOTHETICAL),
        ("Call if chest pain worsens.", "chest pain", Assertion.HYPOTHETICAL),
        (
            "If symptoms worsen or she develops shortness of breath, go to the ED.",
            "shortness of breath",
            Assertion.HYPOTHETICAL,
        ),
        ("Should he develop a rash, stop the medication.", "rash", Assertion.HYPOTHETICAL),
        ("Watch for signs of infection.", "infection", Assertion.HYPOTHETICAL),
        ("Discussed risk of bleeding.", "bleeding", Assertion.HYPOTHETICAL),
        ("Start DVT prophylaxis.", "DVT", Assertion.HYPOTHETICAL),
        ("Fall precautions.", "Fall", Assertion.HYPOTHETICAL),
        ("Screening for colon cancer.", "colon cancer", Assertion.HYPOTHETICAL),
        ("Hives only when she takes penicillin.", "Hives", Assertion.CONDITIONAL),
        ("Wheezing whenever exposed to cats.", "Wheezing", Assertion.CONDITIONAL),
        ("Shortness of breath with exertion.", "Shortness of breath", Assertion.PRESENT),
        ("Chest pain when she exercises.", "Chest pain", Assertion.PRESENT),
        ("Acute bronchitis, start albuterol.", "Acute bronchitis", Assertion.PRESENT),
        ("Type 2 diabetes mellitus with CKD stage 3.", "Type 2 diabetes mellitus", Assertion.PRESENT),
        ("She has hypertension; no diabetes.", "hypertension", Assertion.PRESENT),
        ("She has hypertension; no diabetes.", "diabetes", Assertion.NEGATED),
        ("No fever; cough for 3 days.", "cough", Assertion.PRESENT),
        ("Denies nausea, however has vomiting.", "vomiting", Assertion.PRESENT),
        ("No chest pain, which is reassuring, and asthma is stable.", "asthma", Assertion.PRESENT),
        ("7-year-old boy with asthma.", "asthma", Assertion.PRESENT),
        ("45 year old female with hypertension presents with cough.", "hypertension", Assertion.PRESENT),
        ("Over the past 2 weeks she has had a cough.", "cough", Assertion.PRESENT),
        ("Evaluate for pneumonia.", "pneumonia", Assertion.UNCERTAIN),
        ("Patient with no known drug allergies and hypertension.", "hypertension", Assertion.NEGATED),
        ("Pulses absent.", "Pulses", Assertion.NEGATED),
        ("The rash improved without treatment.", "rash", Assertion.PRESENT),
        ("ROS: negative for fever, chills, cough", "chills", Assertion.NEGATED),
        ("ROS: Constitutional: No fever or weight loss.", "weight loss", Assertion.NEGATED),
        ("REVIEW OF SYSTEMS: Negative except for fatigue.", "fatigue", Assertion.PRESENT),
        ("FAMILY HISTORY: Diabetes and hypertension.", "hypertension", Assertion.FAMILY),
        ("PAST SURGICAL HISTORY: Appendectomy.", "Appendectomy", Assertion.HISTORICAL),
        ("PAST MEDICAL HISTORY: Hypertension, diabetes.", "diabetes", Assertion.PRESENT),
        ("She has a history of hypertension and takes lisinopril.", "hypertension", Assertion.HISTORICAL),
        ("No acute distress.", "acute distress", Assertion.NEGATED),
        ("Denies any numbness, tingling, or weakness in her legs.", "weakness", Assertion.NEGATED),
        ("Negative Homans sign.", "Homans sign", Assertion.PRESENT),
        ("She quit smoking 10 years ago.", "smoking", Assertion.HISTORICAL),
        ("Her symptoms are not consistent with angina.", "angina", Assertion.NEGATED),
        ("Abdomen soft, nontender, no masses.", "masses", Assertion.NEGATED),
        ("Patient presents with chest pain, no shortness of breath.", "shortness of breath", Assertion.NEGATED),
        ("Patient presents with chest pain, no shortness of breath.", "chest pain", Assertion.PRESENT),
        ("No fever. Has productive cough.", "productive cough", Assertion.PRESENT),
        ("The patient's father died of a myocardial infarction at 60.", "myocardial infarction", Assertion.FAMILY),
        ("Her sister was diagnosed with breast cancer.", "breast cancer", Assertion.FAMILY),
        ("Brother with type 1 diabetes.", "type 1 diabetes", Assertion.FAMILY),
        ("She is here with her husband for evaluation of knee pain.", "knee pain", Assertion.PRESENT),
        ("No evidence of deep vein thrombosis or pulmonary embolism.", "pulmonary embolism", Assertion.NEGATED),
        ("Tylenol as needed for pain.", "pain", Assertion.PRESENT),
        ("Will obtain CT to rule out appendicitis.", "appendicitis", Assertion.UNCERTAIN),
        ("Influenza test was negative.", "Influenza", Assertion.NEGATED),
        ("Likely secondary to viral infection.", "viral infection", Assertion.PRESENT),
        ("Assessment: Acute sinusitis.", "Acute sinusitis", Assertion.PRESENT),
        ("Headache, possibly migraine.", "migraine", Assertion.UNCERTAIN),
        ("Headache, possibly migraine.", "Headache", Assertion.PRESENT),
        ("Chest pain, unlikely cardiac.", "cardiac", Assertion.NEGATED),
        ("Pneumonia unlikely given clear lungs.", "Pneumonia", Assertion.NEGATED),
        ("Known history of COPD, currently with exacerbation.", "exacerbation", Assertion.PRESENT),
        ("No complications.", "complications", Assertion.NEGATED),
        ("The patient tolerated the procedure well without complications.", "complications", Assertion.NEGATED),
        ("Hypertension, well controlled.", "Hypertension", Assertion.PRESENT),
        ("Diabetes type 2, not at goal.", "Diabetes type 2", Assertion.PRESENT),
        ("Diabetes, not controlled.", "Diabetes", Assertion.PRESENT),
        ("She has a 3-day history of progressive weakness.", "weakness", Assertion.PRESENT),
        ("A one-week history of increasing dyspnea.", "dyspnea", Assertion.PRESENT),
        (
            "Woman, status post hysterectomy, recent urinary tract infection.",
            "urinary tract infection",
            Assertion.PRESENT,
        ),
        ("Status post delivery, presenting with calf pain.", "calf pain", Assertion.PRESENT),
        ("She presents with her mother for evaluation of headache.", "headache", Assertion.PRESENT),
        ("Stridor and shortness of breath according to mom.", "shortness of breath", Assertion.PRESENT),
        ("Gunshot wound in 1995, diabetes mellitus.", "diabetes mellitus", Assertion.PRESENT),
        ("Gunshot wound in 1995, diabetes mellitus.", "Gunshot wound", Assertion.HISTORICAL),
        ("Familial medical history is significant for diabetes.", "diabetes", Assertion.FAMILY),
        ("Range of motion without significant increase in pain.", "pain", Assertion.PRESENT),
        ("The child has not been having any coughing, gagging or vomiting.", "vomiting", Assertion.NEGATED),
        (
            "EGD showed no esophagitis and biopsies ruled out Barrett's esophagus.",
            "Barrett's esophagus",
            Assertion.NEGATED,
        ),
        ("Return or go to the ED for shortness of breath.", "shortness of breath", Assertion.HYPOTHETICAL),
        ("74-year-old man returns for treatment of actinic keratoses.", "actinic keratoses", Assertion.PRESENT),
        ("4-year-old here with mother for ear pain.", "ear pain", Assertion.PRESENT),
        ("Long discussion with father about her frequent sore throats.", "sore throats", Assertion.PRESENT),
        ("CBC with differential ordered for anemia.", "anemia", Assertion.PRESENT),
        ("Caring for her son, she reports low mood.", "low mood", Assertion.PRESENT),
        ("The right testicle did not present alterations, while the left had a tumor.", "tumor", Assertion.PRESENT),
        (
            "A 10-year-old with no history of interest, bilateral back pain after a fall.",
            "back pain",
            Assertion.PRESENT,
        ),
        (
            "A 53-year-old man with no significant past medical history who has nasal obstruction.",
            "nasal obstruction",
            Assertion.PRESENT,
        ),
        ("He did not present limb asymmetry, complained of pain in the knee.", "pain", Assertion.PRESENT),
        ("A six-year-old presented with a 12-hour history of abdominal pain.", "abdominal pain", Assertion.PRESENT),
        ("After resolution of the pneumonia the chest pain persisted.", "chest pain", Assertion.PRESENT),
        ("After resolution of the pneumonia the chest pain persisted.", "pneumonia", Assertion.HISTORICAL),
        ("The patient reports no recent weight loss.", "weight loss", Assertion.NEGATED),
        ("There are no signs of infection at the incision site.", "infection", Assertion.NEGATED),
        ("Her knee pain has improved but she still has swelling.", "swelling", Assertion.PRESENT),
        ("He has not had any seizures since starting levetiracetam.", "seizures", Assertion.NEGATED),
        ("Chest x-ray without acute cardiopulmonary process.", "acute cardiopulmonary process", Assertion.NEGATED),
        ("MRI shows no evidence of fracture or dislocation.", "dislocation", Assertion.NEGATED),
        ("The patient is unable to walk due to severe hip pain.", "hip pain", Assertion.PRESENT),
        ("Rule out strep throat; rapid strep sent.", "strep throat", Assertion.UNCERTAIN),
        ("Symptoms suggestive of irritable bowel syndrome.", "irritable bowel syndrome", Assertion.UNCERTAIN),
        ("Probable early Alzheimer disease.", "Alzheimer disease", Assertion.UNCERTAIN),
        ("We will check a TSH to evaluate for hypothyroidism.", "hypothyroidism", Assertion.UNCERTAIN),
        ("Her headaches may be related to poor sleep.", "headaches", Assertion.PRESENT),
        ("She underwent a cholecystectomy in 2015.", "cholecystectomy", Assertion.HISTORICAL),
        ("He had a myocardial infarction 5 years ago.", "myocardial infarction", Assertion.HISTORICAL),
        ("Patient with prior history of DVT, now on apixaban.", "DVT", Assertion.HISTORICAL),
        ("Childhood asthma, no symptoms since age 12.", "asthma", Assertion.HISTORICAL),
        ("His brother died of a heart attack at 45.", "heart attack", Assertion.FAMILY),
        ("Grandmother had Alzheimer's disease.", "Alzheimer's disease", Assertion.FAMILY),
        ("Strong family history of coronary artery disease.", "coronary artery disease", Assertion.FAMILY),
        ("Her father's colon cancer was diagnosed at 60.", "colon cancer", Assertion.FAMILY),
        ("Go to the ER if you develop chest pain or shortness of breath.", "chest pain", Assertion.HYPOTHETICAL),
        ("Return to clinic should symptoms persist.", "symptoms", Assertion.HYPOTHETICAL),
        ("Counseled on the risk of hypoglycemia with insulin.", "hypoglycemia", Assertion.HYPOTHETICAL),
        ("Patient reports chest tightness only with exposure to cold air.", "chest tightness", Assertion.CONDITIONAL),
        ("Acute otitis media, left ear.", "Acute otitis media", Assertion.PRESENT),
        ("Uncontrolled type 2 diabetes with hyperglycemia.", "hyperglycemia", Assertion.PRESENT),
        ("Patient is a smoker with COPD.", "COPD", Assertion.PRESENT),
        ("The rash is not pruritic.", "rash", Assertion.PRESENT),
        ("Denies suicidal ideation.", "suicidal ideation", Assertion.NEGATED),
        ("No melena or hematochezia.", "hematochezia", Assertion.NEGATED),
        ("She denies headache, but has had dizziness for two days.", "dizziness", Assertion.PRESENT),
        ("Negative for anxiety and depression.", "depression", Assertion.NEGATED),
        ("Pneumonia, resolved.", "Pneumonia", Assertion.HISTORICAL),
        ("Diabetic retinopathy is suspected.", "Diabetic retinopathy", Assertion.UNCERTAIN),
        ("Lungs clear to auscultation, no wheezes.", "wheezes", Assertion.NEGATED),
        ("No known drug allergies.", "drug allergies", Assertion.NEGATED),
        ("Plan to screen for hepatitis C.", "hepatitis C", Assertion.HYPOTHETICAL),
        ("His mother brought him in for fever and ear pain.", "fever", Assertion.PRESENT),
        ("She is worried she might have breast cancer.", "breast cancer", Assertion.UNCERTAIN),
        ("Follow up in 3 months for hypertension.", "hypertension", Assertion.PRESENT),
    ],
)
def test_status(sentence: str, mention: str, expected: Assertion) -> None:
    assert _status(sentence, mention) is expected


def test_the_trigger_that_decided_is_returned() -> None:
    text = "Chest pain. Denies fever, chills or cough."
    note = read_note(text)
    start = text.index("cough")
    result = assertion_of(note, start, start + 5)
    assert result.trigger is not None
    assert text[result.trigger[0] : result.trigger[1]] == "Denies"


def test_every_status_that_applies_is_listed_and_family_decides() -> None:
    text = "No family history of diabetes."
    note = read_note(text)
    start = text.index("diabetes")
    result = assertion_of(note, start, start + 8)
    assert result.status is Assertion.FAMILY
    assert result.statuses == {Assertion.FAMILY, Assertion.NEGATED}


def test_present_mentions_know_their_section() -> None:
    text = "PAST MEDICAL HISTORY: Hypertension.\nASSESSMENT: Hypertension, stable."
    note = read_note(text)
    first = text.index("Hypertension")
    second = text.index("Hypertension", first + 1)
    assert assertion_of(note, first, first + 12).section is SectionKind.PAST_HISTORY
    assert assertion_of(note, second, second + 12).section is SectionKind.ASSESSMENT
    assert assertion_of(note, first, first + 12).status is Assertion.PRESENT


def test_a_negated_review_of_systems_line_negates_every_item() -> None:
    text = "ROS:\nConstitutional: Negative. Eyes: blurred vision, diplopia - negative\nGI: nausea, vomiting, diarrhea"
    assert _status(text, "blurred vision") is Assertion.NEGATED
    assert _status(text, "diarrhea") is Assertion.PRESENT


def test_a_trigger_inside_the_mention_does_not_modify_it() -> None:
    assert _status("History of stroke.", "History of stroke") is Assertion.PRESENT


def test_modifiers_are_worked_out_once_per_sentence() -> None:
    note = read_note("Denies fever, chills or cough.")
    sentence = note.sentences[0]
    assert modifiers(note, sentence) is modifiers(note, sentence)
    [modifier] = modifiers(note, sentence)
    assert (modifier.category, modifier.scope_end) == (Assertion.NEGATED, sentence.end)
