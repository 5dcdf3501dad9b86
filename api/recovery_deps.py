"""Recovery's dependencies, declared once (like api/deps.py)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from api.deps import RuntimeDep
from api.recovery_notices import Notices
from api.recovery_service import RecoveryService
from api.recovery_wiring import RecoveryKit, build_recovery
from api.runtime import Runtime


def recovery_kit(runtime: Runtime) -> RecoveryKit:
    """The runtime's kit; one is built on first use for a runtime made without it."""
    if runtime.recovery is None:
        runtime.recovery = build_recovery(runtime.settings.recovery, runtime.db)
    return runtime.recovery


def get_kit(runtime: RuntimeDep) -> RecoveryKit:
    return recovery_kit(runtime)


def get_recovery(runtime: RuntimeDep) -> RecoveryService:
    return RecoveryService(runtime, recovery_kit(runtime))


def get_notices(runtime: RuntimeDep) -> Notices:
    return Notices(runtime, recovery_kit(runtime))


KitDep = Annotated[RecoveryKit, Depends(get_kit)]
RecoveryDep = Annotated[RecoveryService, Depends(get_recovery)]
NoticesDep = Annotated[Notices, Depends(get_notices)]
