"""The ServiceNow side: every script parses, the update set is built from the sources, and the
scripts fail closed (no grant, deskguard unreachable) under Node with the Glide stubs."""

from __future__ import annotations

import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.integrations.servicenow_node import (
    ROOT,
    SCRIPTS,
    USERS,
    node,
    properties,
    reset_incident,
    run,
)


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_every_script_parses(script: Path) -> None:
    done = subprocess.run([node(), "--check", str(script)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_update_set_is_built_from_the_sources() -> None:
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location("sn_build", ROOT / "build_update_set.py")
    assert spec and spec.loader
    build = importlib.util.module_from_spec(spec)
    sys.modules["sn_build"] = build  # dataclasses look their module up
    spec.loader.exec_module(build)
    committed = (ROOT / "deskguard_update_set.xml").read_text("utf-8")
    assert committed == build.build(), "run integrations/servicenow/build_update_set.py"
    entries = ET.fromstring(committed).findall("sys_update_xml")
    payloads = [ET.fromstring(e.findtext("payload") or "") for e in entries]
    scripts = {p[0].findtext("script") for p in payloads if p[0].findtext("script")}
    assert {s.read_text("utf-8") for s in SCRIPTS} == scripts  # every source, verbatim
    tables = {p.get("table") for p in payloads}
    assert {"sys_script", "sys_script_include", "sys_ui_action", "pwd_extension_script"} <= tables
    names = {e.findtext("target_name") for e in entries}
    assert {"x_deskguard.agent", "x_deskguard.url", "task.u_deskguard_status"} <= names


def test_a_reset_without_a_grant_is_aborted(tmp_path: Path) -> None:
    out = run(
        tmp_path,
        {
            "script": "business_rule",
            "properties": properties("http://127.0.0.1:9"),
            "tables": {"sys_user": USERS},
            "current": reset_incident(None),
        },
    )
    assert out["aborted"] is True
    assert "no deskguard grant" in out["errors"][0]


def test_deskguard_unreachable_blocks_the_reset(tmp_path: Path) -> None:
    out = run(
        tmp_path,
        {
            "script": "business_rule",
            "properties": properties("http://127.0.0.1:9"),  # nothing listens on port 9
            "tables": {"sys_user": USERS},
            "current": reset_incident("eyJhbGciOiJFZERTQSJ9.e30.c2ln"),
        },
    )
    assert out["aborted"] is True
    assert "could not verify the grant" in out["errors"][0]


def test_other_tickets_are_not_touched(tmp_path: Path) -> None:
    incident = reset_incident(None)
    incident["row"]["short_description"] = "Printer on floor 3 is jammed"
    out = run(
        tmp_path,
        {
            "script": "business_rule",
            "properties": properties("http://127.0.0.1:9"),
            "tables": {"sys_user": USERS},
            "current": incident,
        },
    )
    assert out["aborted"] is False and out["errors"] == []


def test_ui_action_opens_the_console_prefilled(tmp_path: Path) -> None:
    out = run(
        tmp_path,
        {
            "script": "ui_action",
            "properties": properties("https://deskguard.example"),
            "tables": {"sys_user": USERS},
            "current": reset_incident(None),
        },
    )
    assert out["redirect"] == (
        "https://deskguard.example/console/start?employee=abel.tuter%40example.com"
        "&action=mfa_reset&ticket_system=servicenow&ticket=INC0010023"
    )


def test_password_reset_extension_refuses_without_a_grant(tmp_path: Path) -> None:
    out = run(
        tmp_path,
        {
            "script": "password_reset",
            "properties": properties("http://127.0.0.1:9"),
            "tables": {"sys_user": USERS},
            "params": {"userId": "62826bf03710200044e0bfc8bcbe5df1", "resetRequestId": "r1"},
            "form": {},
        },
    )
    assert out["result"] is False
