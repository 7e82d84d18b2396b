"""The frozen app's entry script: the same ``main`` as the ``daybrief`` console script.

PyInstaller freezes a script, not an entry point; the package's own ``__main__`` would be
analysed as a loose file outside the package, so this thin file stands in for it.
"""

import sys

from daybrief.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
