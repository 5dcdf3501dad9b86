"""Builds deskguard_update_set.xml (a ServiceNow update set, as System Update Sets > Retrieved
Update Sets > Import Update Set from XML expects) from the scripts in src/.

    python integrations/servicenow/build_update_set.py      # rewrites the XML beside this file

The XML is committed; a test checks it is what this script builds, so the sources and the
update set never drift. sys_ids are stable (uuid5 of each record's name)."""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC = HERE / "src"
OUT = HERE / "deskguard_update_set.xml"
SCOPE = "x_deskguard"
VERSION = "1.0.0"
NAMESPACE = uuid.UUID("6f1d2c1e-8c1b-4f0e-9a34-5d0c2b7e9d11")
RESET_STATES = "['3', '6', '7']"  # Closed Complete (task), Resolved and Closed (incident)


@dataclass(frozen=True)
class Record:
    table: str  # the ServiceNow table of the record (sys_script_include, sys_script...)
    name: str  # its display name in the update set
    kind: str  # the update set's "type" column
    fields: dict[str, str] = field(default_factory=dict)
    script: str | None = None  # a file in src/ placed in the `script` field

    @property
    def sys_id(self) -> str:
        return uuid.uuid5(NAMESPACE, f"{self.table}:{self.name}").hex


def _include(name: str, description: str) -> Record:
    return Record(
        "sys_script_include",
        name,
        "Script Include",
        {
            "api_name": f"{SCOPE}.{name}",
            "access": "package_private",
            "active": "true",
            "client_callable": "false",
            "description": description,
        },
        f"{name}.js",
    )


def _ui_action(table: str) -> Record:
    return Record(
        "sys_ui_action",
        f"Verify caller with deskguard ({table})",
        "UI Action",
        {
            "table": table,
            "action_name": "x_deskguard_verify_caller",
            "form_button": "true",
            "active": "true",
            "roles": f"{SCOPE}.agent",
            "order": "100",
        },
        "verify_caller_with_deskguard.js",
    )


def _property(name: str, kind: str, description: str, value: str = "") -> Record:
    return Record(
        "sys_properties",
        f"{SCOPE}.{name}",
        "System Property",
        {
            "type": kind,
            "value": value,
            "description": description,
            "read_roles": "admin",
            "write_roles": "admin",
        },
    )


def _column(table: str, element: str, kind: str, label: str, length: str) -> Record:
    return Record(
        "sys_dictionary",
        f"{table}.{element}",
        "Dictionary",
        {
            "name": table,
            "element": element,
            "internal_type": kind,
            "column_label": label,
            "max_length": length,
            "read_only": "true",
        },
    )


def records() -> list[Record]:
    columns = [
        _column(table, element, kind, label, length)
        for table in ("task", "interaction")
        for element, kind, label, length in (
            ("u_deskguard_status", "string", "deskguard status", "20"),
            ("u_deskguard_checked_at", "glide_date_time", "deskguard checked at", "40"),
            ("u_deskguard_grant", "string", "deskguard grant", "4000"),
        )
    ]
    return [
        Record(
            "sys_user_role",
            f"{SCOPE}.agent",
            "Role",
            {"description": "Help-desk agents who verify callers with deskguard"},
        ),
        _property("url", "string", "deskguard base URL, e.g. https://deskguard.example.com"),
        _property("console_url", "string", "deskguard console URL (default: url + /console)"),
        _property("api_key", "password2", "deskguard API key (role helpdesk) for this instance"),
        _property("timeout_ms", "integer", "time-out of each call to deskguard", "10000"),
        _include("DeskguardClient", "Calls deskguard: start, answers, status, grant check"),
        _include("DeskguardGuard", "Which records are resets; whether one may proceed"),
        Record(
            "pwd_extension_script",
            "DeskguardPwdVerification",
            "Password Reset Extension",
            {
                "category": "password_reset.extension.verification_form_processor",
                "active": "true",
                "description": "Verifies the caller only with a deskguard allow grant",
            },
            "DeskguardPwdVerification.js",
        ),
        Record(
            "sys_script",
            "deskguard: no reset without a grant",
            "Business Rule",
            {
                "collection": "task",
                "when": "before",
                "action_update": "true",
                "order": "50",
                "active": "true",
                "advanced": "true",
                "condition": f"current.state.changes() && {RESET_STATES}"
                ".indexOf(String(current.state)) >= 0",
            },
            "deskguard_block_reset_without_grant.js",
        ),
        *[_ui_action(table) for table in ("incident", "sc_req_item", "interaction")],
        *columns,
    ]


def _payload(record: Record) -> str:
    update = ET.Element("record_update", table=record.table)
    body = ET.SubElement(update, record.table, action="INSERT_OR_UPDATE")
    values = {"sys_id": record.sys_id, "sys_scope": SCOPE, "name": record.name, **record.fields}
    if record.script:
        values["script"] = (SRC / record.script).read_text("utf-8")
    for key, value in values.items():
        ET.SubElement(body, key).text = value
    return '<?xml version="1.0" encoding="UTF-8"?>' + ET.tostring(update, encoding="unicode")


def build() -> str:
    unload = ET.Element("unload", unload_date="2026-12-01 00:00:00")
    set_id = uuid.uuid5(NAMESPACE, f"update_set:{VERSION}").hex
    header = ET.SubElement(unload, "sys_remote_update_set", action="INSERT_OR_UPDATE")
    for key, value in {
        "application": SCOPE,
        "name": f"deskguard {VERSION}",
        "description": "deskguard caller verification: client, reset guard, UI action, fields",
        "state": "loaded",
        "sys_id": set_id,
    }.items():
        ET.SubElement(header, key).text = value
    for record in records():
        entry = ET.SubElement(unload, "sys_update_xml", action="INSERT_OR_UPDATE")
        for key, value in {
            "action": "INSERT_OR_UPDATE",
            "application": SCOPE,
            "name": f"{record.table}_{record.sys_id}",
            "payload": _payload(record),
            "remote_update_set": set_id,
            "target_name": record.name,
            "type": record.kind,
        }.items():
            ET.SubElement(entry, key).text = value
    ET.indent(unload)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(unload, encoding="unicode") + "\n"
    )


if __name__ == "__main__":
    OUT.write_text(build(), "utf-8")
    print(f"wrote {OUT.relative_to(HERE.parent.parent)}")
