"""The three elements of medical decision making (2021 AMA office E/M rules), each read from the note's own words.

Problems come from the assessment (or plan) items, data from the tests, records, historians, interpretations and
discussions the note documents, risk from the management the plan decides. Each element keeps its level, one line
saying why, and the spans of the words that decided it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from revcycle.coding.document import Note, Section, SectionKind
from revcycle.coding.result import Evidence
from revcycle.coding.visit import span

LEVELS = ("minimal", "low", "moderate", "high")
"""MDM levels in order; ``minimal`` is what the AMA table calls straightforward."""

HISTORY_SECTIONS = frozenset(
    {
        SectionKind.PAST_HISTORY,
        SectionKind.FAMILY_HISTORY,
        SectionKind.SOCIAL_HISTORY,
        SectionKind.MEDICATIONS,
        SectionKind.ALLERGIES,
        SectionKind.REVIEW_OF_SYSTEMS,
    }
)
"""Sections that say what was, not what was done or decided at this visit."""


@dataclass(frozen=True, slots=True)
class Element:
    """One element of MDM at its level.

    Attributes:
        name: ``problems``, ``data`` or ``risk``.
        level: one of LEVELS.
        reason: what was counted, with the words, for the reasoning line.
        evidence: the spans of those words.
        count: for problems, the number of problems addressed; else the number of items counted.
    """

    name: str
    level: str
    reason: str
    evidence: tuple[Evidence, ...]
    count: int = 0


def rank(level: str) -> int:
    """The position of ``level`` in LEVELS."""
    return LEVELS.index(level)


def mdm_level(elements: Sequence[Element]) -> str:
    """The MDM level two of the three elements meet or exceed: the middle one once sorted."""
    return sorted((element.level for element in elements), key=rank)[1]


def _compile(*words: str) -> re.Pattern[str]:
    return re.compile("|".join(words), re.IGNORECASE)


# --- problems -----------------------------------------------------------------------------------------------------

_MARKER = re.compile(r"^[ \t]*(?:\d+[.)]|[-*\u2022#])[ \t]*", re.MULTILINE)
_PLAN_ONLY = _compile(
    r"^(?:continue|start|increase|decrease|return|follow|rtc|f/u|recommend|order|check|will|prescribe|rx|discussed|"
    r"counsel|advised|refer|schedule|labs?\b|plan|patient (?:was )?(?:educated|instructed|advised)|ice|rest|"
    r"tylenol|ibuprofen|see |call|signed|electronically|the patient\b|patient\b|she\b|he\b|we\b|i\b|they\b|"
    r"her\b|his\b|it\b|this\b|there\b|total time)"
)
_THREAT = _compile(
    r"threat to (?:life|bodily function)|life[- ]threatening|severe exacerbation|severely (?:uncontrolled|worsening)",
    r"\bsepsis\b|\bseptic\b|acute coronary|\bacs\b|n?stemi\b|myocardial infarction|pulmonary embol|\bdka\b",
    r"unstable angina|rapid ventricular response|\brvr\b|decompensat",
    r"ketoacidosis|suicidal|\bstroke\b|\btia\b|respiratory distress|anaphylaxis|hypertensive (?:emergency|urgency)",
)
_CHRONIC_WORSENING = _compile(
    r"exacerbat|\bexac\b|\bflare|uncontrolled|not (?:well[- ])?controlled|poorly controlled|inadequately controlled",
    r"suboptimal(?:ly)? controlled|not at (?:goal|target)|above (?:goal|target)|progress(?:ion|ing|ed)\b",
    r"side effects? of|adverse effect|acute on chronic|wearing[- ]off|motor fluctuations|failing",
)
"""Words that make a problem a chronic illness getting worse by themselves (a flare is of a chronic disease)."""
_WORSENING = _compile(r"worsen|deteriorat|increas\w* (?:frequency|severity)|more frequent|worse\b|side effects?")
"""Words that make a chronic illness worse only when the problem is named as chronic."""
_UNDIAGNOSED = _compile(
    r"uncertain prognosis|undiagnosed|unclear (?:etiology|cause)|new (?:problem|finding)|concerning for",
    r"suspicious for|\bmass\b|\blump\b|\bnodule\b|(?:cannot|can't|unable to) (?:exclude|rule out)",
    r"cannot be (?:excluded|ruled out)",
)
_SYSTEMIC = _compile(r"systemic symptoms|pyelonephritis|pneumonia|\bwith fevers?\b|\bfebrile\b")
_COMPLICATED_INJURY = _compile(r"complicated (?:injury|laceration)|\bfracture|dislocat")
_CHRONIC = _compile(
    r"\bchronic\b|hypertension|\bhtn\b|diabet|\bdm ?2?\b|\bt2dm\b|hyperlipidemia|\bhld\b|dyslipidemia|cholesterol",
    r"asthma|\bcopd\b|\bckd\b|kidney disease|hypothyroid|hyperthyroid|\bgerd\b|reflux|depress|\bmdd\b|anxiety",
    r"\bgad\b|heart failure|\bchf\b|hfref|hfpef|atrial fibrillation|a-?fib\b|\bcad\b|coronary artery disease",
    r"osteoarthritis|\boa\b|\bbph\b|migraine|epilepsy|seizure disorder|obesity|osteoporosis|adhd|bipolar",
    r"schizophrenia|psoriasis|eczema|atopic dermatitis|rheumatoid|\bgout\b|\bhiv\b|hepatitis c|parkinson|dementia",
    r"insomnia|neuropathy|allergic rhinitis|sleep apnea|\bosa\b|anemia|hypothyroidism|glaucoma|\bpoag\b|coronary",
    r"cardiomyopathy|cirrhosis|multiple sclerosis|lupus|crohn|colitis|\bibs\b|macular degeneration|\buc\b",
    r"atherosclero|peripheral arter|\bpad\b|claudication|respiratory failure|emphysema|gammopathy|hepatitis b",
)
_PAST = _compile(r"\bold\b|history of|\bh/o\b|\bs/p\b|status post|\bprior\b|\bremote\b|resolved")
_NOT_A_PROBLEM = _compile(
    r"^(?:no|not|negative|denies|without|rule out|health maintenance|screening|preventive|immunizations?|vaccines?|"
    r"history of|hx of|h/o|s/p|status post|long[- ]term|family history)\b"
)
_ACUTE = _compile(
    r"\bacute\b|uncomplicated|otitis|sinusitis|pharyngitis|strep|tonsillitis|\buri\b|upper respiratory|bronchitis",
    r"cystitis|\buti\b|urinary tract infection|conjunctivitis|gastroenteritis|sprain|strain|contusion|laceration",
    r"abrasion|cellulitis|abscess|influenza|covid|rash|dermatitis|cough|wart|verruca|burn|bite|vaginitis|impetigo",
)
_MINOR = _compile(r"self[- ]limit|\bminor\b|common cold|insect bite|\btinea\b|skin tag|cerumen")
_CHRONIC_CODES = re.compile(
    r"^(?:I1[0-6]|E0[89]|E1[013]|E78|E66|J4[45]|N18|E0[35]|K21|F3[2-4]|F41|I50|I48|I25|M1[5-9]|N40|G43|G40|M81|F90|"
    r"L40|M05|M06|M1A|M10|B20|B18|G20|G30|F03|G47|G62|G63|J30|D50|D63|D64)"
)


_UNSTATED = "problem of unstated kind (counted low)"


@dataclass(frozen=True, slots=True)
class _Problem:
    kind: str
    level: str
    start: int
    end: int


def _item_spans(note: Note, section: Section) -> Iterator[tuple[int, int]]:
    """Problem items of an assessment: numbered or bulleted blocks, else lines, else diagnosis-like sentences."""
    body = note.text[section.start : section.end]
    markers = list(_MARKER.finditer(body))
    if markers:
        for index, marker in enumerate(markers):
            stop = markers[index + 1].start() if index + 1 < len(markers) else len(body)
            # A block runs to its line's end: lines after it without a marker are usually plan or sign-off.
            line_end = body.find("\n", marker.end())
            stop = stop if line_end < 0 else min(stop, line_end)
            yield section.start + marker.end(), section.start + stop
        return
    for sentence in note.sentences:
        if section.start <= sentence.start < section.end:
            yield sentence.start, sentence.end


def _classify(text: str, start: int, end: int) -> _Problem | None:
    lower = text.strip().lower()
    if not lower or _PLAN_ONLY.match(lower) or _NOT_A_PROBLEM.match(lower):
        return None
    chronic = _CHRONIC.search(lower) is not None
    if _THREAT.search(lower) and not _PAST.search(lower):
        return _Problem("threat to life or bodily function / severe exacerbation", "high", start, end)
    if _CHRONIC_WORSENING.search(lower) or (chronic and _WORSENING.search(lower)):
        return _Problem("chronic illness with exacerbation, progression or side effects", "moderate", start, end)
    if _UNDIAGNOSED.search(lower):
        return _Problem("undiagnosed new problem with uncertain prognosis", "moderate", start, end)
    if _SYSTEMIC.search(lower):
        return _Problem("acute illness with systemic symptoms", "moderate", start, end)
    if _COMPLICATED_INJURY.search(lower):
        return _Problem("acute complicated injury", "moderate", start, end)
    if chronic:
        return _Problem("stable chronic illness", "low", start, end)
    if _MINOR.search(lower):
        return _Problem("self-limited or minor problem", "minimal", start, end)
    if _ACUTE.search(lower):
        return _Problem("acute uncomplicated illness or injury", "low", start, end)
    # A problem whose words name no kind is counted low, as an acute uncomplicated one would be.
    return _Problem(_UNSTATED, "low", start, end)


def _problems_found(note: Note) -> list[_Problem]:
    sections = [section for section in note.sections if section.kind is SectionKind.ASSESSMENT]
    if not sections:
        sections = [section for section in note.sections if section.kind is SectionKind.PLAN]
    found: list[_Problem] = []
    if not sections:
        inline = _INLINE_ASSESSMENT.search(note.text)
        if inline:
            found += _inline_items(note, inline.end())
    for section in sections:
        for start, end in _item_spans(note, section):
            text = note.text[start:end].rstrip()
            problem = _classify(text, start, start + len(text))
            if problem is not None:
                found.append(problem)
    return found


_INLINE_ASSESSMENT = _compile(r"\b(?:assessment|impression|diagnos[ie]s)\b\s*(?:and plan)?\s*:?\s*")
_INLINE_PLAN = _compile(r"\bplan\b|\b(?:she|he|patient) (?:needs|will)\b|\bi (?:discussed|called|ordered)")


def _inline_items(note: Note, start: int) -> list[_Problem]:
    """Problems of a note written without headings (dictation): from "assessment"/"impression" up to the plan.

    A dictated assessment runs its problems together with commas ("COPD with emphysema, stable, chronic
    respiratory failure with hypoxia, stable"): a piece naming a kind of problem opens one, and a piece naming
    none ("stable", "likely vasovagal") is read with the problem before it.
    """
    stop = _INLINE_PLAN.search(note.text, start)
    end = stop.start() if stop else min(len(note.text), start + 300)
    items: list[_Problem] = []
    for piece in re.finditer(r"[^.;,]+", note.text[start:end]):
        begin, stop_at = start + piece.start(), start + piece.start() + len(piece.group().rstrip())
        problem = _classify(piece.group(), begin, stop_at)
        if problem is None:
            continue
        if items and problem.kind == _UNSTATED:
            previous = items[-1]
            merged = _classify(note.text[previous.start : stop_at], previous.start, stop_at)
            items[-1] = merged if merged is not None else previous
            continue
        items.append(problem)
    return items


def problems_element(note: Note, diagnoses: Sequence[str] = ()) -> Element:
    """Number and complexity of problems addressed, from the assessment (or plan) items.

    When the note has no assessment or plan, the diagnosis codes already found stand in for it: each distinct
    category is a problem, chronic categories (I10, E11, ...) stable chronic illnesses, the rest acute uncomplicated.
    """
    found = _problems_found(note)
    if not found and diagnoses:
        categories = sorted({code.replace(".", "")[:3] for code in diagnoses if not code.upper().startswith("Z")})
        kinds = [
            ("stable chronic illness" if _CHRONIC_CODES.match(category) else "acute uncomplicated illness or injury")
            for category in categories
        ]
        found = [_Problem(kind, "low", 0, 0) for kind in kinds]
    chronic = [problem for problem in found if problem.kind == "stable chronic illness"]
    top = max((problem for problem in found), key=lambda problem: rank(problem.level), default=None)
    evidence = tuple(span(note, problem.start, problem.end) for problem in found if problem.end > problem.start)
    if top is None:
        return Element("problems", "minimal", "no problem addressed was found in the assessment or plan", ())
    if top.level == "high" or top.level == "moderate":
        level, why = top.level, f"{top.kind}: '{_short(note, top)}'"
    elif len(chronic) >= 2:
        level, why = "moderate", f"{len(chronic)} stable chronic illnesses"
    elif top.level == "low":
        level, why = "low", f"{top.kind}: '{_short(note, top)}'"
    elif len(found) >= 2:
        level, why = "low", f"{len(found)} self-limited or minor problems"
    else:
        level, why = "minimal", f"one self-limited or minor problem: '{_short(note, top)}'"
    return Element("problems", level, f"{len(found)} problem(s) addressed; {why}", evidence, len(found))


def _short(note: Note, problem: _Problem) -> str:
    text = " ".join(note.text[problem.start : problem.end].split())
    return text if len(text) <= 60 else text[:57] + "..."


# --- data ---------------------------------------------------------------------------------------------------------

_TESTS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.IGNORECASE))
    for name, pattern in (
        ("CBC", r"\bcbc\b|complete blood count"),
        ("CMP", r"\bcmp\b|comprehensive metabolic"),
        ("BMP", r"\bbmp\b|basic metabolic"),
        ("lipid panel", r"lipid panel|\blipids\b|fasting lipid"),
        ("A1c", r"\b(?:hb)?a1c\b|hemoglobin a1c"),
        ("TSH", r"\btsh\b|thyroid (?:panel|function)"),
        ("urinalysis", r"urinalysis|\bua\b|urine dip"),
        ("urine culture", r"urine culture"),
        ("PSA", r"\bpsa\b"),
        ("vitamin D", r"vitamin d\b|25-oh"),
        ("liver panel", r"\blfts?\b|liver function|hepatic panel"),
        ("INR", r"\binr\b"),
        ("BNP", r"\bbnp\b"),
        ("troponin", r"troponin"),
        ("ECG", r"\be[ck]g\b|electrocardiogram"),
        ("chest X-ray", r"\bcxr\b|chest (?:x-?ray|radiograph|film)"),
        ("X-ray", r"(?<!chest )\bx-?rays?\b|\bxr\b|radiographs?\b"),
        ("CT", r"\bct\b|cat scan"),
        ("MRI", r"\bmri\b"),
        ("ultrasound", r"ultrasound|\bsonogram\b"),
        ("echocardiogram", r"\becho(?:cardiogram)?\b"),
        ("stress test", r"stress test"),
        ("mammogram", r"mammogra"),
        ("DEXA", r"\bdexa\b|bone density"),
        ("spirometry", r"spirometry|\bpfts?\b"),
        ("Holter", r"holter|(?:ambulatory |event )?cardiac monitor|event monitor|\bzio\b"),
        ("visual field", r"visual fields? (?:test|from|reviewed)|humphrey"),
        ("OCT", r"\boct\b"),
        ("rapid strep", r"rapid strep|strep (?:test|screen)"),
        ("influenza test", r"(?:rapid )?(?:flu|influenza) (?:test|swab|screen)"),
        ("COVID test", r"covid(?:-19)? (?:test|pcr|antigen)"),
        ("culture", r"(?<!urine )\bculture\b"),
        ("pregnancy test", r"pregnancy test|\bupt\b|\bhcg\b"),
        ("urine albumin", r"microalbumin|\buacr\b|albumin[- ]creatinine"),
        ("renal function", r"creatinine|\begfr\b"),
        ("glucose", r"\bglucose\b"),
        ("iron studies", r"ferritin|iron studies"),
    )
)
_NAMED_TEST = re.compile(
    r"\b(?:[a-z0-9-]+ ){0,2}(?:panels?|genotype|rna|antibod(?:y|ies)|serolog(?:y|ies)|viral load|titers?|"
    r"electrophoresis|immunofixation|light chains|immunoglobulins)\b",
    re.IGNORECASE,
)
"""Laboratory tests the list above does not name ("hepatitis B immunity panel", "HCV genotype"), one per name."""
_TEST_CUE = _compile(
    r"order|obtain|check|will get|\bdraw|\bsend\b|\bsent\b|repeat|request|review|result|show|reveal|came back|"
    r"normal|abnormal|elevated|\blow\b|\bhigh\b|positive|negative|\d|done|performed|pending"
)
_HISTORIAN = _compile(
    r"\b(?:history|hx)\s+(?:is\s+|was\s+)?(?:obtained|provided|given|taken)\s+(?:by|from)\s+(?:the\s+)?(?:patient's\s+)?"
    r"(?:mother|father|parents?|mom|dad|wife|husband|spouse|daughter|son|caregiver|guardian|family|grandmother|"
    r"grandfather|aide|staff)",
    r"\bindependent historian\b",
    r"\bper (?:his |her |the )?(?:mother|father|mom|dad|parents?|wife|husband|spouse|daughter|son|caregiver|"
    r"guardian)\b",
    r"\b(?:mother|father|mom|dad|parents?|caregiver|guardian|wife|husband|daughter|son) (?:reports|states|says|notes|"
    r"endorses|describes|relates)\b",
)
_EXTERNAL_NOTES = _compile(
    r"\b(?:outside|external) (?:records|notes?)\b",
    r"\brecords? from (?:the |his |her )?[\w ]{2,30}?(?=[,.;]| (?:were|was|reviewed))",
    r"\b(?:reviewed|review of) (?:the )?(?:ed|er|emergency department|hospital|urgent care|specialist|"
    r"cardiology|orthopedic|consult(?:ation)?) (?:notes?|records?|visit)\b",
    r"\bdischarge summary\b",
)
_INTERPRETATION = _compile(
    r"\b(?:personally|independently) (?:reviewed|interpreted|viewed|read)\b",
    r"\bmy (?:own )?(?:interpretation|read)\b",
    r"\bindependent interpretation\b",
)
_DISCUSSION = _compile(
    r"\b(?:discussed|spoke|talked|conferred|consulted)\s+(?:the case |case |management |findings |results )?with\s+"
    r"(?:dr\.?\s|the (?:patient's )?\w+(?:ologist|ician|surgeon)\b|(?:his|her|their) (?:\w+ologist|surgeon|pcp|"
    r"oncologist)\b|\w+ologist\b|cardiology|nephrology|oncology|surgery|radiology|orthopedics|neurology|"
    r"gastroenterology|the on-?call|pharmacist|poison control)",
)


def _working_sentences(note: Note) -> Iterator[tuple[int, int, str]]:
    for sentence in note.sentences:
        if sentence.section.kind not in HISTORY_SECTIONS:
            yield sentence.start, sentence.end, note.text[sentence.start : sentence.end]


def data_element(note: Note, billed: Sequence[tuple[int, int]] = ()) -> Element:
    """Amount and complexity of data reviewed and analysed, by the AMA's three categories.

    Category 1 counts unique tests (ordered or reviewed), unique external sources and an independent historian;
    category 2 an independent interpretation of a test; category 3 a discussion with an external physician.

    Args:
        note: the note.
        billed: spans of tests done and reported in the office (a dipstick, an ECG read here): the AMA does not
            count a test whose performance or interpretation is reported separately, so sentences holding one are
            passed over for tests and interpretation.
    """
    tests: dict[str, Evidence] = {}
    notes: dict[str, Evidence] = {}
    historian: Evidence | None = None
    interpretation: Evidence | None = None
    discussion: Evidence | None = None
    for start, end, text in _working_sentences(note):
        reported = any(start <= begin < end for begin, _stop in billed)
        cued = not reported and _TEST_CUE.search(text) is not None
        for name, pattern in _TESTS:
            match = pattern.search(text)
            if match and cued and name not in tests:
                tests[name] = span(note, start + match.start(), start + match.end())
        for match in _NAMED_TEST.finditer(text) if cued else ():
            tests.setdefault(
                " ".join(match.group().lower().split()), span(note, start + match.start(), start + match.end())
            )
        for match in _EXTERNAL_NOTES.finditer(text):
            notes.setdefault(match.group().lower(), span(note, start + match.start(), start + match.end()))
        for pattern, kind in ((_HISTORIAN, "historian"), (_INTERPRETATION, "interpretation"), (_DISCUSSION, "talk")):
            match = pattern.search(text)
            if match is None or (kind == "interpretation" and reported):
                continue
            found = span(note, start + match.start(), start + match.end())
            if kind == "historian":
                historian = historian or found
            elif kind == "interpretation":
                interpretation = interpretation or found
            else:
                discussion = discussion or found
    if "urine culture" in tests:
        tests.pop("culture", None)
    documents = len(tests) + len(notes)
    category_one = documents + (1 if historian else 0)
    categories = sum((category_one >= 3, interpretation is not None, discussion is not None))
    parts = [f"{len(tests)} unique test(s)" + (f" ({', '.join(tests)})" if tests else "")]
    if notes:
        parts.append(f"{len(notes)} external source(s) ({', '.join(repr(item.text) for item in notes.values())})")
    parts += [f"{label}: '{item.text}'" for label, item in (("independent historian", historian),
              ("independent interpretation", interpretation), ("discussion with external physician", discussion))
              if item is not None]  # fmt: skip
    if categories >= 2:
        level = "high"
    elif categories == 1:
        level = "moderate"
    elif documents >= 2 or historian is not None:
        level = "low"
    else:
        level = "minimal"
    evidence = [*tests.values(), *notes.values(), *(item for item in (historian, interpretation, discussion) if item)]
    evidence.sort(key=lambda item: item.start)
    return Element("data", level, "; ".join(parts), tuple(evidence), documents)


# --- risk ---------------------------------------------------------------------------------------------------------

_HIGH_RISK = _compile(
    # Hospitalization counts as a decision made at this visit, not as history ("his hospitalization last year").
    r"(?:decision|decided|recommend\w*|consider\w*|discuss\w*|declin\w*|offer\w*|need\w*|warrant\w*|arrang\w*)"
    r"\b[^.;]{0,40}(?:hospitali[sz]|admission)|(?:hospitali[sz]ation|admission) (?:is |was )?(?:recommended|"
    r"considered|discussed|declined|offered|needed|warranted|arranged|not (?:needed|indicated|required))|"
    r"admit(?:ted)? (?:to|for)|direct admi|\b(?:send|sent|sending|transfer(?:red)?|"
    r"refer(?:red)?) (?:him |her |the patient |patient )?(?:directly )?to (?:the )?(?:ed|er|emergency|hospital)\b",
    r"hospital (?:evaluation|admission|care)|transport\w* to (?:the )?(?:ed|er|emergency|hospital)|\bems\b|ambulance",
    r"intensive monitoring|monitoring for toxicity|\bdnr\b|do not resuscitate|hospice|de-?escalat|"
    r"emergen(?:t|cy) surgery|parenteral (?:controlled|opioid)",
)
_SURGERY_DECISION = _compile(
    r"refer(?:red|ral)? (?:to|for) (?:\w+ )?surg|surgical (?:referral|consult|evaluation|candidate|option)|"
    r"schedul\w* (?:for )?(?:surgery|\w+ectomy|\w+plasty)|decision (?:regarding|for|about) (?:elective )?surgery",
)
_SOCIAL = _compile(
    r"social determinants|(?:unable to|cannot|can't) afford|housing insecur|food insecur|homeless|"
    r"(?:lack of|no) transportation|uninsured",
)
_RX_VERB = _compile(
    r"\bstart|\bbegin|\binitiat|prescri|\brx\b|\bcontinue|\bincrease|\bdecrease|titrat|refill|switch|"
    r"change(?:d)? to|discontinu|\bstop|taper|adjust|resume|restart|\bgiven\b|\btake\b|\bcont\b|\bincr\b|"
    r"\bdecr\b|\bd/c\b|\bhold\b"
)
_OTC = _compile(
    r"acetaminophen|tylenol|ibuprofen|advil|motrin|naproxen|aleve|loratadine|claritin|cetirizine|zyrtec|"
    r"fexofenadine|allegra|diphenhydramine|benadryl|guaifenesin|mucinex|saline|pseudoephedrine|sudafed|"
    r"dextromethorphan|docusate|colace|miralax|polyethylene glycol|calamine|hydrocortisone 1%|over[- ]the[- ]counter|"
    r"\botc\b|antacid|tums|vitamin|melatonin|aspirin 81|baby aspirin|multivitamin|fish oil|fiber|lozenge"
)
_RX_DRUG = _compile(
    r"\b\w+(?:cillin|mycin|micin|floxacin|cycline|pril|sartan|olol|statin|dipine|prazole|gliptin|gliflozin|glutide|"
    r"azepam|zolam|oxetine|aloprams?|traline|triptan|semide|thiazide|sone|olone|mab|tidine|formin|zide|parin|"
    r"oxaban|xaban|afil|tadine|lukast|terol|asone|azole|vir|azine|apine|codone|morphone|ilol|alol|triol|onide)\b|\bcef\w+",
    r"\b(?:amoxicillin|augmentin|cephalexin|keflex|bactrim|nitrofurantoin|macrobid|prednisone|medrol|lisinopril|"
    r"metformin|insulin|levothyroxine|synthroid|warfarin|eliquis|xarelto|gabapentin|tramadol|albuterol|"
    r"fluticasone|montelukast|sertraline|escitalopram|bupropion|trazodone|zolpidem|tamsulosin|finasteride|"
    r"allopurinol|colchicine|ozempic|jardiance|farxiga|lantus|ketorolac|toradol|ceftriaxone|rocephin|"
    r"methylprednisolone|kenalog|triamcinolone|dexamethasone|valacyclovir|acyclovir|oseltamivir|tamiflu|"
    r"ondansetron|zofran|cyclobenzaprine|meloxicam|diclofenac|mupirocin|nystatin|clotrimazole|clindamycin)\b",
    r"\bprescription\b",
)
_DOSED_DRUG = re.compile(r"\b([A-Za-z][A-Za-z-]{3,})\s+\d+(?:\.\d+)?\s*(?:mg|mcg|units?|ml)\b", re.IGNORECASE)
_NOT_DRUG = frozenset(
    {"dose", "dosage", "with", "take", "then", "daily", "total", "give", "given", "increase", "decrease", "increased",
     "decreased", "from", "about", "approximately", "than", "once", "twice", "each", "every", "over", "weight",
     "weighs", "glucose", "sugar", "sugars", "level", "levels", "only", "down", "back", "taking"}
)  # fmt: skip
_LOW_RISK = _compile(
    r"physical therapy|occupational therapy|\biv fluids\b|cryotherapy|liquid nitrogen|incision and drainage|"
    r"\bi ?& ?d\b|excis|laceration repair|sutur|injection|aspiration|arthrocentesis",
)
_MINIMAL_RISK = _compile(r"\brest\b|gargle|\bice\b|elastic bandage|\bfluids\b|reassur|supportive care|observation")


def _risk_sentences(note: Note) -> list[tuple[int, int, str]]:
    kinds = {SectionKind.ASSESSMENT, SectionKind.PLAN, SectionKind.PROCEDURE}
    chosen = [
        (sentence.start, sentence.end, note.text[sentence.start : sentence.end])
        for sentence in note.sentences
        if sentence.section.kind in kinds
    ]
    return chosen or list(_working_sentences(note))


def _prescription(text: str) -> re.Match[str] | None:
    if not _RX_VERB.search(text) and not re.search(r"\d\s*(?:mg|mcg|units?)\b", text, re.IGNORECASE):
        return None
    for match in _RX_DRUG.finditer(text):
        if not _OTC.search(match.group()):
            return match
    # An unlisted drug name managed with a dose ("start benzonatate 100 mg") is still a prescription drug.
    if _RX_VERB.search(text):
        for match in _DOSED_DRUG.finditer(text):
            if not _OTC.search(match.group(1)) and match.group(1).lower() not in _NOT_DRUG:
                return match
    return None


def risk_element(note: Note) -> Element:
    """Risk of complications of patient management, from the decisions the assessment and plan record."""
    best: tuple[str, str, Evidence] | None = None
    for start, _end, text in _risk_sentences(note):
        candidates: list[tuple[str, str, re.Match[str] | None]] = [
            (
                "high",
                "decision regarding hospitalization, intensive monitoring or de-escalation",
                _HIGH_RISK.search(text),
            ),
            ("moderate", "prescription drug management", _prescription(text)),
            ("moderate", "decision regarding elective major surgery", _SURGERY_DECISION.search(text)),
            ("moderate", "diagnosis or treatment limited by social determinants of health", _SOCIAL.search(text)),
            ("low", "over-the-counter drugs", _OTC.search(text)),
            ("low", "minor surgery, therapy or IV fluids", _LOW_RISK.search(text)),
            ("minimal", "rest, fluids, reassurance", _MINIMAL_RISK.search(text)),
        ]
        for level, why, match in candidates:
            if match is None:
                continue
            found = span(note, start + match.start(), start + match.end())
            if best is None or rank(level) > rank(best[0]):
                best = (level, why, found)
            break
    if best is None:
        return Element("risk", "minimal", "no management beyond minimal risk was found in the plan", ())
    level, why, found = best
    return Element("risk", level, f"{why}: '{found.text}'", (found,), 1)
