"""Helpers for the Klass fidelity tests of variants and correspondence tables: a small version with
every field a Klass item carries, made through the producers' API, and a reader of Klass's CSV."""

from __future__ import annotations

import csv
from typing import Any

from flask.testing import FlaskClient

from tests.conftest import bearer

CODES = "/api/v1/code-lists"

#: The version the variant regroups: two levels, short names, notes, one code with its own validity.
VERSION: dict[str, Any] = {
    "codes": [
        {"code": "A", "parentCode": None, "level": "1", "name": "Primærnæringer"},
        {
            "code": "01",
            "parentCode": "A",
            "level": "2",
            "name": "Jordbruk",
            "shortName": "Jordbr.",
            "notes": "Med gartneri",
        },
        {"code": "02", "parentCode": "A", "level": "2", "name": "Skogbruk", "shortName": "Skog"},
        {
            "code": "03",
            "parentCode": "A",
            "level": "2",
            "name": "Fiske",
            "validFrom": "2020-03-01",
            "notes": "",
        },
    ]
}


def create_list(client: FlaskClient, token: Any, name: str) -> int:
    made = client.post(
        CODES,
        headers=bearer(token),
        json={"producer": "ssb", "name_nb": name, "name_en": name},
    )
    assert made.status_code == 201, made.text
    return int(made.json["id"])


def publish_version(client: FlaskClient, token: Any, list_id: int, body: Any) -> int:
    added = client.post(
        f"{CODES}/{list_id}/versions?valid_from=2020-01-01", json=body, headers=bearer(token)
    )
    assert added.status_code == 201, added.text
    version_id = int(added.json["id"])
    done = client.post(f"{CODES}/{list_id}/versions/{version_id}/publish", headers=bearer(token))
    assert done.status_code == 200, done.text
    return version_id


def read_csv(text: str, separator: str = ",") -> list[dict[str, Any]]:
    """Rows of a Klass CSV, an empty unquoted cell read as null (a quoted one as "")."""
    lines = text.splitlines()
    header = next(csv.reader(lines[:1], delimiter=separator))
    rows = []
    for line in lines[1:]:
        cells = next(csv.reader([line], delimiter=separator))
        quoted = quoted_cells(line, separator)
        rows.append(
            {h: (c if c or q else None) for h, c, q in zip(header, cells, quoted, strict=True)}
        )
    return rows


def quoted_cells(line: str, separator: str) -> list[bool]:
    quoted, inside, cell_quoted = [], False, False
    for char in line:
        if char == '"':
            inside, cell_quoted = not inside, True
        elif char == separator and not inside:
            quoted.append(cell_quoted)
            cell_quoted = False
    quoted.append(cell_quoted)
    return quoted
