"""`deskguard recovery poll-entra`: read Entra's directory audits for resets that bypassed
deskguard (once, or every N seconds as a long-running job)."""

from __future__ import annotations

from typing import Annotated

import typer

from api.cli.common import command_group, emit, runtime

app = command_group("Identity-provider recovery and bypass detection.")


@app.command("poll-entra")
def poll_entra(
    every: Annotated[int, typer.Option(help="Seconds between polls; 0 polls once")] = 0,
    rounds: Annotated[int, typer.Option(help="Stop after this many polls; 0 never stops")] = 0,
) -> None:
    """Flag Entra resets with no deskguard grant (prints one JSON line per poll)."""
    import asyncio

    from api.recovery_bypass import BypassDetector
    from api.recovery_deps import recovery_kit

    rt = runtime()
    detector = BypassDetector(rt, recovery_kit(rt))
    if detector.kit.poller is None:
        from api.errors import ConfigurationError

        raise ConfigurationError(
            "poll-entra needs DESKGUARD_RECOVERY__PROVIDER=entra and DESKGUARD_RECOVERY__ENTRA__*"
        )

    async def loop() -> None:
        done = 0
        while True:
            alerts = await detector.poll_entra()
            emit({"alerts": [a.detail for a in alerts]})
            done += 1
            if every <= 0 or (rounds and done >= rounds):
                return
            await asyncio.sleep(every)

    asyncio.run(loop())
