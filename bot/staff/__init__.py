"""Staff web app for the aanmeldpunt Moeders van Rotterdam (Flask, server-rendered)."""
