"""The command-line face: a thin layer of Typer commands over `revcycle.services`."""
