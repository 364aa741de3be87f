"""The reference store every edit test reads: the official tables of ../shared/refdata, built once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from revcycle.edits import EditReference
from revcycle.refdata.store import ReferenceStore

SCRUB_REFERENCE_FILES = (
    "refdata/icd10cm-2026-april/icd10c-tabular-April-1-2026.xml",
    "refdata/hcpcs-2026-jan/january-2026-alpha-numeric-hcpcs-file.zip",
    "refdata/pfs-2026/PPRRVU2026_Jul_nonQPP.csv",
    "refdata/ncci/MCR_MUE_PractitionerServices_Eff_04-01-2026.csv",
    "refdata/ncci/MCR_MUE_OutpatientHospitalServices_Eff_04-01-2026.csv",
    "refdata/ncci/AOC_V2026Q2-MCR.xlsx",
    "refdata/ncci/ccipra-v322r0-f1.excerpt.txt",
    "refdata/mce-edits/MCE_Simple_Code_Edits_v37_FY2020.tsv",
    "refdata/pos-codes/openemr_POSRef.class.php",
)


@pytest.fixture(scope="session")
def scrub_store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A reference store with what the edits read: ICD-10-CM, HCPCS, CPT, fee schedule, NCCI, MCE, POS codes.

    The NCCI tables include pyoce's outpatient hospital pairs, so institutional claims are judged by real pairs.
    """
    from revcycle.services.refdata import import_bundled, import_reference_file
    from tests.shared_files import shared_file

    path = tmp_path_factory.mktemp("scrub-refdata") / "refdata.sqlite"
    store = ReferenceStore(path)
    for name in SCRUB_REFERENCE_FILES:
        import_reference_file(store, shared_file(name))
    import_bundled(store, only=("BUNDLED_CPT", "BUNDLED_NCCI"))
    store.close()
    return path


@pytest.fixture(scope="session")
def edit_reference(scrub_store_path: Path) -> EditReference:
    """Memoised answers from the session's scrub reference store."""
    return EditReference(ReferenceStore(scrub_store_path))
