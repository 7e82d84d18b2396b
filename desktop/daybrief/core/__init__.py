"""The calendar engine: pure Python (stdlib, icalendar, dateutil); no Qt, no SQL."""
