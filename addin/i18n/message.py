"""A keyed message: what the data reader says (a note on how the data was read, a reason a
row was dropped) as a word key of :data:`addin.i18n.TEXTS` and the values to fill in.

A :class:`Message` *is* its English text (a ``str``), so whatever prints, compares or
searches the reader's English keeps working; the report says it in its own language from
its key (``i18n.text(lang, message.key, **message.values)``), never by reading the English
back.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

__all__ = ["Message", "counted"]


class Message(str):
    """The English text of word ``key`` with ``values`` filled in, remembering both.

    A value may itself be a Message (a place, a count), said in the same language as the
    message around it.
    """

    key: str
    values: MappingProxyType

    def __new__(cls, key: str, **values: Any) -> Message:
        from .report_words import text  # the words import nothing of this module

        english = text("en", key, **{name: str(v) if isinstance(v, Message) else v
                                     for name, v in values.items()})
        self = super().__new__(cls, english)
        object.__setattr__(self, "key", key)
        object.__setattr__(self, "values", MappingProxyType(dict(values)))
        return self

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("a Message cannot be changed")

    def __reduce__(self):
        # pickled (a worker process, a cache) as its key and values, not as plain text
        return (_rebuild, (self.key, dict(self.values)))

    def __repr__(self) -> str:
        return f"Message({self.key!r}, {str(self)!r})"

    def said(self, lang: str) -> str:
        """The message in ``lang``, its Message values said in ``lang`` too."""
        from .report_words import text

        return text(lang, self.key, **{name: v.said(lang) if isinstance(v, Message) else v
                                       for name, v in self.values.items()})


def _rebuild(key: str, values: dict) -> Message:
    return Message(key, **values)


def counted(key: str, n: int, **values: Any) -> Message:
    """Word ``key`` for ``n`` things: ``key_one`` when ``n`` is 1 (its own grammar: "1 number
    shows it"), else ``key`` ("2,000 numbers show it")."""
    return Message(f"{key}_one" if n == 1 else key, n=n, **values)
