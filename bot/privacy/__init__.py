"""Privacy helpers: sender pseudonyms, redaction of personal data, the redacting tracker store."""
