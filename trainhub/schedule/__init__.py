"""The onboarding calendar: when each step of a hire's track is due, pauses and moved starts."""
