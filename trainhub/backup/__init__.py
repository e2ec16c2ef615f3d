"""Online backups of the whole database and restoring them (SQLite and PostgreSQL)."""
