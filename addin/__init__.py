"""Customer-retention metrics for Excel analysts.

``addin.metrics`` holds the one definition of every metric; the Excel functions
(``addin.udfs``), the report, the exporter and the template all call it.
"""

from .version import __version__

__all__ = ["__version__", "main"]


def main():
    """Refresh the Report sheet of the active workbook: what the ribbon's button runs.

    Imported here only when called, so ``import addin`` stays light (no xlwings, no pandas);
    see :mod:`addin.refresh`.
    """
    from .refresh import main as _main

    return _main()
