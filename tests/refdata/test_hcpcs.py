"""The HCPCS Level II importers on CMS's 2020 annual file and January 2026 quarterly zip."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from revcycle.errors import InputFileError
from revcycle.refdata import in_force
from revcycle.refdata.importers import detect
from revcycle.refdata.importers.hcpcs import HcpcsFixedWidth, HcpcsZip
from revcycle.refdata.store import ReferenceStore
from tests.refdata.helpers import import_all, import_file
from tests.shared_files import REFDATA

ANNUAL_2020 = REFDATA / "hcpcs-2020" / "HCPC2020_ANWEB_w_disclaimer.txt"
QUARTER_2026 = REFDATA / "hcpcs-2026-jan" / "january-2026-alpha-numeric-hcpcs-file.zip"
MEMBER_2026 = "HCPC2026_JAN_ANWEB_01122026.txt"

pytestmark = pytest.mark.skipif(
    not (ANNUAL_2020.exists() and QUARTER_2026.exists()), reason=f"the official HCPCS files are not in {REFDATA}"
)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[ReferenceStore]:
    opened = ReferenceStore(tmp_path / "refdata.sqlite")
    yield opened
    opened.close()


def member_lines() -> list[bytes]:
    with zipfile.ZipFile(QUARTER_2026) as archive:
        return archive.read(MEMBER_2026).splitlines(keepends=True)


def write_zip(path: Path, lines: list[bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(MEMBER_2026, b"".join(lines))
        archive.writestr("HCPC2026_recordlayout.txt", b"record layout")
    return path


@pytest.mark.parametrize(
    ("path", "importer", "version", "period"),
    [
        (ANNUAL_2020, HcpcsFixedWidth, "2020", (date(2020, 1, 1), date(2020, 12, 31))),
        (QUARTER_2026, HcpcsZip, "2026-01", (date(2026, 1, 1), date(2026, 3, 31))),
    ],
)
def test_each_file_is_recognised_and_imports_once(
    store: ReferenceStore, path: Path, importer: type, version: str, period: tuple[date, date]
) -> None:
    assert isinstance(detect(path), importer)
    assert import_file(store, path) == [True]
    before = store.releases()
    assert import_file(store, path) == [False]
    assert store.releases() == before
    (release,) = before
    assert (release.version, release.effective_from, release.effective_to) == (version, *period)
    assert release.rows > 7000


def test_j1885_carries_the_descriptors_of_its_record(store: ReferenceStore) -> None:
    import_file(store, QUARTER_2026)
    record = next(line.decode("cp1252") for line in member_lines() if line.startswith(b"J1885"))
    data = store.entry(in_force(store, "hcpcs", date(2026, 2, 1)).release, "J1885")
    assert data is not None
    assert data["long_description"] == record[11:91].strip() == "Injection, ketorolac tromethamine, per 15 mg"
    assert data["short_description"] == record[91:119].strip()
    assert (data["betos"], data["coverage"], data["pricing_indicators"]) == ("O1E", "D", ["51"])
    assert (data["added"], data["terminated"], data["action_code"]) == ("1993-01-01", None, "N")


def test_modifiers_and_continuation_lines(store: ReferenceStore) -> None:
    import_file(store, QUARTER_2026)
    release = in_force(store, "hcpcs", date(2026, 2, 1)).release
    waiver = store.entry(release, "GA")
    assert waiver is not None
    assert waiver["kind"] == "modifier"
    assert waiver["long_description"].endswith("as required by payer policy, individual case")
    assert store.search(release, "ketorolac", 5)[0][0] == "J1885"


def test_no_cpt_code_comes_from_the_hcpcs_file(store: ReferenceStore) -> None:
    import_file(store, QUARTER_2026)
    release = store.releases("hcpcs")[0]
    assert not [key for key, _ in store.entries(release) if key[0].isdigit()]


def test_codes_are_effective_dated_across_releases(store: ReferenceStore) -> None:
    import_file(store, ANNUAL_2020)
    import_file(store, QUARTER_2026)
    in_2020 = in_force(store, "hcpcs", date(2020, 6, 1)).release
    in_2026 = in_force(store, "hcpcs", date(2026, 2, 1)).release
    assert store.entry(in_2020, "G9871") is None
    assert store.entry(in_2026, "G9871") is not None


def refused(store: ReferenceStore, path: Path) -> InputFileError:
    """Importing ``path`` fails with an error naming the place, and leaves the store as it was."""
    import_file(store, ANNUAL_2020)
    before = store.releases()
    importer = HcpcsZip() if path.suffix == ".zip" else HcpcsFixedWidth()
    with pytest.raises(InputFileError) as raised:
        import_all(store, importer, path)
    assert store.releases() == before
    return raised.value


def test_a_truncated_annual_file_is_refused_naming_the_line(store: ReferenceStore, tmp_path: Path) -> None:
    content = ANNUAL_2020.read_bytes()
    truncated = tmp_path / "HCPC2020_ANWEB.txt"
    truncated.write_bytes(content[: len(content) // 2])
    error = refused(store, truncated)
    assert error.location == f"line {content[: len(content) // 2].count(b'\n') + 1}"


def test_a_corrupted_annual_file_is_refused_naming_the_line(store: ReferenceStore, tmp_path: Path) -> None:
    lines = ANNUAL_2020.read_bytes().splitlines(keepends=True)
    number = next(index for index, line in enumerate(lines) if line.startswith(b"J1885")) + 1
    lines[number - 1] = lines[number - 1][:268] + b"1993XX01" + lines[number - 1][276:]
    corrupted = tmp_path / "HCPC2020_ANWEB.txt"
    corrupted.write_bytes(b"".join(lines))
    error = refused(store, corrupted)
    assert error.location == f"line {number}"
    assert "add date" in error.reason


def test_a_truncated_zip_is_refused(store: ReferenceStore, tmp_path: Path) -> None:
    content = QUARTER_2026.read_bytes()
    truncated = tmp_path / "hcpcs.zip"
    truncated.write_bytes(content[: len(content) // 2])
    assert "zip" in refused(store, truncated).reason


def test_a_zip_whose_member_is_cut_short_is_refused_naming_member_and_line(
    store: ReferenceStore, tmp_path: Path
) -> None:
    lines = member_lines()
    half = lines[: len(lines) // 2]
    half[-1] = half[-1][:150]
    error = refused(store, write_zip(tmp_path / "hcpcs.zip", half))
    assert error.location == f"{MEMBER_2026} line {len(half)}"


def test_a_zip_with_a_corrupted_record_is_refused_naming_member_and_line(store: ReferenceStore, tmp_path: Path) -> None:
    lines = member_lines()
    lines[99] = lines[99][:10] + b"X" + lines[99][11:]
    error = refused(store, write_zip(tmp_path / "hcpcs.zip", lines))
    assert error.location == f"{MEMBER_2026} line 100"


def test_a_zip_with_damaged_compressed_bytes_is_refused_naming_the_member(
    store: ReferenceStore, tmp_path: Path
) -> None:
    content = bytearray(QUARTER_2026.read_bytes())
    content[200_000] ^= 0xFF  # inside the compressed fixed-width member, which spans the first 435 kB
    damaged = tmp_path / "hcpcs.zip"
    damaged.write_bytes(bytes(content))
    assert refused(store, damaged).location.startswith(f"{MEMBER_2026} line ")
