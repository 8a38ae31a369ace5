"""Errors the user should see as one clear line, never as a traceback."""
from __future__ import annotations


class GovReportError(Exception):
    """Base class: ``str(err)`` is the whole message shown to the user."""


class ReadError(GovReportError):
    """A file could not be read as a report."""

    def __init__(self, path: str, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class ConfigError(GovReportError):
    """A configuration file or option is wrong."""


class ModelError(GovReportError):
    """A model could not be found, loaded, or used."""
