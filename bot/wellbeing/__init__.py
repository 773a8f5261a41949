"""Sensitive conversations: baby loss and low mood (issue 12 items 1 and 2)."""
