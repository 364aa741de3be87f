"""Reference data services: import official files (recognised by content), download updates, bundled defaults."""

from __future__ import annotations

import shutil
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import revcycle.refdata.importers as importers
from revcycle.errors import InputFileError, RevcycleError
from revcycle.refdata.release import ReleaseData, ReleaseInfo
from revcycle.refdata.sources import configured_sources
from revcycle.refdata.store import ReferenceStore

# A download larger than this is refused rather than filling the disk (the largest CMS file is about 300 MB).
MAX_DOWNLOAD_BYTES = 1 << 30
DOWNLOAD_TIMEOUT_SECONDS = 120


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    """What importing one release did.

    Attributes:
        importer: the code of the importer that recognised the file.
        release: the release as stored.
        changed: False when the same file was already imported (nothing was written).
    """

    importer: str
    release: ReleaseInfo
    changed: bool


def import_reference_file(store: ReferenceStore, path: Path) -> list[ImportOutcome]:
    """Recognise ``path`` by its content and import every release it holds, each in one transaction.

    A zip archive no importer claims as a whole is opened, and each member an importer recognises is imported
    (CMS ships several tables in one archive); members nobody recognises (PDFs, notes) are passed over.

    Raises:
        InputFileError: the file is not recognised, or is malformed (naming the line); that release is not stored.
    """
    try:
        importer = importers.detect(path)
    except InputFileError:
        if not zipfile.is_zipfile(path):
            raise
        return _import_zip_members(store, path)
    return _store_releases(store, importer.code, importer.read(path))


def _store_releases(store: ReferenceStore, code: str, releases: Iterable[ReleaseData]) -> list[ImportOutcome]:
    # All the releases of one file in one transaction: a bad one leaves the store as it was.
    return [ImportOutcome(code, stored, changed) for stored, changed in store.import_releases(releases)]


def _import_zip_members(store: ReferenceStore, path: Path) -> list[ImportOutcome]:
    pairs: list[tuple[str, ReleaseData]] = []
    with tempfile.TemporaryDirectory(prefix="revcycle-zip-") as folder, zipfile.ZipFile(path) as archive:
        for member in archive.infolist():
            name = Path(member.filename).name
            if member.is_dir() or not name:
                continue
            target = Path(folder) / name
            with archive.open(member) as source, target.open("wb") as sink:
                shutil.copyfileobj(source, sink)
            try:
                importer = importers.detect(target)
            except InputFileError:
                continue
            pairs += [(importer.code, release) for release in importer.read(target)]
        if not pairs:
            raise InputFileError(str(path), "", "holds no reference file revcycle recognises")
        # Every member's releases in one transaction, while the extracted files still exist (entries stream).
        stored = store.import_releases(release for _, release in pairs)
    return [ImportOutcome(code, info, changed) for (code, _), (info, changed) in zip(pairs, stored, strict=True)]


def bundled_releases() -> list[tuple[str, Callable[[], Iterable[ReleaseData]]]]:
    """The data that ships inside revcycle's dependencies: ICD-10-CM, the CPT code list, outpatient NCCI pairs."""
    from revcycle.refdata.importers.cpt import bundled_cpt_releases
    from revcycle.refdata.importers.icd10cm_bundled import bundled_icd10cm_releases
    from revcycle.refdata.importers.ncci import bundled_ncci_releases

    return [
        ("BUNDLED_ICD10CM", bundled_icd10cm_releases),
        ("BUNDLED_CPT", bundled_cpt_releases),
        ("BUNDLED_NCCI", bundled_ncci_releases),
    ]


def import_bundled(store: ReferenceStore, only: tuple[str, ...] | None = None) -> list[ImportOutcome]:
    """Import the bundled data (or the named parts of it), so a fresh install can code and scrub offline."""
    outcomes: list[ImportOutcome] = []
    for code, releases in bundled_releases():
        if only is None or code in only:
            outcomes += _store_releases(store, code, releases())
    return outcomes


class DownloadError(RevcycleError):
    """An official file could not be downloaded."""


def download(url: str, folder: Path) -> Path:
    """Download ``url`` into ``folder`` (streamed, size-limited) and return the file.

    Raises:
        DownloadError: the server cannot be reached, answers with an error, or sends too much.
    """
    name = Path(urllib.parse.urlparse(url).path).name or "download"
    target = folder / name
    try:
        with urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT_SECONDS) as response, target.open("wb") as sink:
            received = 0
            while chunk := response.read(1 << 20):
                received += len(chunk)
                if received > MAX_DOWNLOAD_BYTES:
                    raise DownloadError(f"{url}: larger than {MAX_DOWNLOAD_BYTES} bytes; refused")
                sink.write(chunk)
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise DownloadError(f"cannot download {url}: {reason}") from None
    return target


def update_reference(store: ReferenceStore, sources: Path | None = None) -> list[ImportOutcome]:
    """Download every configured official file and import it; files already imported change nothing.

    All files are downloaded before any is imported, so a failed download imports nothing.
    """
    urls = configured_sources(sources)
    with tempfile.TemporaryDirectory(prefix="revcycle-update-") as folder:
        files = [download(url, Path(folder)) for url in urls]
        outcomes: list[ImportOutcome] = []
        for path in files:
            outcomes += import_reference_file(store, path)
    return outcomes
