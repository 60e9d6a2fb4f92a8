"""RFC 5545 bytes, pure: ``vevent`` (one event: the one VEVENT writer), ``feed`` (a whole VCALENDAR), ``vtimezone`` (zone rules)."""
