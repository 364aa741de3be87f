"""The identifiers FHIR resources give the code systems revcycle reads (``Coding.system``).

One place for both FHIR readers: claims (`revcycle.services.scrub_inputs`) and notes (`revcycle.coding.fhir`).
"""

from __future__ import annotations

ICD10CM_SYSTEM = "http://hl7.org/fhir/sid/icd-10-cm"
CPT_SYSTEM = "http://www.ama-assn.org/go/cpt"
HCPCS_SYSTEM = "https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"
CPT_SYSTEMS = frozenset({CPT_SYSTEM, "urn:oid:2.16.840.1.113883.6.12"})
"""The AMA's CPT URI and its OID."""
HCPCS_SYSTEMS = frozenset(
    {
        HCPCS_SYSTEM,
        "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets",
        "urn:oid:2.16.840.1.113883.6.285",
        "urn:oid:2.16.840.1.113883.6.14",
    }
)
"""The HCPCS release page, with and without TLS, and the OIDs of HCPCS and HCPCS Level II."""
PROCEDURE_SYSTEMS = CPT_SYSTEMS | HCPCS_SYSTEMS
"""Every system a CPT or HCPCS code (or modifier) may be given in."""
