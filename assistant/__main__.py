"""`python -m assistant` runs the xxgk command."""

from __future__ import annotations

from assistant.cli import main

if __name__ == "__main__":
    main()
