"""Shared test setup.

xlwings picks its Office.js code path (the one xlwings Lite and xlwings Server run) when it
is first imported, and only with these variables set, so they are set here, before any test
module imports xlwings. The licence key "noncommercial" is for our noncommercial testing only.
"""

import os

os.environ["XLWINGS_ON_SERVER"] = "true"
os.environ["XLWINGS_LICENSE_KEY"] = "noncommercial"
