"""The C scanner cuts every file into the very segments, offsets and errors of the Python tokenizer.

`revcycle.x12.tokens.read_file` uses the scanner where it was built; `read_file_in_python` is the definition. They
are compared over every corpus file of every transaction, mutated files, and batches small enough that segments
straddle them; a test makes sure the scanner decides the plain files itself.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from importlib.resources import files
from pathlib import Path

import pytest

from revcycle.errors import RevcycleError
from revcycle.x12 import tokens
from revcycle.x12.tokens import ScanContext, Segment, Undecided, read_file, read_file_in_python, scanned
from tests.x12.corpus import X12_SAMPLES
from tests.x12.test_fuzz import mutate

DEMO = Path(str(files("revcycle") / "demo_data"))
CORPUS = sorted(path for path in X12_SAMPLES.rglob("*") if path.is_file()) if X12_SAMPLES.is_dir() else []
needs_scanner = pytest.mark.skipif(not tokens.scanner_available(), reason="the C scanner is not built")


def cut(read: Callable[[], Iterable[Segment]]) -> list[object]:
    """Every segment as a tuple of all it holds, then the error's message if reading stopped on one."""
    found: list[object] = []
    try:
        for segment in read():
            found.append((segment.id, segment.elements, segment.index, segment.offset, segment.delimiters, segment.raw))
    except RevcycleError as error:
        found.append(f"error: {error}")
    return found


def assert_same(path: Path) -> None:
    assert cut(lambda: read_file(path)) == cut(lambda: read_file_in_python(path))


def decided_by_scanner(path: Path) -> bool:
    from revcycle.x12 import _read835  # built, or the tests that call this are skipped

    try:
        for _ in scanned(path, ScanContext, _read835.segments, tokens.NATIVE_CHUNK_BYTES):
            pass
    except Undecided:
        return False
    return True


@needs_scanner
@pytest.mark.parametrize("path", [DEMO / "demo.835", *CORPUS], ids=lambda path: str(path.relative_to(path.parents[1])))
def test_every_file_cuts_the_same(path: Path) -> None:
    assert_same(path)


@needs_scanner
def test_the_scanner_decides_plain_files() -> None:
    decided = [path for path in CORPUS if decided_by_scanner(path)]
    assert decided_by_scanner(DEMO / "demo.835")
    assert len(decided) >= 100, len(decided)  # the rest have text before the ISA, line-feed terminators ...


@needs_scanner
@pytest.mark.parametrize("chunk", [1, 5, 97, 4096])
def test_batches_of_any_size(chunk: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tokens, "NATIVE_CHUNK_BYTES", chunk)
    for path in [DEMO / "demo.835", *CORPUS[::20]]:
        assert_same(path)


@needs_scanner
@pytest.mark.parametrize("seed", range(150))
def test_mutated_files_cut_the_same(seed: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(seed)
    plain = [DEMO / "demo.835", *(path for path in CORPUS[::7] if decided_by_scanner(path))]
    data = rng.choice(plain).read_bytes()
    for _ in range(rng.randint(1, 3)):
        data = mutate(data, rng)
    if rng.random() < 0.3:  # layout the writers use, and some they should not
        data = data.replace(b"~", rng.choice([b"~\r\n", b"~\n", b"~ \n", b"~\n\n", b"\n~"]), rng.choice([1, 5, -1]))
    path = tmp_path / "mutated.edi"
    path.write_bytes(data)
    monkeypatch.setattr(tokens, "NATIVE_CHUNK_BYTES", rng.choice([64, 1000, 1 << 18]))
    assert_same(path)


def test_a_missing_file_is_the_python_tokenizers_error(tmp_path: Path) -> None:
    path = tmp_path / "absent.edi"
    assert cut(lambda: read_file(path)) == cut(lambda: read_file_in_python(path))
