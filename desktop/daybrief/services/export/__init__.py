"""Briefing → text in each export format; every calendar text escaped for its format."""

from daybrief.services.export._common import without_controls

__all__ = ["without_controls"]
