"""Ready-to-publish renderers and the publish gate."""

from __future__ import annotations
