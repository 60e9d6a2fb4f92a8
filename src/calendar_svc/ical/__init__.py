"""RFC 5545 bytes, pure: ``vevent`` (one event), ``feed`` (a whole VCALENDAR), ``vtimezone`` (zone rules)."""
