"""``python -m pymem.cli``: the ``pymem`` command."""

import sys

from pymem.cli import main

sys.exit(main())
