import pytest

from revcycle.domain import Source
from revcycle.errors import InvalidRecord


def test_a_source_is_written_path_first() -> None:
    assert str(Source(path="in/claims.json", location="$[3].lines[0]")) == "in/claims.json: $[3].lines[0]"
    assert str(Source(path=" in/era.835 ")) == "in/era.835"


@pytest.mark.parametrize(
    ("path", "location", "field", "fragment"),
    [
        ("", "", "path", "is required and empty"),
        ("x" * 1025, "", "path", "at most 1024"),
        ("in/claims.json", "x" * 201, "location", "at most 200"),
        ("in/claims\n.json", "", "path", "holds control characters"),
        ("in/era.835", "segment 4\x00", "location", "holds control characters"),
    ],
)
def test_a_bad_source_names_its_field(path: str, location: str, field: str, fragment: str) -> None:
    with pytest.raises(InvalidRecord) as caught:
        Source(path=path, location=location)

    assert (caught.value.record, caught.value.field) == ("Source", field)
    assert fragment in caught.value.reason
