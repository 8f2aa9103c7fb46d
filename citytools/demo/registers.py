"""The demo's public facts: the registers City Tools ships, loaded as in any deployment
(`citytools load_register`), by the demo's platform admin. Their products and suppliers are
real, so the demo gives them nothing else: no ratings, contract values, pain points or
confirmations are made up for them (citytools.demo.satisfaction rates only the demo's own
invented products, and citytools.demo.freshness confirms only records a person would have
typed). Each system keeps the register as its source, shown on its page."""

from citytools.accounts.models import User
from citytools.demo.people import DOMAIN
from citytools.registers import services, shipped
from citytools.registers.services import Summary


def load_public_registers() -> list[Summary]:
    """Every shipped register, loaded once (a second load changes nothing)."""
    admin = User.objects.filter(email=f"admin@{DOMAIN}").first()
    if admin is None:
        return []
    return [services.load_register(register.name, actor=admin) for register in shipped.REGISTERS.values()]
