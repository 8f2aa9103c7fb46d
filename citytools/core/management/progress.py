"""The terminal's progress bar of a long batch command: one bar per stage, with its rate.

A service that runs for long takes `progress(stage, count)`; a command passes `update` of a
`Progress` here, which draws on standard error (and nothing when it is not a terminal)."""

import sys

from tqdm import tqdm


class Progress:
    def __init__(self, *, disable: bool, stages: dict[str, str] | None = None, unit_scale: bool = False):
        self.disable = disable
        self.stages = stages or {}
        self.unit_scale = unit_scale
        self.stage = None
        self.bar = None

    def update(self, stage: str, count: int) -> None:
        if self.disable:
            return
        if stage != self.stage:
            self.close()
            self.stage = stage
            self.bar = tqdm(desc=self.stages.get(stage, stage), unit="", unit_scale=self.unit_scale, file=sys.stderr)
        self.bar.update(count - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None
