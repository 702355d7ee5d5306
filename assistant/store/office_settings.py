"""The office's own settings, saved in the app by a signed-in user (保存为本单位设置) and kept in
the workspace, so they hold after a restart. Each is stored only once the office sets it; what
it has not set comes from `.env` or the environment (service.py applies them).

The model key is a secret: it is stored here as `.env` stores it, but never shown on a page
and never written to a backup (backup.py), so a backup file handed around carries no key."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import delete, select

from assistant.store.engine import dialect_insert
from assistant.store.models import OfficeSettingRow, utcnow
from assistant.store.transactions import Transactions

# name → what its value is
OFFICE_SETTINGS = {
    "llm.base_url": "the chat model's endpoint; an empty text: no model (the offline composer)",
    "llm.model": "the chat model's name",
    "llm.api_key": '{"key": …, "endpoint": the base_url it was given for}',
}
SECRET_SETTINGS = frozenset({"llm.api_key"})


class OfficeSettingsStore(Transactions):
    def office_settings(self) -> dict[str, Any]:
        """Every setting the office saved, by name (the secret ones too: for the server only)."""
        with self._tx() as s:
            return {r.name: r.value for r in s.scalars(select(OfficeSettingRow))}

    def save_office_settings(self, values: Mapping[str, Any], *, author: str) -> None:
        """Set these settings in one transaction; a value of None removes the office's own
        value, so the `.env` default applies again. Two users saving at once: the later wins."""
        unknown = sorted(set(values) - set(OFFICE_SETTINGS))
        if unknown:
            raise ValueError(f"office settings {unknown!r}")
        with self._tx(write=True) as s:
            now = utcnow()
            gone = [name for name, value in values.items() if value is None]
            if gone:
                s.execute(delete(OfficeSettingRow).where(OfficeSettingRow.name.in_(gone)))
            for name, value in values.items():
                if value is None:
                    continue
                row = {"name": name, "value": value, "updated_at": now, "updated_by": author}
                upsert = dialect_insert(s, OfficeSettingRow).values(row)
                s.execute(
                    upsert.on_conflict_do_update(
                        index_elements=["name"],
                        set_={k: upsert.excluded[k] for k in ("value", "updated_at", "updated_by")},
                    )
                )
