"""Choosing a password: changing it, "Forgot password?", invitations and their mails."""
