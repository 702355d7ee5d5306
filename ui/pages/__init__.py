"""The app's pages (tabs), each built by one function from the shared Page."""

from __future__ import annotations
