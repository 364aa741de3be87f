"""The built-in edits, one per module, each module named by its edit's code."""
