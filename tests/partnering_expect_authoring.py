"""Authorization expectations for the Invitation to Partner: authoring.

`build(h)` gets tests/test_authorization.py as `h` (its Who, page, action, api, fixed,
targeted …) and returns entries for its EXPECTATIONS, keyed by URL name.
"""

from tests import partnering_access as p  # noqa: F401


def build(h) -> dict:
    return {}
