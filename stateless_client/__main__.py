"""``python -m stateless_client``: the ``stateless-client`` command (see ``_cli``)."""

import sys

from ._cli import main

if __name__ == "__main__":
    sys.exit(main())
