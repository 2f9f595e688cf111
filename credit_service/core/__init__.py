"""The thin shared core: database base, enums, errors, validation, calendars."""
