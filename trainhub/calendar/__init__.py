"""Private iCalendar feeds of due dates: one revocable URL per person, for Outlook and Google
Calendar."""
