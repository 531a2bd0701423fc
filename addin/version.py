"""The package's version, in a module of its own so that writers can stamp files with it
without importing the package's entry points (``addin.main`` loads the Refresh button)."""

__version__ = "0.1.0"
