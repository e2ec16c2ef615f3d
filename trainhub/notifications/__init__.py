"""Notices to people: written in the event's transaction (an outbox), shown at
``/notifications/`` and mailed by ``trainhub notify`` (see ``delivery``)."""
