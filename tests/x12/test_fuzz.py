"""Broken X12 of every kind gives revcycle's own error or findings, never another exception.

Mutations of real files (truncation, wrong delimiters, deleted and duplicated segments, binary noise) and random
bytes go through the tokenizer, the validator and every reader.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from importlib.resources import files
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from revcycle.errors import RevcycleError
from revcycle.services.x12 import read_document
from revcycle.x12.tokens import read_bytes
from revcycle.x12.validate import validate_segments
from tests.x12.corpus import samples
from tests.x12.rebuild import as_checked

DEMO = Path(str(files("revcycle") / "demo_data"))
SEEDS = [DEMO / "demo.835"] + [
    path
    for folder, count in (("837P", 6), ("837I", 3), ("835", 4), ("277CA", 2), ("999", 2), ("271", 2))
    for path in samples(folder)[:count]
]


def refusal(action: Callable[[], object]) -> str | None:
    """Run ``action``; the message of the RevcycleError it raised, or None. Any other exception fails the test."""
    try:
        action()
    except RevcycleError as error:
        return str(error)
    return None


def survive(data: bytes, tmp_path: Path) -> None:
    """Tokenize, validate and read ``data``: each may refuse it with a RevcycleError naming the file, nothing else."""
    message = refusal(lambda: validate_segments(read_bytes(data, "fuzz.edi"), "fuzz.edi"))
    assert message is None or message.startswith("fuzz.edi")
    path = tmp_path / "fuzz.edi"
    path.write_bytes(data)
    read: list[object] = []
    message = refusal(lambda: read.extend(read_document(path).records))
    assert message is None or message.startswith(str(path))
    for record in read:  # readers that skip re-checking must still make exactly the checked records
        found, checked = as_checked(record)
        assert found == checked


def mutate(data: bytes, rng: random.Random) -> bytes:
    """One random mutation of the kinds the issue names."""
    kind = rng.choice(["truncate", "delimiter", "delete", "duplicate", "noise", "swap"])
    terminator = b"~" if b"~" in data else b"\n"
    segments = data.split(terminator)
    if kind == "truncate":
        return data[: rng.randrange(len(data) + 1)]
    if kind == "delimiter":
        old = rng.choice([b"*", b":", b"~", b"^"])
        return data.replace(old, rng.choice([b"|", b"*", b"~", b":", b"A", b" "]), rng.choice([1, 2, -1]))
    if kind == "delete" and len(segments) > 1:
        del segments[rng.randrange(len(segments))]
    elif kind == "duplicate" and segments:
        index = rng.randrange(len(segments))
        segments.insert(index, segments[index])
    elif kind == "swap" and len(segments) > 2:
        first, second = rng.sample(range(len(segments)), 2)
        segments[first], segments[second] = segments[second], segments[first]
    else:
        position = rng.randrange(len(data) + 1)
        return data[:position] + rng.randbytes(rng.randrange(1, 32)) + data[position:]
    return terminator.join(segments)


@pytest.mark.parametrize("seed", SEEDS, ids=lambda path: path.name)
def test_mutations_of_real_files_fail_cleanly(seed: Path, tmp_path: Path) -> None:
    original = seed.read_bytes()
    rng = random.Random(seed.name)
    for _ in range(60):
        data = original
        for _ in range(rng.randrange(1, 4)):
            data = mutate(data, rng)
        survive(data, tmp_path)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=400))
def test_random_bytes_fail_cleanly(tmp_path: Path, data: bytes) -> None:
    survive(data, tmp_path)


ISA = b"ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *261127*0930*^*00501*000000001*0*T*:~"


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.text(alphabet="ABCDEHILMNPSTVXY0123456789*:^~ .-", max_size=30), max_size=12))
def test_random_segments_after_a_valid_isa_fail_cleanly(tmp_path: Path, segments: list[str]) -> None:
    survive(ISA + "~".join(segments).encode(), tmp_path)
