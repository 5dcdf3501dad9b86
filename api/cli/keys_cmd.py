"""`deskguard keys create --role ROLE`."""

from __future__ import annotations

import typer

from api.auth import create_key
from api.settings import get_settings
from api.storage import Database

app = typer.Typer(no_args_is_help=True, help="Manage API keys.")


@app.command("create")
def create(
    role: str = typer.Option(..., help="helpdesk | security | auditor | admin | signal"),
) -> None:
    """Create an API key and print it (it is stored hashed and cannot be shown again)."""
    db = Database(get_settings().sqlalchemy_url)
    _, key = create_key(db, role)
    print(key)
