"""Core's rows of the authorization matrix (tests/test_authorization.py): the health checks,
which anyone may read (a load balancer signs in as nobody) and nobody may write to."""

from tests.expect import Expect, page

EXPECTATIONS: dict[str, Expect] = {
    "core:healthz": page(),
    "core:readyz": page(),
}
