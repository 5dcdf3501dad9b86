"""Identity-provider recovery: the reset a help-desk `allow` permits, run by deskguard's own
service principal (Okta, Microsoft Entra), the employee's notification with a "this wasn't me"
link, and the normalised provider events that bypass detection matches against grants.

Imports none of deskguard's other packages; `api` wires it up."""
