"""The service layer: every business operation, called alike by the CLI, the REST API and Python users.

A service opens one unit of work per operation and commits it whole; the faces only parse input and print output.
"""
