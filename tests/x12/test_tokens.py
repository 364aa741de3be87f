from __future__ import annotations

import codecs
import re
from pathlib import Path

import pytest

from revcycle.x12.errors import X12Error
from revcycle.x12.tokens import Delimiters, delimiters_of, read_bytes, read_file, tokenize
from revcycle.x12.writer import segments_text
from tests.x12.corpus import X12_SAMPLES, is_deliberately_broken, sample_params, samples

ISA = "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *261127*0930*^*00501*000000001*0*T*:~"
BODY = "GS*HC*SENDER*RECEIVER*20261127*0930*1*X*005010X222A1~ST*837*0001*005010X222A1~SE*2*0001~GE*1*1~IEA*1*000000001~"


def ids(data: bytes) -> list[str]:
    return [segment.id for segment in read_bytes(data)]


def test_the_isa_declares_the_delimiters() -> None:
    assert len(ISA) == 106
    assert delimiters_of(ISA, "x", 0) == Delimiters(element="*", component=":", repetition="^", segment="~")
    other = ISA.replace("*", "|").replace(":~", ">\n").replace("|^|", "|!|")
    assert delimiters_of(other, "x", 0) == Delimiters(element="|", component=">", repetition="!", segment="\n")


def test_4010_has_no_repetition_separator() -> None:
    isa_4010 = ISA.replace("*^*00501*", "*U*00401*")
    assert delimiters_of(isa_4010, "x", 0).repetition is None


def test_a_trimmed_isa_is_read_by_counting_separators() -> None:
    trimmed = "ISA*00* *00* *ZZ*SENDER *ZZ*RECEIVER *261127*0930*^*00501*000000001*0*T*:~"
    segments = read_bytes((trimmed + BODY).encode())
    assert [segment.id for segment in segments] == ["ISA", "GS", "ST", "SE", "GE", "IEA"]
    assert segments[0][16] == ":"


def test_layout_bom_and_text_before_the_isa_are_tolerated() -> None:
    text = "Scenario: a claim.\r\n\r\n" + ISA + "\r\n" + BODY.replace("~", "~\r\n    ")
    data = codecs.BOM_UTF8 + text.encode()
    segments = read_bytes(data)
    assert [segment.id for segment in segments] == ["ISA", "GS", "ST", "SE", "GE", "IEA"]
    for segment in segments:  # every offset points at the segment's id in the file's bytes
        assert data[segment.offset :].startswith(segment.id.encode())
    assert segments[1].elements[:2] == ["HC", "SENDER"]


def test_segments_wrapped_at_a_fixed_width_are_unwrapped() -> None:
    flat = ISA + BODY
    wrapped = "\n".join(flat[i : i + 40] for i in range(0, len(flat), 40))
    assert [segment.elements for segment in read_bytes(wrapped.encode())] == [
        segment.elements for segment in read_bytes(flat.encode())
    ]


def test_a_newline_terminator_with_crlf_keeps_no_carriage_return() -> None:
    text = (ISA[:-1] + "\n" + BODY.replace("~", "\r\n")).replace(":\n", ":\n")
    segments = read_bytes(text.encode())
    assert segments[0].delimiters.segment == "\n"
    assert segments[-1].elements == ["1", "000000001"]


def test_utf16_and_latin1_files_are_read() -> None:
    text = ISA + BODY.replace("SENDER*", "SÉNDER*", 1)
    assert read_bytes(text.encode("utf-16-le"))[1][2] == "SÉNDER"
    assert read_bytes(text.encode("latin-1"))[1][2] == "SÉNDER"


def test_several_interchanges_each_with_their_own_delimiters() -> None:
    second = (ISA + BODY).replace("*", "|").replace("~", "!")
    segments = read_bytes((ISA + BODY + "\n" + second).encode())
    assert [segment.id for segment in segments].count("ISA") == 2
    assert segments[-1].delimiters.element == "|"
    assert segments[-1].elements == ["1", "000000001"]


def test_the_last_iea_may_lack_its_terminator() -> None:
    assert ids((ISA + BODY[:-1]).encode())[-1] == "IEA"


@pytest.mark.parametrize("size", [1, 2, 3, 7, 64, 1 << 20])
def test_chunk_size_changes_nothing(size: int) -> None:
    data = ("x" * 5 + ISA + "\r\n" + BODY.replace("~", "~\r\n") + ISA + BODY).encode()
    expected = [(segment.id, segment.elements, segment.offset) for segment in read_bytes(data)]
    chunks = [data[i : i + size] for i in range(0, len(data), size)]
    assert [(segment.id, segment.elements, segment.offset) for segment in tokenize(chunks, "x")] == expected


def _segments_by_hand(text: str) -> list[tuple[str, int, str]]:
    """(id, offset, text) of each segment of ASCII `text` with ``~`` terminators, cut the plainest way."""
    found, offset = [], 0
    for piece in text.split("~")[:-1]:
        stripped = piece.lstrip(" \t\r\n")
        if stripped:
            found.append((stripped.split("*")[0], offset + len(piece) - len(stripped), stripped))
        offset += len(piece) + 1
    return found


@pytest.mark.parametrize("layout", ["~", "~\n", "~\r\n", "~\n  ", "~\r"])
@pytest.mark.parametrize("size", [1, 2, 5, 64, 1 << 20])
def test_segments_one_a_line_are_cut_as_plain_ones(layout: str, size: int) -> None:
    text = (ISA + BODY).replace("~", layout)
    data = text.encode()
    chunks = [data[i : i + size] for i in range(0, len(data), size)]
    cut = [(segment.id, segment.offset, segment.raw) for segment in tokenize(chunks, "x")]
    assert cut == _segments_by_hand(text)
    # where a file without its IEA ends is reported as after its last terminator, whatever the layout
    truncated = text[: text.index("IEA")].encode()
    with pytest.raises(X12Error) as raised:
        list(tokenize([truncated[i : i + size] for i in range(0, len(truncated), size)], "x"))
    assert raised.value.offset == text.index("GE*") + len("GE*1*1~")


@pytest.mark.parametrize("odd", ["~\n\n", "~\n  ", "~\n\r\n", "~\n~\n"])
@pytest.mark.parametrize("size", [1, 3, 64, 1 << 20])
def test_a_blank_line_or_an_indent_among_segments_one_a_line(odd: str, size: int) -> None:
    # one segment a line, but for one odd line: that chunk is cut the general way, the others as plain ones
    body = BODY.replace("~", "~\n").replace("~\n", odd, 3).replace(odd, "~\n", 2)
    text = ISA + "\n" + body
    data = text.encode()
    chunks = [data[i : i + size] for i in range(0, len(data), size)]
    cut = [(segment.id, segment.offset, segment.raw) for segment in tokenize(chunks, "x")]
    assert cut == _segments_by_hand(text)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "no ISA segment"),
        (b"hello world", "no ISA segment"),
        ((ISA + "GS*HC").encode(), "the file ends inside a segment"),
        ((ISA + BODY[: BODY.index("SE*")]).encode(), "the file ends before the interchange's IEA"),
        ((ISA + "GS*HC~12*X~").encode(), "'12' is not a segment id"),
        ((ISA + "GS*HC~~*X~").encode(), "a segment with no id"),
        (ISA[:50].encode(), "the ISA does not have 16 elements"),
        (ISA.replace("*:~", "*A~").encode() + BODY.encode(), "is missing, a letter, a digit or a space"),
        ((ISA + BODY + "trailing words").encode(), "text after the last IEA"),
    ],
    ids=["empty", "no-isa", "cut-segment", "no-iea", "bad-id", "empty-id", "short-isa", "letter-delimiter", "tail"],
)
def test_unreadable_input_is_refused_with_its_place(data: bytes, message: str) -> None:
    with pytest.raises(X12Error, match=re.escape(message)) as raised:
        read_bytes(data, "claims.edi")
    assert str(raised.value).startswith("claims.edi")


def test_a_missing_file_is_an_x12_error(tmp_path: Path) -> None:
    with pytest.raises(X12Error, match="cannot be read"):
        list(read_file(tmp_path / "absent.edi"))


def _normalised(path: Path) -> str:
    """The file's X12 as one line: text before the ISA, line breaks and indentation after terminators removed."""
    raw = path.read_bytes()
    text = raw.decode("utf-16") if raw[:2] in (codecs.BOM_UTF16_LE, b"I\0") else raw.decode("utf-8-sig", "replace")
    if "\ufffd" in text:
        text = raw.decode("latin-1")
    start = re.search(r"ISA[^A-Za-z0-9\s]", text)
    assert start is not None
    text = text[start.start() :]
    terminator = read_bytes(text.encode())[0].delimiters.segment
    if terminator not in "\r\n":
        text = text.replace("\r", "").replace("\n", "")
        text = re.sub(f"{re.escape(terminator)}[ \t]+", terminator, text)
    else:
        text = re.sub(r"(?:\r\n|\r|\n)[ \t]*", terminator, text)
    return text.rstrip() if text.rstrip().endswith(terminator) else text.rstrip() + terminator


@pytest.mark.parametrize("path", sample_params("837P") + sample_params("837I") + sample_params("835"))
def test_reading_and_writing_back_gives_the_same_segments(path: Path) -> None:
    try:
        segments = list(read_file(path))
    except X12Error:
        assert is_deliberately_broken(path) or path.name in UNREADABLE_SAMPLES, f"{path} should read"
        return
    delimiters = segments[0].delimiters
    written = segments_text(((segment.id, segment.elements) for segment in segments), delimiters)
    assert written == _normalised(path)
    assert [(s.id, s.elements) for s in read_bytes(written.encode())] == [(s.id, s.elements) for s in segments]


# Sound-named samples that are not X12 interchanges; docs/x12-conformance.md says why for each.
UNREADABLE_SAMPLES = {
    "test_edi_835_files__blue_cross_nc_sample.txt",  # an ST..SE without ISA/GS envelope
    "_5010__UnicodeExample.txt",  # UTF-16, cut off in the middle of its NM1 segment
}


def test_every_sample_reads_or_is_refused_with_an_x12_error() -> None:
    files = [path for folder in sorted(X12_SAMPLES.iterdir()) if folder.is_dir() for path in samples(folder.name)]
    if not files:
        pytest.skip(f"no samples under {X12_SAMPLES}")
    refused = []
    messages = []
    for path in files:
        try:
            list(read_file(path))
        except X12Error as error:
            messages.append((path, str(error)))
            refused.append(path.name)
    assert all(message.startswith(str(path)) for path, message in messages)
    sound_refused = {name for name in refused if not is_deliberately_broken(Path(name))}
    assert sound_refused <= UNREADABLE_SAMPLES | {
        "_5010__FromBogeyone.txt",  # 277CA that stops after its 11th segment (no SE, GE, IEA)
        "tests__835-example.txt",  # 4010: ISA16 followed by a line break before the terminator
        "tests__835-example-2.txt",
        "837_5010__x12_no_isa_line.txt",
    }
