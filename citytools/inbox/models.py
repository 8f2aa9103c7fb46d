"""The inbox owns no data. It answers one question for the person signed in, "what needs
me?", by reading the other apps' records: challenges (citytools.partnering), initiatives
(citytools.opportunities), attestation campaigns (citytools.freshness), catalogue proposals
(citytools.inventory) and suggestions from public notices (citytools.notices). It never writes;
each task links to the page where the work is done, through that app's own services.

It may import from core, directory, accounts, inventory, contracts, freshness, market,
partnering, satisfaction, opportunities, spreadsheets, search, notices and registers only.
"""
