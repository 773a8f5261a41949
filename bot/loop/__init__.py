"""The loop between the aanmeldpunt and the parent, chat side (issue 13).

Status of her registration in the chat, privacy answers, her own data (AVG art. 15-17),
callback requests and messages for the staff. No Rasa imports: the actions in
``actions/loop.py`` are thin adapters to these functions.
"""
