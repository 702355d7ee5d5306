"""Write assistant/export/templates/reference.docx: the 公文 styles, fonts and page setup the
DOCX export starts from. Run it after changing assistant/export/docx_styles.py:

    python scripts/make_reference_docx.py
"""

from __future__ import annotations

import sys

from assistant.export.docx_styles import REFERENCE_DOCX, build_reference


def main() -> int:
    REFERENCE_DOCX.parent.mkdir(parents=True, exist_ok=True)
    build_reference().save(str(REFERENCE_DOCX))
    print(f"wrote {REFERENCE_DOCX}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
