"""Every word the add-in shows, by language: one language list (:mod:`.languages`), the
report's words (:mod:`.report_words`) and the template's labels (:mod:`.template_words`).

``text(lang, key)`` looks up one report word; a :class:`Message` is a word key with its
values, English as text, said in any language (the data reader's notes and reasons); the template builder reads
``template_words.text(lang)``.
"""

from .languages import DEFAULT_LANGUAGE, LANGUAGES, check_language
from .message import Message, counted
from .report_words import TEXTS, text

__all__ = ["DEFAULT_LANGUAGE", "LANGUAGES", "Message", "TEXTS", "check_language", "counted", "text"]
