"""xxgk：政府信息公开工作年度报告助手 (the annual report assistant)."""

from __future__ import annotations

__version__ = "0.1.0"
