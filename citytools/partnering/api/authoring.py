"""API: authoring."""

from ninja import Router

router = Router(tags=["invitations to partner"])
