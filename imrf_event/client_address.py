"""The client's address behind the TLS proxies named in TRUSTED_PROXIES, for rate limits and django-axes."""

import ipaddress

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def trusted_proxies_parse(value: str) -> tuple[Network, ...]:
    """The networks in a comma-separated list of addresses and networks (IPv4 or IPv6).

    A mistyped entry stops the start: silently dropping it would make every participant share
    the proxy's address, and so one rate limit, without anyone noticing.
    """
    networks = []
    for entry in filter(None, (part.strip() for part in value.split(","))):
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"TRUSTED_PROXIES: {entry!r} is not an IP address or network (e.g. 10.0.0.5, 10.0.0.0/24, fd00::/8)."
            ) from None
    return tuple(networks)


def _address(text: str) -> Address | None:
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    # An IPv4 client seen through an IPv6 socket is the same client as over IPv4.
    return getattr(address, "ipv4_mapped", None) or address


def _trusted(address: Address) -> bool:
    return any(address in network for network in settings.TRUSTED_PROXIES)


def client_address(request) -> str:
    """The address of the client that sent `request`.

    X-Forwarded-For is read only when the connection comes from a trusted proxy, since anyone
    can send the header; each proxy appends the address it saw, so the list is walked from the
    right and the first entry that is not a trusted proxy is the client. Entries left of it were
    written by the client and are ignored. An IPv6 client is its /64 network (`_one_client`).
    """
    remote = request.META.get("REMOTE_ADDR", "")
    current = _address(remote)
    if current is None:
        return remote or "unknown"
    if not _trusted(current):
        return _one_client(current)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for entry in reversed(forwarded.split(",")):
        hop = _address(entry)
        if hop is None:
            # A proxy wrote something unreadable: keep the last trusted hop rather than guess,
            # so a client cannot pick its own address by sending a malformed header.
            break
        current = hop
        if not _trusted(hop):
            break
    return _one_client(current)


def _one_client(address: Address) -> str:
    """The address that stands for one client: an IPv6 host is given a whole /64 and picks any address in it.

    Counting each IPv6 address apart would let one host send as many registrations, or guess as many
    admin passwords, as its network has addresses; its /64 is counted as one client instead.
    """
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)
    return str(address)


def client_address_for_axes(request) -> str | None:
    """The client address as django-axes stores it: None when there is none to read.

    axes writes it to a GenericIPAddressField, which PostgreSQL refuses to hold "unknown"
    (a request made in code, such as the test client's force_login, has no REMOTE_ADDR).
    """
    address = client_address(request)
    return address if _address(address) is not None else None
