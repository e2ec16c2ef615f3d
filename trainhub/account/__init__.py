"""``/account/``: a person's own settings: time zone, language, and the calendar feed link."""
