"""Kraamzorg reimbursement check: tables, rules, answer parsing and texts (no Rasa imports)."""
