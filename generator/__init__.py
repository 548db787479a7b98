"""ll2-static: a static mirror and open-data snapshot of the Launch Library 2 Events API."""

__version__ = "0.1.0"
