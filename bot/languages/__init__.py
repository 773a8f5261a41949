"""Languages (issue 11): detection, the conversation language, localised content, first answers.

* :mod:`bot.languages.detect` - which language a message is in (offline, Dutch by default);
* :mod:`bot.languages.localize` - Dutch plain fields and one ``en:`` block per content file;
* :mod:`bot.languages.texts` - first answers in other languages and the Nederlands/English switch;
* :mod:`bot.languages.conversation` - the conversation language from the slots (``lang_of``).
"""
