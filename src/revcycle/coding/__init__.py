"""Computer-assisted coding: a clinical note in, ICD-10-CM and CPT/HCPCS codes out, with the evidence for each.

The path is a coder's: the note is split into sections and sentences (`document`), conditions and services are
recognised (`mentions`, `procedures`), each mention's assertion is judged (`assertion`), codes are made as specific
as the words allow (`specificity`), the official conventions and outpatient guidelines are applied (`guidelines`),
the E/M level is computed (`em`) and gaps in the documentation become clinician queries (`queries`).
"""
