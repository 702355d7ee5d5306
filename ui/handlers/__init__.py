"""The app's handlers: plain functions that take the Assistant and return plain data, one module
per tab (workspace 单位与年度, tables 数据填报, drafting 起草与修改, review 审核对比, exports 导出)."""

from __future__ import annotations
