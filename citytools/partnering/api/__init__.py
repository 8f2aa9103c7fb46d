"""The Invitation-to-Partner API, one router per part of the process, mounted together."""

from ninja import Router

from citytools.partnering.api import authoring, evaluation, outcome, proposals

router = Router()
for part in (authoring, proposals, evaluation, outcome):
    router.add_router("/", part.router)
