"""How far the cascade may follow a judge (set from its calibration, grading/calibration.py).

A weak model can say "incorrect" to every answer (failing genuine callers) or "correct" to too
many (passing impostors). Each direction is used only when the judge's calibration on the
labelled band set supports it: `accept` lets it lift a band answer to correct (the
counterfactual check still applies), `reject` lets it lower one below the deterministic partial.
A judge trusted in neither direction is not called at all: the band stays partial at most.
"""

from __future__ import annotations

from pydantic import BaseModel


class JudgeTrust(BaseModel):
    accept: bool
    reject: bool
    why: str  # recorded in each grade's reason when it limits the judge

    @classmethod
    def full(cls, why: str) -> JudgeTrust:
        return cls(accept=True, reject=True, why=why)

    @classmethod
    def none(cls, why: str) -> JudgeTrust:
        return cls(accept=False, reject=False, why=why)

    @property
    def used(self) -> bool:
        return self.accept or self.reject
