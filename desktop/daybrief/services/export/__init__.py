"""Briefing → text in each export format; every calendar text escaped for its format."""
