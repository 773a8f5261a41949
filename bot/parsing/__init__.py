"""Robust parsers for Dutch free-text answers (money, pregnancy timing, yes/no).

Shared by every form. No parser raises on any input: unparseable text gives ``None``
(or a result whose fields say so), and the caller re-asks with an example.
"""
