"""``python -m dlmskit.cli``: the same as the ``dlms`` script."""

from dlmskit.cli import main

main()
