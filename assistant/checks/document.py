"""The one JSON document of `xxgk check --json`: the report header, its cells and the findings.
Keys are stable (other tools read them) and the data-file reader reads the document back."""

from __future__ import annotations

from typing import Any

from assistant.checks.findings import CheckResult
from assistant.report.dataschema import dump
from assistant.report.model import Report


def check_document(report: Report, result: CheckResult) -> dict[str, Any]:
    data = dump(report)
    # exactly these three keys: the data-file reader reads this document back (xxgk check FILE)
    return {
        "report": data["report"],
        "cells": data["cells"],
        "findings": [f.as_json() for f in result.findings],
    }
