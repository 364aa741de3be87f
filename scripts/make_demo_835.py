"""Regenerate the synthetic 835 that `make demo` reads: src/revcycle/demo_data/demo.835.

Run:  .venv/bin/python scripts/make_demo_835.py
Two payments for claims of demo_dataset.json (same patient control numbers, charges and procedure codes):
Medicare pays RB2-2 in part (CO-45 fee schedule reductions, PR-1 deductible, PR-2 coinsurance, and CO-151 for one
of the four J3301 units, with its CAS quantity); Acme pays RB3-3 less a copay, denies RB4-4, adds interest (PLB L6)
and recoups an earlier overpayment (PLB WO), so its BPR02 is Σ CLP04 - Σ PLB. Every line, claim and payment
balances; tests/x12/test_read835.py checks it.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from revcycle.x12.writer import Envelope, TransactionSet, interchange

TARGET = Path(__file__).resolve().parent.parent / "src" / "revcycle" / "demo_data" / "demo.835"
# ST03 is "not used" in 005010X221A1: the version is in GS08 only.
NO_ST03 = ""
PAYEE = ("N1", "PE", "RIVERBEND FAMILY MEDICINE", "XX", "1999990017")


def medicare() -> TransactionSet:
    """Medicare Part B pays RB2-2 in part."""
    payment = TransactionSet("835", "0001", NO_ST03)
    add = payment.add
    add("BPR", "I", "148.40", "C", "ACH", "CCP", "01", "011000015", "DA", "000123", "1000000000", None,
        "01", "071000013", "DA", "000987", "20261001")  # fmt: skip
    add("TRN", "1", "EFT20261001A", "1000000000")
    add("DTM", "405", "20260930")
    add("N1", "PR", "MEDICARE PART B (DEMO)", "XV", "00000")
    add("N3", "PO BOX 1000")
    add("N4", "CHICAGO", "IL", "60601")
    add("PER", "BL", "PROVIDER SERVICES", "TE", "8005550100")
    add(*PAYEE)
    add("LX", "1")
    add("CLP", "RB2-2", "1", "374.00", "148.40", "87.10", "MB", "26270000001", "11", "1")
    add("NM1", "QC", "1", "SAMPLE", "MARIA", None, None, None, "MI", "2FH5UF6NL83")
    add("MOA", None, None, "MA01")
    add("DTM", "232", "20260910")
    add("DTM", "233", "20260910")
    add("SVC", ("HC", "99213", "25"), "140.00", "33.60", None, "1")
    add("DTM", "472", "20260910")
    add("CAS", "CO", "45", "48.00")
    add("CAS", "PR", "1", "50.00", None, "2", "8.40")
    add("REF", "6R", "1")
    add("AMT", "B6", "92.00")
    add("SVC", ("HC", "20610", "RT"), "210.00", "104.00", None, "1")
    add("DTM", "472", "20260910")
    add("CAS", "CO", "45", "80.00")
    add("CAS", "PR", "2", "26.00")
    add("REF", "6R", "2")
    add("AMT", "B6", "130.00")
    # Three of the four units billed are paid: CO-151 takes the fourth, and says so in its quantity.
    add("SVC", ("HC", "J3301"), "24.00", "10.80", None, "3", None, "4")
    add("DTM", "472", "20260910")
    add("CAS", "CO", "151", "6.00", "1", "45", "4.50")
    add("CAS", "PR", "2", "2.70")
    add("REF", "6R", "3")
    add("AMT", "B6", "13.50")
    add("LQ", "HE", "N362")
    return payment


def acme() -> TransactionSet:
    """Acme pays RB3-3 less the copay, denies RB4-4, adds interest and recoups an old overpayment."""
    payment = TransactionSet("835", "0002", NO_ST03)
    add = payment.add
    add("BPR", "I", "46.10", "C", "CHK", *([None] * 11), "20261005")
    add("TRN", "1", "CHK0004471", "1990000099")
    add("DTM", "405", "20261004")
    add("N1", "PR", "ACME HEALTH PLAN (DEMO)", "XV", "ACME01")
    add("N3", "PO BOX 77")
    add("N4", "SPRINGFIELD", "IL", "62701")
    add("PER", "BL", "ACME PROVIDER LINE", "TE", "8005550177")
    add(*PAYEE)
    add("LX", "1")
    add("CLP", "RB3-3", "1", "140.00", "70.00", "25.00", "12", "ACME2026000301", "11", "1")
    add("NM1", "QC", "1", "PATIENT", "ALEX", None, None, None, "MI", "ACM000201")
    add("SVC", ("HC", "99213"), "140.00", "70.00", None, "1")
    add("DTM", "472", "20260915")
    add("CAS", "CO", "45", "45.00")
    add("CAS", "PR", "3", "25.00")
    add("AMT", "B6", "95.00")
    add("CLP", "RB4-4", "4", "210.00", "0.00", None, "12", "ACME2026000401", "11", "1")
    add("NM1", "QC", "1", "EXAMPLE", "JORDAN", None, None, None, "MI", "ACM000201")
    add("SVC", ("HC", "99393"), "210.00", "0.00", None, "1")
    add("DTM", "472", "20260918")
    add("CAS", "CO", "204", "210.00")
    add("LQ", "HE", "N130")
    add("PLB", "1999990017", "20261231", ("L6", "ACME2026000301"), "-1.10", ("WO", "ACME2025009901"), "25.00")
    return payment


def main() -> None:
    """Write demo.835."""
    envelope = Envelope(
        sender_id="DEMOCLEARING",
        receiver_id="RIVERBEND",
        interchange_control_number=835,
        group_control_number=835,
        functional_identifier="HP",
        usage="T",
        created=datetime(2026, 10, 5, 9, 0),
    )
    text = interchange(envelope, "005010X221A1", [medicare(), acme()])
    # The writer keeps an empty ST03's separator ("ST*835*0001*"); X12 drops trailing empty elements.
    text = text.replace("*~", "~")
    TARGET.write_text(text, encoding="ascii")
    print(f"wrote {TARGET}")


if __name__ == "__main__":
    main()
