"""The C scanner reads every 835 into the very records, and the very errors, of the Python reader.

`revcycle.x12.native835.read_835_file` must be `read_835(read_file(path))`, only faster: compared here by the
records' reprs (which show each Decimal's exponent, so 12.5 and 12.50 differ) over the corpus, mutated files, amounts
written every way, and files cut into chunks small enough that segments and transaction sets straddle them. A test
also makes sure the scanner really decides the plain files itself, so that the comparisons do not pass by falling
back to the Python reader every time.
"""

from __future__ import annotations

import random
import shutil
import sysconfig
from collections.abc import Callable, Iterable
from importlib.resources import files
from pathlib import Path

import pytest

from revcycle.errors import RevcycleError
from revcycle.x12 import native835
from revcycle.x12.read835 import read_835
from revcycle.x12.tokens import Undecided, read_file_in_python
from tests.x12.corpus import samples
from tests.x12.test_fuzz import mutate

DEMO_835 = Path(str(files("revcycle") / "demo_data" / "demo.835"))
CORPUS_835 = samples("835") + samples("835_4010")
needs_scanner = pytest.mark.skipif(not native835.available(), reason="the C scanner is not built (no C compiler)")


def outcome(read: Callable[[], Iterable[object]]) -> str:
    """What reading gave: the records' repr, or the error's message."""
    try:
        return repr(list(read()))
    except RevcycleError as error:
        return f"error: {error}"


def assert_same(path: Path) -> None:
    python = outcome(lambda: read_835(read_file_in_python(path), str(path)))
    assert outcome(lambda: native835.read_835_file(path)) == python


def decided_by_scanner(path: Path) -> bool:
    """Whether the scanner read ``path`` to its end itself (without handing the file to the Python reader)."""
    try:
        list(native835._scanned(path, str(path)))
    except Undecided:
        return False
    except RevcycleError:
        pass  # an error the Python reader raised for a segment the scanner handed it: decided all the same
    return True


def test_built_wherever_a_compiler_is() -> None:
    compiler = (sysconfig.get_config_var("CC") or "cc").split()[0]
    if shutil.which(compiler) is None:
        pytest.skip(f"no C compiler ({compiler}) on this machine")
    assert native835.available(), "setup.py builds revcycle.x12._read835 where a compiler is at hand"


@needs_scanner
@pytest.mark.parametrize("path", [DEMO_835, *CORPUS_835], ids=lambda path: path.name)
def test_corpus_reads_the_same(path: Path) -> None:
    assert_same(path)


@needs_scanner
def test_the_scanner_decides_plain_files() -> None:
    decided = [path.name for path in [DEMO_835, *CORPUS_835] if decided_by_scanner(path)]
    assert DEMO_835.name in decided
    # Most corpus 835s have text before the ISA, a line-feed terminator or errors on purpose: those go to the
    # Python reader. Those that remain must be the scanner's.
    assert len(decided) >= 15, decided


AMOUNTS = ["12.", "+5", "0012.50", "-0", "-0.00", "1E2", "999999999999.99", "1000000000000", ".5", "5.123", "-12.5"]
AMOUNTS += ["12.5", "12", "0", "00", "0.0", "1,000", " 12", "12 ", "-", "", "7.05", "-000.01"]


@needs_scanner
@pytest.mark.parametrize("amount", AMOUNTS)
@pytest.mark.parametrize("element", ["CLP*", "SVC*HC:99213*", "CAS*CO*45*"])
def test_amounts_written_any_way(amount: str, element: str, tmp_path: Path) -> None:
    text = DEMO_835.read_text()
    start = text.index(element) + len(element)
    end = start + min(text.index(character, start) for character in "*~" if character in text[start:])
    if element == "CLP*":  # CLP03, the charge
        start = text.index("*", text.index("*", start) + 1) + 1
        end = text.index("*", start)
    path = tmp_path / "amount.835"
    path.write_text(text[:start] + amount + text[end:])
    assert_same(path)


@needs_scanner
@pytest.mark.parametrize("quantity", ["2", "02", "0", "2.0", "0.5", "1.2345", "-1", "+3", "1E1", "abc", ""])
def test_units_written_any_way(quantity: str, tmp_path: Path) -> None:
    text = DEMO_835.read_text()
    svc = text.index("\nSVC*") + 1
    end = text.index("~", svc)
    elements = text[svc:end].split("*")
    elements[5:] = [quantity]
    path = tmp_path / "units.835"
    path.write_text(text[:svc] + "*".join(elements) + text[end:])
    assert_same(path)


@needs_scanner
@pytest.mark.parametrize("chunk", [1, 7, 64, 333, 4096])
def test_chunks_of_any_size(chunk: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(native835, "CHUNK_BYTES", chunk)
    assert_same(DEMO_835)
    for path in CORPUS_835[:20]:
        assert_same(path)


WEIRD_VALUES = ["", " ", "X", "co", "CO", "N130", "n130", "HC:99213:25:59", "HC>99213>25", "20240230", "2024010", "17"]
WEIRD_VALUES += ["MA", "ZZ", "6R", "B6", "472", "150", "QC", "é", "A\tB", "\x01", "99999:1:2:3:4:5:6:7"]


def mutate_value(data: bytes, rng: random.Random) -> bytes:
    """One element of one segment replaced by a value readers find hard (codes, dates, composites, controls)."""
    segments = data.split(b"~")
    index = rng.randrange(len(segments))
    elements = segments[index].split(b"*")
    if len(elements) > 1:
        elements[rng.randrange(1, len(elements))] = rng.choice(WEIRD_VALUES).encode()
    segments[index] = b"*".join(elements)
    return b"~".join(segments)


@needs_scanner
@pytest.mark.parametrize("seed", range(200))
def test_mutated_files_read_the_same(seed: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(seed)
    plain = [DEMO_835, *(path for path in CORPUS_835 if decided_by_scanner(path))]
    data = rng.choice(plain).read_bytes()
    for _ in range(rng.randint(1, 3)):
        data = mutate_value(data, rng) if rng.random() < 0.6 else mutate(data, rng)
    path = tmp_path / "mutated.835"
    path.write_bytes(data)
    monkeypatch.setattr(native835, "CHUNK_BYTES", rng.choice([64, 1000, 1 << 20]))
    assert_same(path)


def test_without_the_scanner_the_python_reader_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(native835, "_read835", None)
    assert not native835.available()
    assert_same(DEMO_835)


def test_a_missing_file_is_the_python_readers_error(tmp_path: Path) -> None:
    path = tmp_path / "absent.835"
    assert outcome(lambda: native835.read_835_file(path)) == outcome(
        lambda: read_835(read_file_in_python(path), str(path))
    )
    assert "cannot be read" in outcome(lambda: native835.read_835_file(path))
