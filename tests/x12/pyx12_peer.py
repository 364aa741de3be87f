"""pyx12, the reference X12 validator, run in-process as the peer revcycle's verdicts are compared with."""

from __future__ import annotations

import io
import logging
from pathlib import Path

# pyx12 says so in its log when it cannot take a file as X12 at all (text before the ISA, a bad ISA).
_CANNOT_READ = ("does not look like an X12 data file", "not a valid ISA", "Map not found", "No map found")


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def pyx12_verdict(path: Path) -> tuple[str, list[str]]:
    """pyx12's verdict on a file, ``valid``, ``invalid`` or ``unreadable``, and the errors it logged."""
    import pyx12.params
    import pyx12.x12n_document

    logger = logging.getLogger("pyx12")
    collector = _Collector()
    logger.addHandler(collector)
    previous = logger.level
    logger.setLevel(logging.ERROR)
    logger.propagate = False
    try:
        valid = pyx12.x12n_document.x12n_document(pyx12.params.params(), str(path), io.StringIO(), None)
    except Exception as error:  # any crash of the peer means it could not read the file
        return "unreadable", [f"{type(error).__name__}: {error}"]
    finally:
        logger.removeHandler(collector)
        logger.setLevel(previous)
        logger.propagate = True
    if any(marker in message for message in collector.messages for marker in _CANNOT_READ):
        return "unreadable", collector.messages
    return ("valid" if valid else "invalid"), collector.messages
