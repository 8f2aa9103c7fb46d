"""The links a challenge's page offers each person, gathered from every part of the process.

Each views module may define `nav_links(challenge, roles, viewer) -> list[tuple[str, str]]`
(label, URL) for the pages of its part this person may use now; the challenge page shows
them all, in the order of the process.
"""

from citytools.partnering.views import authoring, evaluation, outcome, proposals

PARTS = (authoring, proposals, evaluation, outcome)


def links_for(challenge, roles, viewer) -> list[tuple[str, str]]:
    links: list[tuple[str, str]] = []
    for part in PARTS:
        contribute = getattr(part, "nav_links", None)
        if contribute is not None:
            links.extend(contribute(challenge, roles, viewer))
    return links
