"""The address a request comes from: the one function every use of it asks. Today that is
django-axes (AXES_CLIENT_IP_CALLABLE), which keys login throttling on it and writes it into
its access log of sign-in attempts.

Without a proxy (the default) it is REMOTE_ADDR and X-Forwarded-For is ignored, since anyone
can send that header. Behind CITYTOOLS_TRUSTED_PROXIES proxies (CITYTOOLS_BEHIND_PROXY), each
proxy appends the address it saw to X-Forwarded-For and the nearest one is REMOTE_ADDR, so in
the chain "X-Forwarded-For, REMOTE_ADDR" the last `proxies` entries are the site's own and
the one before them is the client as the outermost proxy saw it. Whatever a client writes
into the header itself stays to the left of that, so it cannot choose its address.

django-axes could take the address from django-ipware instead; ipware's proxy handling is a
best guess that prefers public addresses, where a throttle needs the one rule above.
"""

import ipaddress

from django.conf import settings


def _address(text: str) -> str | None:
    """`text` as an IP address (a proxy may add a port: "192.0.2.1:4711", "[2001:db8::1]:443"),
    or None if it is not one."""
    text = text.strip()
    candidates = [text]
    if text.startswith("[") and "]" in text:
        candidates.append(text[1 : text.index("]")])
    elif text.count(":") == 1:
        candidates.append(text.split(":")[0])
    for candidate in candidates:
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            continue
    return None


def client_address_from(remote_addr: str | None, forwarded_for: str | None, *, proxies: int) -> str | None:
    """The client's address, from REMOTE_ADDR and X-Forwarded-For, behind `proxies` trusted
    proxies (0: no proxy, the header is ignored). A chain shorter than the proxies claimed
    gives its first address; an entry that is no address gives REMOTE_ADDR."""
    remote = _address(remote_addr or "")
    if proxies <= 0:
        return remote
    chain = [part for part in (forwarded_for or "").split(",") if part.strip()] + [remote_addr or ""]
    chosen = chain[-(proxies + 1)] if len(chain) > proxies else chain[0]
    return _address(chosen) or remote


def client_address(request) -> str | None:
    """The address `request` comes from, as CITYTOOLS_BEHIND_PROXY and
    CITYTOOLS_TRUSTED_PROXIES say to read it."""
    return client_address_from(
        request.META.get("REMOTE_ADDR"), request.META.get("HTTP_X_FORWARDED_FOR"), proxies=settings.TRUSTED_PROXIES
    )
