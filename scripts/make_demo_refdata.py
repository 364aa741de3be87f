"""Regenerate the small fee-schedule extract that `make demo` prices with.

Run:  .venv/bin/python scripts/make_demo_refdata.py ../shared/refdata/pfs-2026
It keeps the banner and header rows of the CY2026 PPRRVU file and the rows of the demo's procedure codes, with the
description of every CPT code blanked (CPT descriptors are the AMA's; HCPCS Level II descriptions are public), and
the whole CY2026 GPCI table. The output goes to src/revcycle/demo_data/refdata/, with a SHA-256 of each source.
"""

from __future__ import annotations

import csv
import hashlib
import sys
from pathlib import Path

from revcycle.domain.codes import is_cpt_code

DEMO_CODES = {
    *("99202", "99203", "99212", "99213", "99214", "99215", "99393"),
    *("20610", "93000", "83036", "71046", "J3301"),
}
HEADER_ROWS = 10
TARGET = Path(__file__).resolve().parent.parent / "src" / "revcycle" / "demo_data" / "refdata"


def extract_rvus(source: Path, target: Path) -> None:
    """Copy the banner and header rows and the demo codes' rows, CPT descriptions blanked."""
    with source.open(newline="", encoding="latin-1") as handle, target.open("w", newline="", encoding="latin-1") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        for number, row in enumerate(csv.reader(handle)):
            if number < HEADER_ROWS:
                writer.writerow(row)
            elif row and row[0] in DEMO_CODES:
                if is_cpt_code(row[0]):
                    row[2] = ""
                writer.writerow(row)


def main() -> None:
    """Write the extract from the folder of CY2026 files given as the first argument."""
    folder = Path(sys.argv[1])
    TARGET.mkdir(parents=True, exist_ok=True)
    sources = {
        "PPRRVU2026_Jul_nonQPP.csv": "demo-rvu-2026-extract.csv",
        "GPCI2026.csv": "demo-gpci-2026.csv",
    }
    extract_rvus(folder / "PPRRVU2026_Jul_nonQPP.csv", TARGET / sources["PPRRVU2026_Jul_nonQPP.csv"])
    (TARGET / sources["GPCI2026.csv"]).write_bytes((folder / "GPCI2026.csv").read_bytes())
    lines = [
        f"{hashlib.sha256((folder / name).read_bytes()).hexdigest()}  {name} -> {out}" for name, out in sources.items()
    ]
    (TARGET / "SOURCES.txt").write_text(
        "Extracted by scripts/make_demo_refdata.py from the CMS CY2026 files (SHA-256 of each source):\n"
        + "\n".join(lines)
        + "\n"
    )


if __name__ == "__main__":
    main()
