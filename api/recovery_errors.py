"""Why a recovery is refused or failed; each maps to its HTTP status through DeskguardError."""

from __future__ import annotations

from api.errors import Conflict, DeskguardError, Forbidden, NotFound, Unauthorized


class RecoveryRefused(Forbidden):
    code = "recovery_refused"


class NotAllowed(RecoveryRefused):
    code = "not_allowed"


class WrongAgent(RecoveryRefused):
    code = "wrong_agent"


class WrongAction(RecoveryRefused):
    code = "wrong_action"


class WrongTicket(RecoveryRefused):
    code = "wrong_ticket"


class GrantRefused(RecoveryRefused):
    code = "grant_invalid"


class GrantTooOld(RecoveryRefused):
    code = "grant_expired"


class RecoveryLocked(RecoveryRefused):
    code = "recovery_locked"


class AlreadyUsed(Conflict):
    code = "grant_used"


class ProviderFailed(DeskguardError):
    """The identity provider refused or failed: nothing that counts as a recovery happened."""

    status, code = 502, "provider_error"


class HookRefused(Unauthorized):
    """An identity-provider hook authenticates with its shared secret, not an API key."""

    code = "hook_unauthorised"


class HookNotConfigured(NotFound):
    code = "hook_not_configured"
