"""Every word the add-in shows, by language: one language list (:mod:`.languages`), the
report's words (:mod:`.report_words`) and the template's labels (:mod:`.template_words`).

``text(lang, key)`` looks up one report word; the template builder reads
``template_words.text(lang)``.
"""

from .languages import DEFAULT_LANGUAGE, LANGUAGES, check_language
from .report_words import TEXTS, text

__all__ = ["DEFAULT_LANGUAGE", "LANGUAGES", "TEXTS", "check_language", "text"]
