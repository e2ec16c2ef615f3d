"""Existing handbooks (docs sites, Notion and Confluence exports) brought in as courses."""
