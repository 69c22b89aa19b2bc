"""``python -m nbteach.bench``: see the package docstring."""
import sys

from .report import main

sys.exit(main())
