"""Synthetic 5010 X12 files for the benchmarks: a large balanced 835, an 837P of the same size, and prefix cuts.

Run:  .venv/bin/python benchmarks/x12_corpus.py 835 -o build/x12-bench/bench.835 [--mb 20 --claims 20000 --seed 835]
      .venv/bin/python benchmarks/x12_corpus.py 837p -o build/x12-bench/bench.837 [--mb 20 --claims 20000]
      .venv/bin/python benchmarks/x12_corpus.py cut build/x12-bench/bench.835 -o build/x12-bench/cut.835 --mb 2
      .venv/bin/python benchmarks/x12_corpus.py check build/x12-bench/bench.835

Everything is built with plain string formatting from one seeded `random.Random`, so the same arguments give the same
bytes. Files are streamed to disk one transaction set at a time: a 1 GB 835 is written in constant memory.

The 835 is one interchange and one functional group of many ST/SE transaction sets (one per payment, 100 to 1,500
claims each, some with PLB provider adjustments). Each claim has one to six service lines with SVC, DTM*472, CAS
(contractual, deductible, coinsurance, co-pay, sequestration, denials with quantities), REF*6R, AMT*B6 and LQ*HE; some
claims have claim-level CAS, MOA remark codes, NM1*IL/NM1*82, REF*1L, DTM*232/233 and AMT*AU. Every amount balances:
line charge - line CAS = SVC03; CLP03 - claim and line CAS = CLP04; BPR02 = sum of CLP04 - sum of PLB amounts.

The 837P is one interchange of ST/SE transaction sets (up to 2,500 claims each) of subscriber (and, one claim in five,
dependent patient) HL loops with one to four SV1 lines per claim.

Segments end with ``~`` and a line break, so a cut at a transaction boundary is a cut between lines.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TextIO

from revcycle.domain import (
    Address,
    Claim,
    ClaimFilingIndicator,
    ClaimKind,
    Coverage,
    CoverageOrder,
    Diagnosis,
    Patient,
    Payer,
    PersonName,
    Provider,
    ProviderKind,
    Relationship,
    ServiceLine,
    Sex,
    Subscriber,
    npi_check_digit,
)

MB = 1_000_000
TERMINATOR = "~\n"
CREATED = date(2026, 3, 2)

LAST_NAMES = [
    "SMITH",
    "JOHNSON",
    "WILLIAMS",
    "BROWN",
    "JONES",
    "GARCIA",
    "MILLER",
    "DAVIS",
    "RODRIGUEZ",
    "MARTINEZ",
    "HERNANDEZ",
    "LOPEZ",
    "GONZALEZ",
    "WILSON",
    "ANDERSON",
    "THOMAS",
    "TAYLOR",
    "MOORE",
    "JACKSON",
    "MARTIN",
    "LEE",
    "PEREZ",
    "THOMPSON",
    "WHITE",
    "HARRIS",
    "SANCHEZ",
    "CLARK",
    "RAMIREZ",
    "LEWIS",
    "ROBINSON",
    "WALKER",
    "YOUNG",
    "ALLEN",
    "KING",
    "WRIGHT",
    "SCOTT",
    "TORRES",
    "NGUYEN",
    "HILL",
    "FLORES",
    "GREEN",
    "ADAMS",
    "NELSON",
    "BAKER",
    "HALL",
    "RIVERA",
    "CAMPBELL",
]
FIRST_NAMES = [
    "JAMES",
    "MARY",
    "ROBERT",
    "PATRICIA",
    "JOHN",
    "JENNIFER",
    "MICHAEL",
    "LINDA",
    "DAVID",
    "ELIZABETH",
    "WILLIAM",
    "BARBARA",
    "RICHARD",
    "SUSAN",
    "JOSEPH",
    "JESSICA",
    "THOMAS",
    "SARAH",
    "CHARLES",
    "KAREN",
    "CHRISTOPHER",
    "LISA",
    "DANIEL",
    "NANCY",
    "MATTHEW",
    "BETTY",
    "ANTHONY",
    "MARGARET",
    "MARK",
    "SANDRA",
]
CITIES = (
    ("SPRINGFIELD", "IL", "62701"),
    ("COLUMBUS", "OH", "43215"),
    ("AUSTIN", "TX", "78701"),
    ("MADISON", "WI", "53703"),
    ("RALEIGH", "NC", "27601"),
    ("DENVER", "CO", "80202"),
    ("SALEM", "OR", "97301"),
    ("ALBANY", "NY", "12207"),
)
STREETS = ("MAIN ST", "OAK AVE", "PINE RD", "MAPLE DR", "CEDAR LN", "ELM ST", "LAKE VIEW BLVD", "HILL CREST CT")
PAYERS = (
    ("SYNTHETIC HEALTH PLAN", "SHP01"),
    ("EXAMPLE MUTUAL INSURANCE", "EMI22"),
    ("SAMPLE MEDICARE ADMINISTRATOR", "SMA33"),
    ("TEST STATE MEDICAID", "TSM44"),
)
PAYEES = ("BENCH FAMILY CLINIC", "SYNTHETIC ORTHOPEDICS GROUP", "EXAMPLE PEDIATRICS", "SAMPLE CARDIOLOGY ASSOCIATES")
# (procedure, unit charge in cents, weight)
PROCEDURES = (
    ("99213", 14000, 20),
    ("99214", 21000, 14),
    ("99203", 17500, 5),
    ("99204", 26000, 3),
    ("93000", 4500, 6),
    ("80053", 3800, 8),
    ("85025", 2200, 8),
    ("36415", 1200, 10),
    ("71046", 9500, 4),
    ("97110", 6500, 6),
    ("97140", 6000, 4),
    ("90834", 15000, 4),
    ("20610", 18000, 2),
    ("11721", 7500, 2),
    ("J1885", 450, 2),
    ("G0439", 17000, 2),
)
PROCEDURE_CODES = [code for code, _, _ in PROCEDURES]
PROCEDURE_PRICE = {code: price for code, price, _ in PROCEDURES}
PROCEDURE_WEIGHTS = [weight for _, _, weight in PROCEDURES]
MODIFIERS = ("25", "59", "LT", "RT", "95", "GT")
DIAGNOSES = ("I10", "E119", "E785", "J069", "M545", "Z0000", "R51", "K219", "F419", "N390", "M1711", "Z23")
DENIAL_REASONS = ("97", "16", "197", "50", "204", "B7")
LINE_REMARKS = ("N130", "M15", "N381", "MA130", "N115", "M80", "N20")
CLAIM_REMARKS = ("MA01", "MA18", "N130", "MA07")
FILING = ("12", "13", "MB", "MC", "HM")


def npi(number: int) -> str:
    """A valid NPI (Luhn check digit over the 80840 prefix) made from ``number``."""
    first_nine = f"1{number % 100_000_000:08d}"
    return first_nine + npi_check_digit(first_nine)


def amount(cents: int) -> str:
    """An X12 decimal amount: no trailing zeros after the point, no point for whole amounts."""
    sign = "-" if cents < 0 else ""
    units, rest = divmod(abs(cents), 100)
    if rest == 0:
        return f"{sign}{units}"
    if rest % 10 == 0:
        return f"{sign}{units}.{rest // 10}"
    return f"{sign}{units}.{rest:02d}"


def d8(day: date) -> str:
    """CCYYMMDD."""
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


def isa(sender: str, receiver: str, control: int) -> str:
    """A 106-character 5010 ISA (with its terminator and line break)."""
    created = CREATED.strftime("%y%m%d")
    return (
        f"ISA*00*          *00*          *ZZ*{sender:<15}*ZZ*{receiver:<15}*{created}*1200*^*00501*{control:09d}*0*T*:"
        + TERMINATOR
    )


@dataclass(slots=True)
class Stats:
    """What a generated file holds, for the benchmark's report and the balance check.

    Attributes:
        path: the file.
        bytes: its size.
        transactions: ST/SE transaction sets.
        claims: CLP (835) or CLM (837P) segments.
        lines: SVC (835) or SV1 (837P) segments.
        segments: every segment, ISA to IEA.
        charge: sum of CLP03 (835) or CLM02 (837P), in cents.
        paid: sum of CLP04, in cents (835).
        plb: sum of PLB amounts, in cents (835).
        payment: sum of BPR02, in cents (835).
    """

    path: str
    bytes: int = 0
    transactions: int = 0
    claims: int = 0
    lines: int = 0
    segments: int = 0
    charge: int = 0
    paid: int = 0
    plb: int = 0
    payment: int = 0


def _cas(group: str, triplets: list[tuple[str, int, str]]) -> str:
    """One CAS segment of up to six (reason, cents, quantity) triplets, trailing empties dropped."""
    parts = ["CAS", group]
    for reason, cents, units in triplets:
        if cents:
            parts += [reason, amount(cents), units]
    while parts[-1] == "":
        parts.pop()
    return "*".join(parts)


class _Remittances:
    """Builds 835 transaction sets from one random stream."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.claim_number = 0
        self.trace = 0

    def _service_line(self, segments: list[str], day: date, claim: int, line: int) -> tuple[int, int, int, int]:
        """Append one 2110 loop; returns (charge, paid, patient responsibility, adjusted) in cents."""
        rng = self.rng
        code = rng.choices(PROCEDURE_CODES, PROCEDURE_WEIGHTS)[0]
        units = 1 if rng.random() < 0.85 else rng.randint(2, 4)
        charge = PROCEDURE_PRICE[code] * units
        procedure = f"HC:{code}" + (f":{rng.choice(MODIFIERS)}" if rng.random() < 0.2 else "")
        contractual: list[tuple[str, int, str]] = []
        patient: list[tuple[str, int, str]] = []
        if rng.random() < 0.07:  # denied line: the whole charge is a contractual adjustment, with the units
            contractual.append((rng.choice(DENIAL_REASONS), charge, str(units)))
            allowed = 0
        else:
            allowed = charge * rng.randint(45, 95) // 100
            if charge > allowed:
                contractual.append(("45", charge - allowed, ""))
            roll = rng.random()
            if roll < 0.15:
                patient.append(("1", min(allowed, rng.randint(20, 200) * 100), ""))
            if 0.1 < roll < 0.45:
                patient.append(("2", (allowed - sum(c for _, c, _ in patient)) * 20 // 100, ""))
            if roll > 0.8:
                patient.append(("3", min(allowed, 2500), ""))
            if rng.random() < 0.3:
                remaining = allowed - sum(c for _, c, _ in patient)
                if remaining > 0:
                    contractual.append(("253", remaining * 2 // 100, ""))
        adjusted = sum(c for _, c, _ in contractual) + sum(c for _, c, _ in patient)
        paid = charge - adjusted
        responsibility = sum(c for _, c, _ in patient)
        if rng.random() < 0.03 and paid:
            segments.append(f"SVC*{procedure}*{amount(charge)}*{amount(paid)}**{units}*HC:{code}*{units}")
        else:
            segments.append(f"SVC*{procedure}*{amount(charge)}*{amount(paid)}**{units}")
        segments.append(f"DTM*472*{d8(day)}")
        if any(cents for _, cents, _ in contractual):
            segments.append(_cas("CO", contractual))
        if any(cents for _, cents, _ in patient):
            segments.append(_cas("PR", patient))
        if rng.random() < 0.7:
            segments.append(f"REF*6R*{claim}L{line}")
        if allowed:
            segments.append(f"AMT*B6*{amount(allowed)}")
        if rng.random() < 0.2 or not allowed:
            segments.append(f"LQ*HE*{rng.choice(LINE_REMARKS)}")
        return charge, paid, responsibility, adjusted

    def _claim(self, segments: list[str], day: date) -> tuple[int, int, int]:
        """Append one 2100 loop with its 2110s; returns (charge, paid, service lines)."""
        rng = self.rng
        self.claim_number += 1
        number = self.claim_number
        body: list[str] = []
        lines = rng.choices((1, 2, 3, 4, 5, 6), (18, 30, 25, 15, 8, 4))[0]
        charge = paid = responsibility = 0
        for line in range(1, lines + 1):
            line_charge, line_paid, line_patient, _ = self._service_line(body, day, number, line)
            charge += line_charge
            paid += line_paid
            responsibility += line_patient
        claim_cas = ""
        if paid and rng.random() < 0.1:  # claim-level adjustments: sequestration or a co-pay taken at claim level
            if rng.random() < 0.5:
                cut = max(paid * 2 // 100, 1)
                claim_cas = _cas("CO", [("253", cut, "")])
            else:
                cut = min(paid, 1500)
                claim_cas = _cas("PR", [("3", cut, "")])
                responsibility += cut
            paid -= cut
        status = "4" if paid == 0 and responsibility == 0 else ("2" if rng.random() < 0.05 else "1")
        last, first = rng.choice(LAST_NAMES), rng.choice(FIRST_NAMES)
        member = f"{rng.choice('ABCDEFGHJKLMNPQRSTUVWXYZ')}{rng.randrange(10**9):09d}"
        owed = amount(responsibility) if responsibility else ""
        head = [
            f"CLP*PCN{number:09d}*{status}*{amount(charge)}*{amount(paid)}*{owed}*{rng.choice(FILING)}"
            f"*{rng.randrange(10**13, 10**14)}*11*1"
        ]
        if claim_cas:
            head.append(claim_cas)
        head.append(f"NM1*QC*1*{last}*{first}*{rng.choice('ABCDEJKLMRST')}***MI*{member}")
        if rng.random() < 0.2:
            head.append(f"NM1*IL*1*{last}*{rng.choice(FIRST_NAMES)}****MI*{member}")
        if rng.random() < 0.5:
            head.append(f"NM1*82*1*{rng.choice(LAST_NAMES)}*{rng.choice(FIRST_NAMES)}****XX*{npi(number * 7)}")
        if rng.random() < 0.3:
            remarks = rng.sample(CLAIM_REMARKS, rng.randint(1, 2))
            head.append("MOA***" + "*".join(remarks))
        if rng.random() < 0.3:
            head.append(f"REF*1L*GRP{rng.randrange(10**6):06d}")
        if lines > 3:
            head.append(f"DTM*232*{d8(day)}")
            head.append(f"DTM*233*{d8(day)}")
        head.append(f"DTM*050*{d8(day + timedelta(days=rng.randint(3, 20)))}")
        if paid and rng.random() < 0.5:
            head.append(f"AMT*AU*{amount(charge - responsibility)}")
        segments += head
        segments += body
        return charge, paid, lines

    def transaction(self, control: int, stats: Stats) -> str:
        """One ST/SE 835 (one payment) as text; updates ``stats``."""
        rng = self.rng
        claims = rng.randint(100, 1500)
        payer, payer_id = PAYERS[control % len(PAYERS)]
        payee = PAYEES[control % len(PAYEES)]
        payee_npi = npi(900_000 + control % 50)
        tin = f"{rng.randrange(10**8, 10**9)}"
        paid_on = CREATED - timedelta(days=control % 30)
        day = paid_on - timedelta(days=30)
        body: list[str] = []
        charge = paid = lines = 0
        for index in range(claims):
            claim_charge, claim_paid, claim_lines = self._claim(body, day - timedelta(days=index % 25))
            charge += claim_charge
            paid += claim_paid
            lines += claim_lines
        plb_segments: list[str] = []
        plb = 0
        if rng.random() < 0.3:
            recovery = min(paid // 100, 50_000)
            interest = rng.randint(1, 2000)
            plb = recovery - interest
            plb_segments.append(
                f"PLB*{payee_npi}*{paid_on.year}1231*WO:PCN{self.claim_number - 1:09d}*{amount(recovery)}"
                f"*L6*{amount(-interest)}"
            )
            if rng.random() < 0.3:
                forward = rng.randint(100, 10_000)
                plb += forward
                plb_segments.append(f"PLB*{payee_npi}*{paid_on.year}1231*FB:{rng.randrange(10**8)}*{amount(forward)}")
        payment = paid - plb
        self.trace += 1
        account = f"{rng.randrange(10**9, 10**10)}"
        st = f"{control:04d}"
        if rng.random() < 0.7:
            bpr = (
                f"BPR*I*{amount(payment)}*C*ACH*CCP*01*{rng.randrange(10**8, 10**9)}*DA*{account}*1{tin}**01"
                f"*{rng.randrange(10**8, 10**9)}*DA*{rng.randrange(10**9, 10**10)}*{d8(paid_on)}"
            )
        else:
            bpr = f"BPR*I*{amount(payment)}*C*CHK************{d8(paid_on)}"
        city, state, postal = CITIES[control % len(CITIES)]
        head = [
            f"ST*835*{st}",
            bpr,
            f"TRN*1*{self.trace:012d}*1{tin}",
            f"DTM*405*{d8(paid_on)}",
            f"N1*PR*{payer}",
            f"N3*{100 + control % 900} {STREETS[control % len(STREETS)]}",
            f"N4*{city}*{state}*{postal}",
            f"REF*2U*{payer_id}",
            "PER*BL*EDI SUPPORT*TE*8005550100",
            f"N1*PE*{payee}*XX*{payee_npi}",
            f"N3*{200 + control % 700} {STREETS[(control + 3) % len(STREETS)]}",
            f"N4*{city}*{state}*{postal}",
            f"REF*TJ*{tin}",
            "LX*1",
        ]
        count = len(head) + len(body) + len(plb_segments) + 1
        text = TERMINATOR.join([*head, *body, *plb_segments, f"SE*{count}*{st}"]) + TERMINATOR
        stats.transactions += 1
        stats.claims += claims
        stats.lines += lines
        stats.segments += count
        stats.charge += charge
        stats.paid += paid
        stats.plb += plb
        stats.payment += payment
        return text


def write_835(path: Path, *, min_bytes: int, min_claims: int, seed: int = 835) -> Stats:
    """Write a balanced 835 of at least ``min_bytes`` and ``min_claims``, one transaction set at a time.

    Args:
        path: where to write (its folder is created).
        min_bytes: keep adding transaction sets until the file is at least this large...
        min_claims: ...and holds at least this many claims.
        seed: the random seed; the same arguments give the same bytes.

    Returns:
        The file's counts and totals.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    stats = Stats(str(path))
    builder = _Remittances(seed)
    with path.open("w", encoding="ascii", newline="") as out:
        written = _write(out, isa("SYNTHPAYER", "SYNTHPROVIDER", 1))
        written += _write(out, f"GS*HP*SYNTHPAYER*SYNTHPROVIDER*{d8(CREATED)}*1200*1*X*005010X221A1{TERMINATOR}")
        control = 0
        while written < min_bytes or stats.claims < min_claims:
            control += 1
            written += _write(out, builder.transaction(control, stats))
        written += _write(out, f"GE*{control}*1{TERMINATOR}IEA*1*000000001{TERMINATOR}")
    stats.bytes = written
    stats.segments += 4
    return stats


def _write(out: TextIO, text: str) -> int:
    out.write(text)
    return len(text)


class _Claims:
    """Builds 837P transaction sets from one random stream."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.claim_number = 0

    def _claim(self, segments: list[str], hl: int, day: date) -> tuple[int, int, int]:
        """Append a subscriber HL (and maybe a patient HL) with one claim; returns (HLs used, charge, lines)."""
        rng = self.rng
        self.claim_number += 1
        number = self.claim_number
        city, state, postal = rng.choice(CITIES)
        payer, payer_id = rng.choice(PAYERS)
        last, first = rng.choice(LAST_NAMES), rng.choice(FIRST_NAMES)
        member = f"{rng.choice('ABCDEFGHJKLMNPQRSTUVWXYZ')}{rng.randrange(10**9):09d}"
        address = f"N3*{rng.randint(1, 9999)} {rng.choice(STREETS)}"
        dependent = rng.random() < 0.2
        born = date(1940, 1, 1) + timedelta(days=rng.randrange(25_000))
        segments += [
            f"HL*{hl}*1*22*{1 if dependent else 0}",
            f"SBR*P*{'' if dependent else '18'}*GRP{rng.randrange(10**6):06d}******CI",
            f"NM1*IL*1*{last}*{first}****MI*{member}",
            address,
            f"N4*{city}*{state}*{postal}",
            f"DMG*D8*{d8(born)}*{rng.choice('FM')}",
            f"NM1*PR*2*{payer}*****PI*{payer_id}",
        ]
        used = 1
        if dependent:
            child = date(2008, 1, 1) + timedelta(days=rng.randrange(6000))
            segments += [
                f"HL*{hl + 1}*{hl}*23*0",
                "PAT*19",
                f"NM1*QC*1*{last}*{rng.choice(FIRST_NAMES)}",
                address,
                f"N4*{city}*{state}*{postal}",
                f"DMG*D8*{d8(child)}*{rng.choice('FM')}",
            ]
            used = 2
        diagnoses = rng.sample(DIAGNOSES, rng.randint(1, 4))
        lines = rng.choices((1, 2, 3, 4), (35, 35, 20, 10))[0]
        body: list[str] = []
        charge = 0
        for line in range(1, lines + 1):
            code = rng.choices(PROCEDURE_CODES, PROCEDURE_WEIGHTS)[0]
            units = 1 if rng.random() < 0.85 else rng.randint(2, 4)
            line_charge = PROCEDURE_PRICE[code] * units
            charge += line_charge
            modifier = f":{rng.choice(MODIFIERS)}" if rng.random() < 0.2 else ""
            pointers = ":".join(str(p) for p in range(1, min(len(diagnoses), rng.randint(1, 4)) + 1))
            body += [
                f"LX*{line}",
                f"SV1*HC:{code}{modifier}*{amount(line_charge)}*UN*{units}***{pointers}",
                f"DTP*472*D8*{d8(day)}",
                f"REF*6R*{number}L{line}",
            ]
        qualifiers = ["ABK"] + ["ABF"] * (len(diagnoses) - 1)
        segments.append(f"CLM*PCN{number:09d}*{amount(charge)}***11:B:1*Y*A*Y*Y")
        if rng.random() < 0.3:
            segments.append(f"REF*G1*AUTH{rng.randrange(10**6):06d}")
        segments.append("HI*" + "*".join(f"{q}:{code}" for q, code in zip(qualifiers, diagnoses, strict=True)))
        if rng.random() < 0.5:
            segments += [
                f"NM1*82*1*{rng.choice(LAST_NAMES)}*{rng.choice(FIRST_NAMES)}****XX*{npi(number * 7)}",
                "PRV*PE*PXC*207Q00000X",
            ]
        segments += body
        return used, charge, lines

    def transaction(self, control: int, stats: Stats) -> str:
        """One ST/SE 837P as text; updates ``stats``."""
        rng = self.rng
        claims = rng.randint(500, 2500)
        city, state, postal = CITIES[control % len(CITIES)]
        billing_npi = npi(900_000 + control % 50)
        st = f"{control:04d}"
        head = [
            f"ST*837*{st}*005010X222A1",
            f"BHT*0019*00*BATCH{control:06d}*{d8(CREATED)}*1200*CH",
            "NM1*41*2*SYNTHETIC BILLING SERVICE*****46*SYNTHSUB01",
            "PER*IC*EDI DESK*TE*8005550199",
            "NM1*40*2*SYNTHETIC CLEARINGHOUSE*****46*SYNTHCH",
            "HL*1**20*1",
            "PRV*BI*PXC*207Q00000X",
            f"NM1*85*2*{PAYEES[control % len(PAYEES)]}*****XX*{billing_npi}",
            f"N3*{100 + control % 900} {STREETS[control % len(STREETS)]}",
            f"N4*{city}*{state}*{postal}",
            f"REF*EI*{rng.randrange(10**8, 10**9)}",
        ]
        body: list[str] = []
        hl = 2
        charge = lines = 0
        day = CREATED - timedelta(days=40)
        for index in range(claims):
            used, claim_charge, claim_lines = self._claim(body, hl, day - timedelta(days=index % 25))
            hl += used
            charge += claim_charge
            lines += claim_lines
        count = len(head) + len(body) + 1
        stats.transactions += 1
        stats.claims += claims
        stats.lines += lines
        stats.segments += count
        stats.charge += charge
        return TERMINATOR.join([*head, *body, f"SE*{count}*{st}"]) + TERMINATOR


def write_837p(path: Path, *, min_bytes: int, min_claims: int, seed: int = 837) -> Stats:
    """Write an 837P of at least ``min_bytes`` and ``min_claims``, one transaction set at a time.

    Args:
        path: where to write (its folder is created).
        min_bytes: keep adding transaction sets until the file is at least this large...
        min_claims: ...and holds at least this many claims.
        seed: the random seed; the same arguments give the same bytes.

    Returns:
        The file's counts and totals.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    stats = Stats(str(path))
    builder = _Claims(seed)
    with path.open("w", encoding="ascii", newline="") as out:
        written = _write(out, isa("SYNTHSUB01", "SYNTHCH", 1))
        written += _write(out, f"GS*HC*SYNTHSUB01*SYNTHCH*{d8(CREATED)}*1200*1*X*005010X222A1{TERMINATOR}")
        control = 0
        while written < min_bytes or stats.claims < min_claims:
            control += 1
            written += _write(out, builder.transaction(control, stats))
        written += _write(out, f"GE*{control}*1{TERMINATOR}IEA*1*000000001{TERMINATOR}")
    stats.bytes = written
    stats.segments += 4
    return stats


@dataclass(slots=True)
class ClaimRecords:
    """Professional claims as revcycle records, with the parties they refer to (the writer's input).

    Attributes:
        claims: the claims, each with its own patient and coverage (one subscriber loop per claim, as in the 837P).
        patients: one per claim.
        coverages: one per claim; one in five is a dependent's (the subscriber is someone else).
        payers: the four payers.
        providers: billing organisations and rendering clinicians.
    """

    claims: list[Claim]
    patients: list[Patient]
    coverages: list[Coverage]
    payers: list[Payer]
    providers: list[Provider]


def claim_records(count: int, seed: int = 837) -> ClaimRecords:
    """``count`` professional claims shaped like the 837P file's (one to four lines, one in five for a dependent).

    Args:
        count: how many claims.
        seed: the random seed.

    Returns:
        The claims and their parties, built (and validated by the records' own checks) in memory.
    """
    rng = random.Random(seed)
    filing = (ClaimFilingIndicator.COMMERCIAL, ClaimFilingIndicator.MEDICARE_PART_B, ClaimFilingIndicator.MEDICAID)
    payers = [
        Payer(id=f"PAYER{index}", name=name, payer_identifier=identifier, claim_filing_indicator=filing[index % 3])
        for index, (name, identifier) in enumerate(PAYERS)
    ]

    def address(zip4: str = "") -> Address:
        city, state, postal = rng.choice(CITIES)
        street = f"{rng.randint(1, 9999)} {rng.choice(STREETS)}"
        return Address(line1=street, city=city, state=state, postal_code=postal + zip4)

    billing = [
        Provider(
            id=f"ORG{index}",
            kind=ProviderKind.ORGANIZATION,
            npi=npi(900_000 + index),
            name=name,
            taxonomy="207Q00000X",
            tax_id=f"{990_000_000 + index}",
            address=address(f"{1000 + index}"),
        )
        for index, name in enumerate(PAYEES)
    ]
    clinicians = [
        Provider(
            id=f"DR{index}",
            kind=ProviderKind.INDIVIDUAL,
            npi=npi(800_000 + index),
            name=rng.choice(LAST_NAMES),
            first_name=rng.choice(FIRST_NAMES),
            taxonomy="207R00000X",
        )
        for index in range(20)
    ]
    records = ClaimRecords([], [], [], payers, [*billing, *clinicians])
    day0 = CREATED - timedelta(days=40)
    for number in range(1, count + 1):
        home = address()
        patient = Patient(
            id=f"P{number}",
            name=PersonName(last=rng.choice(LAST_NAMES), first=rng.choice(FIRST_NAMES)),
            birth_date=date(1940, 1, 1) + timedelta(days=rng.randrange(25_000)),
            sex=rng.choice((Sex.FEMALE, Sex.MALE)),
            address=home,
        )
        dependent = rng.random() < 0.2
        coverage = Coverage(
            id=f"C{number}",
            patient_id=patient.id,
            payer_id=rng.choice(payers).id,
            order=CoverageOrder.PRIMARY,
            member_id=f"{rng.choice('ABCDEFGHJKLMNPQRSTUVWXYZ')}{rng.randrange(10**9):09d}",
            relationship=Relationship.CHILD if dependent else Relationship.SELF,
            group_number=f"GRP{rng.randrange(10**6):06d}",
            subscriber=Subscriber(
                name=PersonName(last=patient.name.last, first=rng.choice(FIRST_NAMES)),
                birth_date=date(1970, 1, 1) + timedelta(days=rng.randrange(9000)),
                sex=rng.choice((Sex.FEMALE, Sex.MALE)),
                address=home,
            )
            if dependent
            else None,
        )
        day = day0 - timedelta(days=number % 25)
        diagnoses = tuple(Diagnosis(code=code) for code in rng.sample(DIAGNOSES, rng.randint(1, 4)))
        lines = []
        for line in range(1, rng.choices((1, 2, 3, 4), (35, 35, 20, 10))[0] + 1):
            code = rng.choices(PROCEDURE_CODES, PROCEDURE_WEIGHTS)[0]
            units = 1 if rng.random() < 0.85 else rng.randint(2, 4)
            lines.append(
                ServiceLine(
                    line_number=line,
                    procedure_code=code,
                    units=Decimal(units),
                    charge=Decimal(PROCEDURE_PRICE[code] * units) / 100,
                    service_date=day,
                    modifiers=(rng.choice(MODIFIERS),) if rng.random() < 0.2 else (),
                    diagnosis_pointers=tuple(range(1, min(len(diagnoses), rng.randint(1, 4)) + 1)),
                    line_control_number=f"{number}L{line}",
                )
            )
        records.claims.append(
            Claim(
                id=f"CLM{number}",
                kind=ClaimKind.PROFESSIONAL,
                patient_control_number=f"PCN{number:09d}",
                patient_id=patient.id,
                coverage_id=coverage.id,
                billing_provider_id=billing[number % len(billing)].id,
                place_of_service="11",
                diagnoses=diagnoses,
                lines=tuple(lines),
                total_charge=sum((item.charge for item in lines), Decimal("0.00")),
                rendering_provider_id=rng.choice(clinicians).id if rng.random() < 0.5 else None,
                prior_authorization=f"AUTH{rng.randrange(10**6):06d}" if rng.random() < 0.3 else None,
            )
        )
        records.patients.append(patient)
        records.coverages.append(coverage)
    return records


def _lines(path: Path) -> Iterator[str]:
    with path.open(encoding="ascii", newline="") as handle:
        yield from handle


def cut(source: Path, target: Path, max_bytes: int) -> Stats:
    """Copy the envelope and the first whole transaction sets of a file written here, up to ``max_bytes``.

    At least one transaction set is kept; GE01 is rewritten to the number kept.

    Returns:
        Bytes, transaction sets, claims and segments of the cut.
    """
    stats = Stats(str(target))
    header: list[str] = []
    kept: list[str] = []
    transaction: list[str] = []
    size = 0
    group_control = "1"
    for text in _lines(source):
        if text.startswith(("ISA*", "GS*")):
            header.append(text)
            size += len(text)
            if text.startswith("GS*"):
                group_control = text.split("*")[6]
            continue
        if text.startswith(("GE*", "IEA*")):
            break
        transaction.append(text)
        if text.startswith("SE*"):
            length = sum(len(line) for line in transaction)
            if stats.transactions and size + length > max_bytes:
                break
            kept += transaction
            size += length
            stats.transactions += 1
            stats.claims += sum(1 for line in transaction if line.startswith(("CLP*", "CLM*")))
            transaction = []
    interchange = header[0].split("*")[13]
    trailer = [f"GE*{stats.transactions}*{group_control}{TERMINATOR}", f"IEA*1*{interchange}{TERMINATOR}"]
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", encoding="ascii", newline="") as out:
        out.writelines([*header, *kept, *trailer])
    stats.bytes = size + sum(len(line) for line in trailer)
    stats.segments = len(header) + len(kept) + 2
    return stats


def _cents(text: str) -> int:
    whole, _, fraction = text.partition(".")
    sign = -1 if whole.startswith("-") else 1
    return sign * (abs(int(whole or "0")) * 100 + int((fraction + "00")[:2]))


def check_835(path: Path) -> list[str]:
    """Check a generated 835's counts and balancing with plain string handling (independent of revcycle).

    Returns:
        The problems found, empty when every line, claim, payment and SE count balances.
    """
    problems: list[str] = []
    payment = claims_paid = plb = 0
    claim: list[int] = []  # charge, paid, adjusted
    line: list[int] = []
    segments_in_set = 0
    claim_id = ""

    def close_line() -> None:
        if line and line[0] - line[2] != line[1]:
            problems.append(f"{claim_id}: line charge {line[0]} - CAS {line[2]} != paid {line[1]}")
        line.clear()

    def close_claim() -> None:
        close_line()
        if claim and claim[0] - claim[2] != claim[1]:
            problems.append(f"{claim_id}: charge {claim[0]} - CAS {claim[2]} != paid {claim[1]}")
        claim.clear()

    for text in _lines(path):
        elements = text.rstrip("~\n").split("*")
        segment = elements[0]
        segments_in_set += 1
        if segment == "ST":
            segments_in_set = 1
            payment = claims_paid = plb = 0
        elif segment == "BPR":
            payment = _cents(elements[2])
        elif segment == "CLP":
            close_claim()
            claim_id = elements[1]
            claim += [_cents(elements[3]), _cents(elements[4]), 0]
            claims_paid += claim[1]
        elif segment == "SVC":
            close_line()
            line += [_cents(elements[2]), _cents(elements[3]), 0]
        elif segment == "CAS":
            adjusted = sum(_cents(elements[i]) for i in range(3, len(elements), 3) if elements[i])
            claim[2] += adjusted
            if line:
                line[2] += adjusted
        elif segment == "PLB":
            close_claim()
            plb += sum(_cents(elements[i]) for i in range(4, len(elements), 2) if elements[i])
        elif segment == "SE":
            close_claim()
            if int(elements[1]) != segments_in_set:
                problems.append(f"SE {elements[2]}: SE01 {elements[1]} but {segments_in_set} segments")
            if payment != claims_paid - plb:
                problems.append(f"SE {elements[2]}: BPR02 {payment} != CLP04 {claims_paid} - PLB {plb}")
    return problems


def main() -> None:
    """Generate, cut or check a file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("kind", choices=("835", "837p", "cut", "check"))
    parser.add_argument("source", nargs="?", type=Path, help="the file to cut or check")
    parser.add_argument("-o", "--output", type=Path)
    parser.add_argument("--mb", type=float, default=20.0, help="minimum size (cut: maximum size), in MB (10^6 bytes)")
    parser.add_argument("--claims", type=int, default=20_000, help="minimum number of claims")
    parser.add_argument("--seed", type=int, default=None)
    arguments = parser.parse_args()
    size = int(arguments.mb * MB)
    if arguments.kind == "check":
        problems = check_835(arguments.source)
        print("\n".join(problems[:20]) or "balanced")
        sys.exit(1 if problems else 0)
    if arguments.output is None:
        parser.error("-o is required")
    if arguments.kind == "835":
        stats = write_835(arguments.output, min_bytes=size, min_claims=arguments.claims, seed=arguments.seed or 835)
    elif arguments.kind == "837p":
        stats = write_837p(arguments.output, min_bytes=size, min_claims=arguments.claims, seed=arguments.seed or 837)
    else:
        stats = cut(arguments.source, arguments.output, size)
    print(stats)


if __name__ == "__main__":
    main()
