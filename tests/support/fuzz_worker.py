"""Reads a batch of hostile files in one process under an address-space limit, one JSON line per
case: `python -m tests.support.fuzz_worker MANIFEST START`.

The manifest is a JSON list of [path, loader]; the loaders are every reader and data-file
loader of xxgk (read_report for every suffix, the roll-up roster, the workspace backup). Each
case is one of: ok (read), refused (one of our errors, with a message), traceback (anything
else: a defect), limit (MemoryError under the address-space limit, or over its time). The
parent (tests/ingest/test_fuzz_hostile.py) restarts a worker that dies after the case it was on.
"""

from __future__ import annotations

import json
import resource
import signal
import sys
import time
import traceback
from pathlib import Path
from types import FrameType

# an input may cost this much address space beyond what the process holds once the readers are
# imported (issue 16: memory ≤ 500 MB for any single input)
INPUT_BYTES = 512 * 1024 * 1024
CASE_SECONDS = 20


class CaseTimeout(BaseException):  # not an Exception: no reader's `except` may swallow it
    pass


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise CaseTimeout


def _address_space() -> int:
    with open("/proc/self/status", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmSize")


def main(manifest: str, start: int) -> None:
    from assistant.errors import AssistantError
    from assistant.ingest import read_report
    from assistant.ingest.roster import read_roster
    from assistant.store.backup import read_backup

    loaders = {"report": read_report, "roster": read_roster, "backup": read_backup}
    cases = json.loads(Path(manifest).read_text(encoding="utf-8"))
    # the modules a reader loads on first use, loaded before the limit is set
    import assistant.ingest.docx  # noqa: F401
    import assistant.ingest.html  # noqa: F401
    import assistant.ingest.pdf  # noqa: F401
    import assistant.ingest.text  # noqa: F401
    import assistant.ingest.xlsx  # noqa: F401

    limit = _address_space() + INPUT_BYTES
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    signal.signal(signal.SIGALRM, _alarm)
    out = sys.stdout
    for i in range(start, len(cases)):
        path, loader = cases[i]
        out.write(json.dumps({"i": i, "start": True}) + "\n")
        out.flush()
        began = time.perf_counter()
        detail = ""
        signal.alarm(CASE_SECONDS)
        try:
            loaders[loader](Path(path))
            outcome = "ok"
        except AssistantError as exc:
            outcome = "refused" if exc.message.strip() else "traceback"
            detail = exc.message[:200]
        except MemoryError:
            outcome, detail = "limit", "MemoryError"
        except CaseTimeout:
            outcome, detail = "limit", f"over {CASE_SECONDS} s"
        except Exception:  # noqa: BLE001 — what the test is looking for
            outcome, detail = "traceback", traceback.format_exc()[-1500:]
        finally:
            signal.alarm(0)
        seconds = time.perf_counter() - began
        out.write(
            json.dumps(
                {"i": i, "outcome": outcome, "detail": detail, "seconds": round(seconds, 4)},
                ensure_ascii=False,
            )
            + "\n"
        )
        out.flush()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
