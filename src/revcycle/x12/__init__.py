"""X12 EDI: tokenising, implementation guides as data, readers, writers and validation of the 5010 transactions."""
