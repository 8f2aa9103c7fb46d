"""Who takes part in the demo's Invitations to Partner: the City of Toronto and the invented
firms that apply. Read by the people (their accounts) and by the challenges themselves."""

from dataclasses import dataclass

# The City of Toronto is not a UK authority, so it has no GSS code. It is identified by its
# census subdivision code in Statistics Canada's Standard Geographical Classification.
TORONTO_SCHEME = "CA-SGC"
TORONTO_IDENTIFIER = "3520005"
TORONTO = {
    "slug": "toronto",
    "name": "City of Toronto",
    "short_name": "Toronto",
    "identifier_scheme": TORONTO_SCHEME,
    "kind": "Single-tier municipality (Canada)",
    "region": "Ontario",
    "nation": "Canada",
    "population": 2_794_356,  # 2021 census
}
TORONTO_NETWORK = ("toronto", "Toronto", "The City of Toronto's divisions in this demo. Their challenges and applicants are invented; the city is real.")


@dataclass(frozen=True)
class Applicant:
    slug: str
    name: str
    scale: str  # OCDS partyScale: micro, small, medium, large
    blurb: str
    account: str = ""  # the demo account that is its vendor user, if any


APPLICANTS = (
    Applicant("ravine-civic-labs", "Ravine Civic Labs", "micro", "Service design for public counters and call centres.", "applicant1"),
    Applicant("lakeshore-service-design", "Lakeshore Service Design Co.", "small", "Research and prototyping with residents.", "applicant2"),
    Applicant("queen-street-data-studio", "Queen Street Data Studio", "small", "Open-data tools and dashboards.", "applicant3"),
    Applicant("northway-digital-cooperative", "Northway Digital Cooperative", "medium", "A worker-owned software cooperative.", "applicant4"),
    Applicant("harbourfront-systems-group", "Harbourfront Systems Group", "large", "Contact-centre platforms and integration."),
    Applicant("parkdale-prototype-works", "Parkdale Prototype Works", "micro", "Two designers who build quick prototypes."),
)
APPLICANT_SLUGS = tuple(a.slug for a in APPLICANTS)
ACCOUNT_SUPPLIERS = {a.account: a.slug for a in APPLICANTS if a.account}
