"""Customer-retention metrics for Excel analysts.

``addin.metrics`` holds the one definition of every metric; the Excel functions
(``addin.udfs``), the report, the exporter and the template all call it.
"""

__version__ = "0.1.0"
