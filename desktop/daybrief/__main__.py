"""``python -m daybrief``: the same entry point as the ``daybrief`` command."""

import sys

from daybrief.cli.main import main

sys.exit(main())
