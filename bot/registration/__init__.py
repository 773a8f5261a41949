"""Self-registration with the aanmeldpunt Moeders van Rotterdam: consent, conditions,
validation, summary and submission. Plain functions, no Rasa imports (actions/registration.py
adapts them to the conversation)."""
