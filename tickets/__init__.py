"""Ticketing integrations: what deskguard writes into the help-desk ticket (ServiceNow work notes,
Jira Service Management internal comments) and how it checks that a ticket's caller is the
employee being verified. Imports nothing of deskguard's own; `api` drives it."""
