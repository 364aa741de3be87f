"""Implementation guides as data: the loops, segments and elements of each HIPAA 5010 transaction.

The JSON files in ``data/`` are generated from public machine-readable sources (``scripts/generate_x12_guides.py``
from pyx12's maps; ``scripts/build_authored_x12_guides.py`` from the guides authored in ``authored/``); this package
loads them into typed, immutable specifications that the tree walker and the validator read.
"""

from revcycle.x12.guides.model import ElementSpec, Guide, LoopSpec, SegmentSpec
from revcycle.x12.guides.registry import GUIDE_FILES, envelope_segments, external_codes, guide_for, load_guide

__all__ = [
    "GUIDE_FILES",
    "ElementSpec",
    "Guide",
    "LoopSpec",
    "SegmentSpec",
    "envelope_segments",
    "external_codes",
    "guide_for",
    "load_guide",
]
