"""Where `revcycle refdata update` downloads the official files from.

The defaults are the CMS and CDC locations of the current releases; a JSON file given with ``--sources`` (or named by
``REVCYCLE_REFDATA_SOURCES``) replaces them: a list of URLs, or of objects with a ``url`` key. Locations move every
release, so keeping this list current is part of each quarterly update.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from revcycle.errors import InputFileError

DEFAULT_SOURCES = (
    # ICD-10-CM tabular, index, drug and neoplasm tables (CDC, FY2026 with the April 1 2026 update).
    "https://ftp.cdc.gov/pub/Health_Statistics/NCHS/Publications/ICD10CM/2026-Update/icd10cm-Table-Index-April-2026.zip",
    # HCPCS Level II quarterly file.
    "https://www.cms.gov/files/zip/january-2026-alpha-numeric-hcpcs-file.zip",
    # Physician fee schedule relative value files (PPRRVU, GPCI, locality, anesthesia).
    "https://www.cms.gov/files/zip/rvu26c.zip",
    # NCCI medically unlikely edits, practitioner services.
    "https://www.cms.gov/files/zip/medicare-ncci-2026-q2-practitioner-services-mue-table.zip",
)


def configured_sources(path: Path | None) -> list[str]:
    """The URLs to download: from ``path``, else ``REVCYCLE_REFDATA_SOURCES``, else the defaults.

    Raises:
        InputFileError: the sources file is unreadable or not a list of URLs.
    """
    chosen = path or (
        Path(os.environ["REVCYCLE_REFDATA_SOURCES"]) if os.environ.get("REVCYCLE_REFDATA_SOURCES") else None
    )
    if chosen is None:
        return list(DEFAULT_SOURCES)
    try:
        document = json.loads(chosen.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise InputFileError(str(chosen), "", f"cannot be read: {error}") from None
    except json.JSONDecodeError as error:
        raise InputFileError(str(chosen), f"line {error.lineno}", f"not JSON: {error.msg}") from None
    if not isinstance(document, list):
        raise InputFileError(str(chosen), "", "must be a JSON list of URLs")
    urls = []
    for index, item in enumerate(document):
        url = item.get("url") if isinstance(item, dict) else item
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise InputFileError(str(chosen), f"[{index}]", "is not an http(s) URL")
        urls.append(url)
    return urls
