"""revcycle: coding, billing and audit of the healthcare revenue cycle."""

__version__ = "0.1.0"
