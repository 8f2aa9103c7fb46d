"""Registers owns the public registers City Tools ships (data/), each a list of facts about
many organisations at once (which library management system every UK library service runs),
and loading them onto the map: it finds or creates each organisation, supplier and product,
and adds each system through citytools.inventory.services with the register as its
provenance, unconfirmed. It keeps no tables of its own: what a load did is in the records it
wrote and their history.

It may import from core, directory, accounts, inventory, contracts, freshness, market,
partnering, satisfaction, opportunities, spreadsheets, search and notices only.
"""
