"""Minor procedures done in the office, each read only when it was performed.

Joint injection or aspiration, incision and drainage, destruction of warts and premalignant lesions, excision of
skin lesions by excised diameter, and wound repair by summed length.

Each finder reads only performed services (`revcycle.coding.performed.done`) and returns `Service` records; where
the documentation blocks a code (no repair length, no excised diameter) it drafts a clinician query instead.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal

from revcycle.coding.document import Note, SectionKind, Sentence
from revcycle.coding.performed import Service, done, laterality, term_pattern, working_sentences
from revcycle.coding.procedure_catalog import Bands, catalog
from revcycle.coding.result import ClinicianQuery, Evidence, ProcedureSuggestion
from revcycle.coding.visit import span

QUERY_OPTIONS = ("Other (please specify)", "Clinically undetermined")


def _band(bands: Bands, size: Decimal) -> str:
    return next(code for bound, code in bands if size <= bound)


def site_group(text: str) -> str | None:
    """The catalogue site group the first site word of ``text`` belongs to (``face``, ``hands_feet``, ...)."""
    sites = catalog().sites
    by_word = {word: group for group, words in sites.items() for word in words}
    match = term_pattern(by_word).search(text)
    return by_word[match.group().lower()] if match else None


def _sentence_text(note: Note, sentence: Sentence) -> str:
    return note.text[sentence.start : sentence.end]


# --- joint injection and aspiration -------------------------------------------------------------------------------

_JOINT_ACT = re.compile(r"inject\w*|aspirat\w*|arthrocentesis|intra-?articular", re.IGNORECASE)
_NOT_JOINT = re.compile(r"trigger|tendon sheath|carpal tunnel|epidural|nerve block|ganglion", re.IGNORECASE)
_ULTRASOUND = re.compile(r"ultrasound|\bus[- ]guid\w*|sonograph\w*", re.IGNORECASE)


def find_joint_procedures(note: Note) -> list[Service]:
    """Arthrocentesis, aspiration or injection of a joint or bursa by size, with or without ultrasound, and side."""
    joints = catalog().joints
    by_word = {word: size for size, (_plain, _guided, words) in joints.items() for word in words}
    pattern = term_pattern(by_word)
    sides: dict[str, set[str]] = {}
    evidence: dict[str, list[Evidence]] = {}
    for sentence in working_sentences(note):
        text = _sentence_text(note, sentence)
        act, joint = _JOINT_ACT.search(text), pattern.search(text)
        if act is None or joint is None or _NOT_JOINT.search(text):
            continue
        start = sentence.start + act.start()
        if not done(note, start, sentence.start + act.end()).performed:
            continue
        plain, guided, _words = joints[by_word[joint.group().lower()]]
        code = guided if _ULTRASOUND.search(text) else plain
        sides.setdefault(code, set()).update(laterality(text))
        evidence.setdefault(code, []).extend(
            [span(note, start, sentence.start + act.end()), span(note, sentence.start + joint.start(),
                                                                 sentence.start + joint.end())]
        )  # fmt: skip
    services = []
    for code, found in sides.items():
        kind = next(size for size, (plain, guided, _w) in joints.items() if code in (plain, guided))
        guided_why = "guided by ultrasound" if code == joints[kind][1] else "no ultrasound"
        modifiers: tuple[str, ...]
        if found == {"RT", "LT"}:
            modifiers, side = ("50",), "both sides"
        elif found:
            modifiers, side = (next(iter(found)),), "the right side" if found == {"RT"} else "the left side"
        else:
            modifiers, side = (), "side not stated"
        why = f"{kind} joint injected or aspirated, {guided_why}, {side}"
        suggestion = ProcedureSuggestion(code, modifiers, 1, _unique(evidence[code]), why, 0.85 if found else 0.6)
        services.append(Service(suggestion, "minor surgery", site=f"joint:{kind}:{found}", needs_25=True))
    return services


def _unique(evidence: Sequence[Evidence]) -> tuple[Evidence, ...]:
    return tuple({(item.start, item.end): item for item in sorted(evidence, key=lambda item: item.start)}.values())


# --- incision and drainage ----------------------------------------------------------------------------------------

_DRAINAGE = re.compile(r"incision and drainage|incised and drained|\bi ?& ?d\b|\bi and d\b", re.IGNORECASE)
_COMPLICATED = re.compile(r"complicated|multiple (?:abscess|lesion)|loculation|extensive", re.IGNORECASE)


def find_drainage(note: Note) -> list[Service]:
    """Incision and drainage of an abscess: one uncomplicated abscess, or a complicated one or several."""
    for sentence in working_sentences(note):
        text = _sentence_text(note, sentence)
        match = _DRAINAGE.search(text)
        if match is None:
            continue
        start, end = sentence.start + match.start(), sentence.start + match.end()
        if not done(note, start, end).performed:
            continue
        simple = re.search(r"\bsimple\b|\bsingle\b", text, re.IGNORECASE)
        kinds = {SectionKind.PROCEDURE, sentence.section.kind}
        complicated = not simple and any(
            _COMPLICATED.search(_sentence_text(note, item))
            for item in working_sentences(note)
            if item.section.kind in kinds
        )
        code, why = (
            ("10061", "a complicated abscess or several") if complicated else ("10060", "one uncomplicated abscess")
        )
        suggestion = ProcedureSuggestion(code, (), 1, (span(note, start, end),), f"abscess opened and drained: {why}")
        return [Service(suggestion, "minor surgery", site=site_group(text), needs_25=True)]
    return []


# --- destruction --------------------------------------------------------------------------------------------------

_DESTROY = re.compile(
    r"cryotherap\w*|cryo\b|liquid nitrogen|\bln2\b|destr(?:oyed|uction)|electrodesiccat\w*|frozen|freez\w*|"
    r"cantharidin|curettage",
    re.IGNORECASE,
)
_BENIGN = re.compile(r"warts?|verrucae?|condylomata?|molluscum|seborrheic keratos[ie]s|\bsks?\b", re.IGNORECASE)
_PREMALIGNANT = re.compile(r"actinic keratos[ie]s|\baks?\b|premalignant", re.IGNORECASE)
_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "twenty": 20,
}  # fmt: skip
_COUNT = re.compile(
    r"\b(?P<n>\d{1,2}|" + "|".join(_NUMBER_WORDS) + r")\s+(?:[a-z-]+\s+){0,2}?(?:lesions?|warts?|verrucae?|aks?|"
    r"actinic keratos[ie]s|seborrheic keratos[ie]s|sks?|molluscum)|\bx\s?(?P<x>\d{1,2})\b|\btotal of (?P<t>\d{1,2})\b",
    re.IGNORECASE,
)


def _count(text: str) -> int | None:
    match = _COUNT.search(text)
    if match is None:
        return None
    raw = (match.group("n") or match.group("x") or match.group("t")).lower()
    return _NUMBER_WORDS.get(raw) or int(raw)


def find_destruction(note: Note) -> list[Service]:
    """Destruction of benign lesions (warts: 17110/17111) and premalignant lesions (17000/17003/17004), by count."""
    services: list[Service] = []
    done_kinds: set[str] = set()
    for sentence in working_sentences(note):
        text = _sentence_text(note, sentence)
        act = _DESTROY.search(text)
        if act is None:
            continue
        start, end = sentence.start + act.start(), sentence.start + act.end()
        if not done(note, start, end).performed:
            continue
        for kind, pattern in (("premalignant", _PREMALIGNANT), ("benign", _BENIGN)):
            lesion = pattern.search(text)
            if lesion is None or kind in done_kinds:
                continue
            done_kinds.add(kind)
            counted = _count(text)
            count = counted or 1
            evidence = _unique([span(note, start, end), span(note, sentence.start + lesion.start(),
                                                             sentence.start + lesion.end())])  # fmt: skip
            stated = f"{count} lesion(s)" if counted else "count not stated: 1 lesion assumed (confirm)"
            services += _destruction_lines(kind, count, stated, evidence, site_group(text), 0.9 if counted else 0.6)
    return services


def _destruction_lines(
    kind: str, count: int, stated: str, evidence: tuple[Evidence, ...], site: str | None, confidence: float
) -> list[Service]:
    if kind == "benign":
        code = "17111" if count >= 15 else "17110"
        band = "fifteen or more" if count >= 15 else "fourteen or fewer"
        lines = [(code, 1, f"warts or other benign growths destroyed, {band}: {stated}")]
    elif count >= 15:
        lines = [("17004", 1, f"actinic keratoses destroyed, fifteen or more: {stated}")]
    else:
        lines = [("17000", 1, f"actinic keratosis destroyed, the first one: {stated}")]
        if count > 1:
            lines.append(("17003", count - 1, f"each further actinic keratosis up to the fourteenth: {count - 1}"))
    return [Service(ProcedureSuggestion(code, (), units, evidence, why, confidence), "minor surgery", site, True)
            for code, units, why in lines]  # fmt: skip


# --- excision -----------------------------------------------------------------------------------------------------

_EXCISE = re.compile(r"\bexcis(?:ed|ion|ional)\b", re.IGNORECASE)
_NOT_EXCISION = re.compile(r"shave|punch biopsy|debridement|mohs", re.IGNORECASE)
_SKIN_LESION = re.compile(
    r"lesion|nev(?:us|i)|mole|cyst|lipoma|papilloma|keratos[ie]s|carcinoma|\bbcc\b|\bscc\b|melanoma|"
    r"dermatofibroma|skin tag|acrochordon|growth",
    re.IGNORECASE,
)
_MALIGNANT = re.compile(r"carcinoma|\bbcc\b|\bscc\b|melanoma|malignan", re.IGNORECASE)
_MALIGNANT_CODES = ("C43", "C44", "C4A", "D03", "D04")
_LENGTH = re.compile(r"(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>cm|mm)\b", re.IGNORECASE)
_DIAMETER = re.compile(r"excised diameter|total diameter|including margins", re.IGNORECASE)
_MARGIN = re.compile(
    r"(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>cm|mm)\s*(?:\w+\s+)?margins?|margins? of (?P<m>\d+(?:\.\d+)?)\s*(?P<u>cm|mm)",
    re.IGNORECASE,
)


def _cm(number: str, unit: str) -> Decimal:
    value = Decimal(number)
    return value / 10 if unit.lower() == "mm" else value


def _excision_group(group: str | None) -> str:
    if group == "face":
        return "face"
    if group in {"scalp", "neck", "hands_feet", "genitalia"}:
        return "scalp_neck_hands_feet"
    return "trunk_limbs"


def find_excisions(note: Note, diagnoses: Sequence[str]) -> tuple[list[Service], list[ClinicianQuery]]:
    """Excision of a skin lesion by site group and excised diameter (the lesion plus twice the narrowest margin).

    Every mention is tried (a title "EXCISION" states no size; the procedure section does); when none states a
    size, the first one is queried.
    """
    unmeasured: tuple[Evidence, ...] = ()
    for sentence in working_sentences(note):
        text = _sentence_text(note, sentence)
        act = _EXCISE.search(text)
        if act is None or _NOT_EXCISION.search(text):
            continue
        start, end = sentence.start + act.start(), sentence.start + act.end()
        if not done(note, start, end).performed:
            continue
        nearby = [item for item in working_sentences(note) if item.section == sentence.section]
        region = " ".join(_sentence_text(note, item) for item in nearby)
        if not _SKIN_LESION.search(text) and not _SKIN_LESION.search(region):
            continue
        group = site_group(text) or site_group(region)
        malignant = bool(_MALIGNANT.search(region)) or any(
            code.upper().replace(".", "").startswith(_MALIGNANT_CODES) for code in diagnoses
        )
        kind = "malignant" if malignant else "benign"
        size, how = _excised_diameter(region)
        evidence = (span(note, start, end),)
        if size is None:
            unmeasured = unmeasured or evidence
            continue
        site = _excision_group(group)
        code = _band(catalog().excision[kind][site], size)
        where = f"site group {site.replace('_', ', ')}" + ("" if group else " (site not stated: assumed)")
        why = f"excision of a {kind} lesion, {where}, excised diameter {size.normalize():f} cm ({how})"
        suggestion = ProcedureSuggestion(code, (), 1, evidence, why, 0.85 if group else 0.5)
        return [Service(suggestion, "minor surgery", site=group, needs_25=True)], []
    return [], [_size_query(note, unmeasured)] if unmeasured else []


def _excised_diameter(region: str) -> tuple[Decimal | None, str]:
    stated = _DIAMETER.search(region)
    if stated:
        after = _LENGTH.search(region, stated.end(), stated.end() + 25)
        before = list(_LENGTH.finditer(region, max(stated.start() - 25, 0), stated.start()))
        found = after or (before[-1] if before else None)
        if found:
            return _cm(found.group("n"), found.group("unit")), "excised diameter as documented"
    margins = [
        _cm(match.group("n") or match.group("m"), match.group("unit") or match.group("u"))
        for match in _MARGIN.finditer(region)
    ]
    margin_spans = [match.span() for match in _MARGIN.finditer(region)]
    sizes = [
        _cm(match.group("n"), match.group("unit"))
        for match in _LENGTH.finditer(region)
        if not any(begin <= match.start() < stop for begin, stop in margin_spans)
    ]
    if not sizes:
        return None, ""
    lesion = max(sizes)
    margin = min(margins) if margins else Decimal(0)
    total = lesion + 2 * margin
    return total, f"lesion {lesion.normalize():f} cm + 2 x {margin.normalize():f} cm margin"


def _size_query(note: Note, evidence: tuple[Evidence, ...]) -> ClinicianQuery:
    return ClinicianQuery(
        "excised diameter",
        f"The note documents an excision ('{evidence[0].text}') but not the size of the lesion and margins. "
        "Please document the greatest clinical diameter of the lesion and the narrowest margin excised.",
        (),
        evidence,
    )


# --- debridement -------------------------------------------------------------------------------------------------

_DEBRIDE = re.compile(r"\bdebride(?:ment|d)\b", re.IGNORECASE)
_AREA = re.compile(r"(?P<n>\d+(?:\.\d+)?)\s*(?:sq\.?\s*cm|cm2|cm\u00b2|square cent\w*)", re.IGNORECASE)
_DEPTHS = (
    ("bone", re.compile(r"\bbone\b(?! (?:not|was not))", re.IGNORECASE), ("11044", "11047")),
    ("muscle or fascia", re.compile(r"\bmuscle\b|\bfascia\b", re.IGNORECASE), ("11043", "11046")),
    ("subcutaneous tissue", re.compile(r"subcutaneous|\bfat\b", re.IGNORECASE), ("11042", "11045")),
)
_NOT_REACHED = re.compile(r"no (?:bone|tendon|muscle)|(?:bone|tendon|muscle) (?:not|was not) (?:visible|exposed)", re.I)


def find_debridement(note: Note) -> list[Service]:
    """Debridement of a wound or ulcer by the deepest tissue removed, with a unit per further 20 sq cm.

    Tissue removed down to subcutaneous tissue, muscle or fascia, or bone takes the surgical codes; above that
    (callus, slough, dermis) it is selective debridement.
    """
    for sentence in working_sentences(note):
        text = _sentence_text(note, sentence)
        act = _DEBRIDE.search(text)
        if act is None:
            continue
        start, end = sentence.start + act.start(), sentence.start + act.end()
        if not done(note, start, end).performed or sentence.section.kind is not SectionKind.PROCEDURE:
            continue
        region = _NOT_REACHED.sub(" ", note.text[sentence.section.start : sentence.section.end])
        depth, codes = next(((name, codes) for name, pattern, codes in _DEPTHS if pattern.search(region)),
                            ("skin only", ("97597", "97598")))  # fmt: skip
        area = _AREA.search(region)
        size = Decimal(area.group("n")) if area else Decimal(0)
        further = max(int((size - 1) // 20), 0) if area else 0
        measured = f"{size.normalize():f} sq cm" if area else "area not stated: the first 20 sq cm"
        why = f"debridement down to {depth}, {measured}"
        evidence = (span(note, start, end),)
        lines = [Service(ProcedureSuggestion(codes[0], (), 1, evidence, why, 0.8), "minor surgery",
                         site=site_group(text), needs_25=True)]  # fmt: skip
        if further:
            add = ProcedureSuggestion(codes[1], (), further, evidence, f"each further 20 sq cm: {further}", 0.8)
            lines.append(Service(add, "minor surgery", site=site_group(text), needs_25=True))
        return lines
    return []


# --- wound repair -------------------------------------------------------------------------------------------------

_REPAIR = re.compile(
    r"\brepair(?:ed)?\b|sutur\w*|closed with|\bclosure\b|staple[sd]?\b|dermabond|tissue adhesive|skin glue|"
    r"approximated",
    re.IGNORECASE,
)
_WOUND = re.compile(r"lacerations?|\blacs?\b|\bcuts?\b|avulsion|skin tear", re.IGNORECASE)
_SURGICAL = re.compile(
    r"incision (?:was )?made|incised|port sites?|trocar|perineal|vaginal|labia|vestibul|periurethral|episiotomy|"
    r"(?:first|second|third|fourth)[- ]degree|delivery",
    re.IGNORECASE,
)
"""A surgical incision's closure is part of the surgery, and an obstetric laceration's repair part of the delivery:
neither is an office wound repair."""
_LAYERED = re.compile(
    r"layered|intermediate|deep sutures|subcutaneous (?:sutures|layer|tissue was closed)|dermal sutures|"
    r"deep dermal|buried|vicryl|monocryl|two[- ]layer",
    re.IGNORECASE,
)
_REMOVAL = re.compile(r"\bremov(?:ed|al)\b|steri-?strips? only|granulation|healing|healed", re.IGNORECASE)
_SECTION_WEIGHT = {SectionKind.PROCEDURE: 3, SectionKind.ASSESSMENT: 2, SectionKind.PLAN: 2, SectionKind.EXAM: 1}


def _repair_group(complexity: str, group: str | None) -> str:
    if group == "face":
        return "face"
    if complexity == "intermediate" and group in {"neck", "hands_feet", "genitalia"}:
        return "neck_hands_feet"
    return "body"


def find_repairs(note: Note) -> tuple[list[Service], list[ClinicianQuery]]:
    """Wound repair: lengths of the wounds repaired, summed by complexity and site group, one code per group.

    Each length takes its site and complexity from its own line ("R forearm: layered closure ... 4.0 cm"), else
    from the repair as a whole. The lengths are read from the most authoritative section that states any
    (procedure, then assessment or plan, then exam, then history), so a wound described in the HPI and again in
    the procedure note is counted once. More than one line: the most complex first, the others with modifier 59
    (CPT's instruction for repairs of several classifications). No length: the lowest band, and a query.
    """
    repairs = [
        item
        for item in working_sentences(note)
        if (match := _REPAIR.search(_sentence_text(note, item)))
        and done(note, item.start + match.start(), item.start + match.end()).performed
        and (
            _WOUND.search(_line(note, item.start))
            or item.section.kind is SectionKind.PROCEDURE
            or _CLOSURE.search(_sentence_text(note, item))
        )
        and not _REMOVAL.search(_sentence_text(note, item))
    ]
    if not repairs or not any(_WOUND.search(_sentence_text(note, item)) for item in working_sentences(note)):
        return [], []
    if _SURGICAL.search(note.text):
        return [], []
    overall = _complexity(" ".join(_sentence_text(note, item) for item in repairs)) or "simple"
    default_group = next((group for item in repairs if (group := site_group(_line(note, item.start)))), None)
    repair_evidence = (span(note, repairs[0].start, repairs[0].end),)
    measured = _wound_lengths(note)
    if not measured:
        return _unmeasured(overall, default_group, repair_evidence)
    totals: dict[tuple[str, str], tuple[Decimal, list[Evidence]]] = {}
    for length, line, evidence in measured:
        complexity = _complexity(line) or overall
        key = (complexity, _repair_group(complexity, site_group(line) or default_group))
        total, spans = totals.get(key, (Decimal(0), []))
        totals[key] = (total + length, [*spans, evidence])
    ordered = sorted(totals.items(), key=lambda item: (item[0][0] != "intermediate", -item[1][0]))
    services = []
    for index, ((complexity, group), (total, spans)) in enumerate(ordered):
        code = _band(catalog().repair[complexity][group], total)
        lengths = " + ".join(item.text for item in spans)
        why = f"{complexity} repair, site group {group.replace('_', ', ')}, summed length {total.normalize():f} cm"
        why += f" ({lengths})" + ("; 59: a repair of another classification or site group" if index else "")
        modifiers = ("59",) if index else ()
        suggestion = ProcedureSuggestion(code, modifiers, 1, (*spans, *repair_evidence), why, 0.85)
        services.append(Service(suggestion, "minor surgery", site=f"repair:{group}", needs_25=True))
    return services, []


def _line(note: Note, offset: int) -> str:
    """The list item holding ``offset`` (an item keeps its site and method on one line), else its sentence."""
    begin = note.text.rfind("\n", 0, offset) + 1
    end = note.text.find("\n", offset)
    line = note.text[begin : end if end >= 0 else len(note.text)]
    if _ITEM.match(line):
        return line
    sentence = note.sentence_at(offset)
    return note.text[sentence.start : sentence.end]


_ITEM = re.compile(r"\s*(?:\d+[.)]|[-*\u2022])\s")


_CLOSURE = re.compile(r"sutur\w*|closure|closed with|staple[sd]?\b|dermabond|tissue adhesive", re.IGNORECASE)
_SIMPLE = re.compile(r"\bsimple repair|single[- ]layer|\bsimple closure", re.IGNORECASE)


def _complexity(text: str) -> str | None:
    if _SIMPLE.search(text):
        return "simple"
    return "intermediate" if _LAYERED.search(text) else None


def _unmeasured(
    complexity: str, group: str | None, evidence: tuple[Evidence, ...]
) -> tuple[list[Service], list[ClinicianQuery]]:
    key = _repair_group(complexity, group)
    code = catalog().repair[complexity][key][0][1]
    why = f"{complexity} repair, site group {key.replace('_', ', ')}: no length documented, lowest band until answered"
    suggestion = ProcedureSuggestion(code, (), 1, evidence, why, 0.4)
    query = ClinicianQuery(
        "laceration repair length",
        f"The note documents a wound repair ('{evidence[0].text}') but not the length of the wound(s). "
        "Please document the length in centimetres of each wound repaired.",
        (),
        evidence,
    )
    return [Service(suggestion, "minor surgery", site=f"repair:{key}", needs_25=True)], [query]


def _wound_lengths(note: Note) -> list[tuple[Decimal, str, Evidence]]:
    """Each wound length with the line it is on, from the most authoritative section that states any."""
    by_weight: dict[int, list[tuple[Decimal, str, Evidence]]] = {}
    seen: set[int] = set()
    for sentence in working_sentences(note):
        line = _line(note, sentence.start)
        if not _WOUND.search(line) and not _REPAIR.search(line):
            continue
        text = _sentence_text(note, sentence)
        for match in _LENGTH.finditer(text):
            start = sentence.start + match.start()
            if start in seen or re.match(r"\s*(?:deep|depth)", text[match.end() :], re.IGNORECASE):
                continue
            seen.add(start)
            # A length on a line that says how the wound was closed outranks one that only describes the wound.
            weight = _SECTION_WEIGHT.get(sentence.section.kind, 0) + (10 if _REPAIR.search(line) else 0)
            found = span(note, start, sentence.start + match.end())
            by_weight.setdefault(weight, []).append((_cm(match.group("n"), match.group("unit")), line, found))
    return by_weight[max(by_weight)] if by_weight else []
