"""City Tools: a shared map of local-government technology, and the lean procurement built on it."""

__version__ = "0.1.0"
