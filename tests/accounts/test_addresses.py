"""The client's address (citytools.accounts.addresses), table by table: no database."""

import pytest

from citytools.accounts.addresses import client_address_from

CLIENT, OTHER, PROXY, OUTER = "192.0.2.10", "198.51.100.7", "10.0.0.2", "10.0.0.1"


@pytest.mark.parametrize(
    "remote, forwarded, proxies, expected",
    [
        # No proxy: the header is anyone's to write, so it is ignored.
        (CLIENT, None, 0, CLIENT),
        (CLIENT, OTHER, 0, CLIENT),
        # One proxy: it appends the address it saw; the rest of the header is the client's own.
        (PROXY, CLIENT, 1, CLIENT),
        (PROXY, f"{OTHER}, {CLIENT}", 1, CLIENT),
        (PROXY, f"{OTHER},{OTHER}, {CLIENT}", 1, CLIENT),
        # Two proxies: the outer one appended the client, the inner one the outer proxy.
        (PROXY, f"{CLIENT}, {OUTER}", 2, CLIENT),
        (PROXY, f"{OTHER}, {CLIENT}, {OUTER}", 2, CLIENT),
        # Fewer hops than proxies: the furthest address known.
        (PROXY, None, 1, PROXY),
        (PROXY, CLIENT, 2, CLIENT),
        # Ports some proxies add, IPv6, and entries that are no address.
        (PROXY, "192.0.2.10:4711", 1, CLIENT),
        (PROXY, "[2001:db8::1]:443", 1, "2001:db8::1"),
        (PROXY, "2001:db8::1", 1, "2001:db8::1"),
        (PROXY, "unknown", 1, PROXY),
        (PROXY, f"{CLIENT}, <script>", 1, PROXY),
        (None, None, 0, None),
        ("garbage", None, 0, None),
    ],
)
def test_the_client_address(remote, forwarded, proxies, expected):
    assert client_address_from(remote, forwarded, proxies=proxies) == expected
