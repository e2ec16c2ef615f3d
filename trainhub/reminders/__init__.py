"""Time-based notices (overdue steps, answers waiting too long, stalled and ready hires) and
the ``trainhub notify`` command that finds them and sends the outbox.

Kept apart from ``notifications`` because it reads the features' records, while the
features write notices through ``notifications``: one package doing both would be a cycle.
"""
