"""The importers of official reference files, one module per distribution format.

Importing this package imports every module in it, and each registers its importers with
`revcycle.refdata.importers.base.register`, so adding a format is adding a module.
"""

import importlib
import pkgutil

from revcycle.refdata.importers.base import IMPORTERS, Importer, Sample, detect, register

for _module in pkgutil.iter_modules(__path__):
    if _module.name != "base":
        importlib.import_module(f"{__name__}.{_module.name}")

__all__ = ["IMPORTERS", "Importer", "Sample", "detect", "register"]
