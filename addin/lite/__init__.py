"""xlwings Lite: the workbook carries its own Python.

xlwings Lite is a free add-in from Microsoft's add-in store that runs Python (Pyodide) inside
Excel on Windows, Mac and the web, and keeps a workbook's ``main.py`` and
``requirements.txt`` in the workbook. This package writes both so that our Excel functions
and the Refresh report script work in any workbook that carries them, with nothing to
install but Lite:

- :mod:`.bundle` -- ``main.py`` (the package's Lite modules as an archive inside it) and
  ``requirements.txt``;
- :mod:`.part` -- Lite's part of an .xlsx: written into the template by
  ``retention template``, into a copy of an analyst's workbook by ``retention lite --into``;
- :mod:`.files` -- what ``retention lite`` writes: the two files to a folder, or a copy of
  a workbook with the part;
- :mod:`.activate` -- the *Activate functions* script that runs inside Lite.

Only :mod:`.activate` runs inside Excel (it is in the archive, with :mod:`addin.udfs` and
:mod:`addin.refresh`, and so is this file, which is why it imports nothing); the rest builds
files. See docs/lite.md.
"""

