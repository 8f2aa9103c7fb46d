"""Everything the demo is made of, as plain data: invented suppliers and products, and the
parameters that give the invented market a realistic shape.

Every company and product name here is invented. Before adding one, search for it: if a real
technology company or product has that name, pick another. The public bodies are real and
come from the shipped local-authority file.
"""

from dataclasses import dataclass

DEFAULT_SEED = 2024
# Written at the end of every invented supplier's and product's description. The demo uses
# it to recognise its own rows, so a rerun can delete what it no longer generates without
# touching anything a person added.
DEMO_MARKER = "Invented for the City Tools demo."
REFERENCE_PREFIX = "DEMO-"

NETWORK_SLUG = "london"
NETWORK_NAME = "London boroughs"
NETWORK_DESCRIPTION = (
    "The City of London and the 32 London boroughs. In this demo their systems, suppliers "
    "and contracts are invented; the authorities are real."
)
# City of London (E09000001) and the 32 London boroughs (E09000002 to E09000033).
LONDON_GSS_CODES = tuple(f"E090000{number:02d}" for number in range(1, 34))

# How many systems the demo holds in all; the generator adds or trims optional systems
# until it lands on a number drawn from this range.
SYSTEM_TARGET = (790, 810)
# Share of systems that are being replaced by a planned successor.
REPLACEMENT_SHARE = 0.045
# Share of systems with no contract on record: the gaps a real inventory has.
UNCONTRACTED_SHARE = 0.02
# Probability that a system sold through a reseller or integrator is, for products that
# are usually bought that way and for the rest.
RESOLD_PROBABILITY = {True: 0.45, False: 0.04}
# Probability that a borough with two or more live systems from one bundling supplier buys
# them under one contract.
BUNDLE_PROBABILITY = 0.6
# Probability that a contract ends on 31 March, the end of the local-government year.
MARCH_END_PROBABILITY = 0.5
EXTENSION_PROBABILITY = 0.35
# Share of suppliers given an invented company number. "DM" is not a Companies House
# prefix, so an invented number can never be mistaken for a real company's.
COMPANY_NUMBER_SHARE = 0.7
COMPANY_NUMBER_PREFIX = "DM"
# The demo's annual values are for a borough of this population, scaled by
# (population / REFERENCE_POPULATION) ** POPULATION_EXPONENT, but never below the floor:
# even the City of London runs a full council.
REFERENCE_POPULATION = 280_000
POPULATION_EXPONENT = 0.6
POPULATION_FACTOR_FLOOR = 0.45
# A suite costs less than buying each of its areas separately.
SUITE_DISCOUNT = 0.75


@dataclass(frozen=True)
class SupplierSpec:
    name: str
    size: str  # "large", "medium" or "small"
    parent: str = ""
    # Integrators resell and run other companies' products as well as, or instead of, their own.
    integrator: bool = False
    # Whether the supplier often puts several of a borough's systems under one contract.
    bundles: bool = False
    # None means the demo leaves the SME flag unknown, as real registers often do.
    sme: bool | None = False
    blurb: str = ""


@dataclass(frozen=True)
class ProductSpec:
    name: str
    maker: str
    areas: tuple[str, ...]
    # Relative chance a borough picks it for one of its areas.
    weight: float
    # "saas", "legacy" or "mixed": how boroughs tend to host it.
    hosting: str = "mixed"
    # Usually bought through a reseller or integrator rather than from the maker.
    resold: bool = False


@dataclass(frozen=True)
class AreaShape:
    # Annual value in thousands of pounds for a borough of REFERENCE_POPULATION.
    annual_k: tuple[int, int]
    # Contract lengths in years, one picked at random.
    terms: tuple[int, ...] = (3, 4, 5)
    # Probability a borough records a system in this area at all.
    coverage: float = 1.0
    # Boroughs often run a second product in this area.
    second_system: bool = False


@dataclass(frozen=True)
class Cohort:
    """Boroughs whose contracts in one area end within the same window: the joint
    procurement opportunity the demo is meant to show."""

    area: str
    months_ahead: int
    window_months: int
    boroughs: int


SUPPLIERS: tuple[SupplierSpec, ...] = (
    # Groups that hold the large operating companies.
    SupplierSpec("Velanto Group plc", "large", blurb="Holding company of the Velanto businesses."),
    SupplierSpec("Quorvane Holdings", "large", blurb="Holding company for care and education software."),
    SupplierSpec("Strathmere Technology Group", "large", blurb="Networks, voice and managed IT services."),
    SupplierSpec("Calderwick Software Group", "large", blurb="Planning and regulatory software businesses."),
    # Large operating companies: most contracts go to these.
    SupplierSpec("Velanto Revenues", "large", "Velanto Group plc", blurb="Revenues and benefits software."),
    SupplierSpec("Velanto Housing", "large", "Velanto Group plc", blurb="Housing management and repairs software."),
    SupplierSpec("Velanto Payments", "large", "Velanto Group plc", blurb="Payment and income management."),
    SupplierSpec("Quorvane Care Systems", "large", "Quorvane Holdings", blurb="Adult and children's social care case management."),
    SupplierSpec("Quorvane Education", "large", "Quorvane Holdings", blurb="Education, admissions and SEND software."),
    SupplierSpec("Strathmere Networks", "large", "Strathmere Technology Group", bundles=True, blurb="Wide-area networks and telephony."),
    SupplierSpec(
        "Strathmere Managed Services", "large", "Strathmere Technology Group", integrator=True, bundles=True,
        blurb="Resells and runs other companies' software for councils.",
    ),
    SupplierSpec("Calderwick Planning", "large", "Calderwick Software Group", blurb="Planning, building control and land charges."),
    SupplierSpec("Calderwick Regulatory", "large", "Calderwick Software Group", blurb="Licensing, environmental health and trading standards."),
    SupplierSpec("Halvergate Systems", "large", blurb="Revenues, housing and social care software."),
    SupplierSpec("Brackenfold Systems", "large", blurb="Finance, HR and procurement (ERP) software."),
    SupplierSpec("Tarnwell Cloud", "large", bundles=True, blurb="Office productivity, identity and security in the cloud."),
    SupplierSpec("Ostrel Software", "large", blurb="Office and identity software."),
    SupplierSpec("Dunmere Digital", "large", blurb="Customer service platforms and websites."),
    SupplierSpec("Pennant Street Systems", "large", blurb="Parking and highways software."),
    SupplierSpec("Harbrook Environmental Software", "large", blurb="Waste and street-scene software."),
    SupplierSpec("Ivorstone Information", "large", blurb="Records, documents and committee software."),
    SupplierSpec("Elmsworth Data", "large", blurb="Business intelligence and reporting."),
    SupplierSpec(
        "Fennick Public Services", "large", integrator=True, bundles=True,
        blurb="Systems integration and managed services for the public sector.",
    ),
    # Medium and small companies, most of them SMEs.
    SupplierSpec("Campion Lane Digital", "medium", integrator=True, bundles=True, sme=True, blurb="Reseller and integrator."),
    SupplierSpec("Grayfold Integration", "small", integrator=True, bundles=True, sme=True, blurb="Integration and support."),
    SupplierSpec("Marrowby Solutions", "small", integrator=True, sme=True, blurb="Software licensing reseller."),
    SupplierSpec("Kilnworth Legal Software", "small", sme=True, blurb="Case management for public-sector lawyers."),
    SupplierSpec("Rowanhurst Electoral", "medium", sme=True, blurb="Electoral registration and election management."),
    SupplierSpec("Larkspur Civic", "small", sme=True, blurb="Election software."),
    SupplierSpec("Bramblecote Software", "small", sme=True, blurb="Repairs and compliance for social landlords."),
    SupplierSpec("Willowmere Digital", "small", sme=True, blurb="Housing options and lettings."),
    SupplierSpec("Saltmarsh Labs", "small", sme=True, blurb="Low-code forms and case handling."),
    SupplierSpec("Lanternfish Data", "small", sme=True, blurb="Dashboards and data platforms."),
    SupplierSpec("Harebell Care Technology", "medium", sme=True, blurb="Social care case management."),
    SupplierSpec("Fernhollow Systems", "small", sme=True, blurb="SEND casework and transport."),
    SupplierSpec("Quayside Civic", "small", sme=True, blurb="Websites for councils."),
    SupplierSpec("Mossgate Telecom", "medium", sme=None, blurb="Contact centre telephony."),
    SupplierSpec("Gorsebrook Payments", "medium", sme=True, blurb="Online and telephone payments."),
    SupplierSpec("Kittiwake Software", "small", sme=True, blurb="Licensing software."),
    SupplierSpec("Plover Street Software", "small", sme=True, blurb="Parking permits and enforcement."),
    SupplierSpec("Hollowfield Highways", "medium", sme=True, blurb="Highway asset management."),
    SupplierSpec("Wrenfield Waste Systems", "medium", sme=True, blurb="Waste collection rounds and in-cab systems."),
    SupplierSpec("Meadowsweet HR", "medium", sme=True, blurb="HR and learning."),
    SupplierSpec("Brindle Payroll Services", "medium", sme=None, blurb="Payroll and pensions."),
    SupplierSpec("Ironwort Security", "small", sme=True, blurb="Security monitoring."),
    SupplierSpec("Quillfeather Legal", "small", sme=True, blurb="Legal case management."),
    SupplierSpec("Amberlode Procurement", "medium", sme=True, blurb="E-sourcing and contract registers."),
    SupplierSpec("Sorrel Bay Systems", "small", sme=True, blurb="Identity and resident accounts."),
    SupplierSpec("Crestwold Networks", "medium", sme=True, blurb="Networks and wi-fi."),
    SupplierSpec("Pebblecombe Digital", "small", sme=True, blurb="Websites and online forms."),
    SupplierSpec("Marlpit Software", "small", sme=True, blurb="Inspection and enforcement software."),
    SupplierSpec("Yarrowfield Education", "small", sme=True, blurb="Pupil records and attendance."),
    SupplierSpec("Hazelmoor Family Systems", "small", sme=True, blurb="Early help and family hubs."),
    SupplierSpec("Teasel Data", "small", sme=True, blurb="Data warehousing and open data."),
    SupplierSpec("Reedmace Systems", "small", sme=True, blurb="Committee and councillor software."),
    SupplierSpec("Whinlatch Planning Systems", "small", sme=True, blurb="Planning applications and enforcement."),
    SupplierSpec("Tansy Street Software", "small", sme=True, blurb="Recruitment and learning."),
    SupplierSpec("Vetchling Software", "small", sme=True, blurb="Grounds maintenance and trees."),
    SupplierSpec("Dovecote Analytics", "small", sme=True, blurb="Financial assessment and benefits automation."),
    SupplierSpec("Grebe Lane Systems", "small", sme=True, blurb="Care brokerage and provider payments."),
    SupplierSpec("Pipistrelle Labs", "small", sme=True, blurb="Land charges and searches."),
    SupplierSpec("Alder Crescent Software", "small", sme=True, blurb="Building control."),
    SupplierSpec("Ospreyfield Telephony", "small", sme=True, blurb="Cloud contact centres."),
    SupplierSpec("Lowmoor Housing Software", "small", sme=True, blurb="Private rented sector licensing."),
    SupplierSpec("Sedgefen Systems", "small", sme=True, blurb="Trading standards casework."),
)

# Area slugs, as the service-area loader makes them from the names in service_areas.csv.
R_AND_B = ("council-tax", "business-rates", "housing-benefit-and-council-tax-support")

PRODUCTS: tuple[ProductSpec, ...] = (
    # Suites: one system across several areas.
    ProductSpec("Velanto Revenues and Benefits", "Velanto Revenues", R_AND_B, 10, "legacy"),
    ProductSpec("Velanto Revenues Cloud", "Velanto Revenues", R_AND_B, 5, "saas"),
    ProductSpec("Halvergate Revenues", "Halvergate Systems", R_AND_B, 6, "mixed"),
    ProductSpec(
        "Velanto Housing", "Velanto Housing",
        ("housing-management", "housing-repairs-and-asset-management", "homelessness-and-allocations"), 7, "legacy",
    ),
    ProductSpec(
        "Quorvane Care", "Quorvane Care Systems",
        ("adult-social-care-case-management", "financial-assessment-and-charging",
         "care-commissioning-and-provider-payments"), 10, "mixed",
    ),
    ProductSpec(
        "Quorvane Children's Services", "Quorvane Care Systems",
        ("childrens-social-care-case-management", "early-help-and-family-hubs"), 9, "mixed",
    ),
    ProductSpec(
        "Quorvane Education", "Quorvane Education",
        ("education-management", "special-educational-needs-and-disabilities"), 8, "mixed",
    ),
    ProductSpec(
        "Halvergate Social Care", "Halvergate Systems",
        ("adult-social-care-case-management", "childrens-social-care-case-management"), 5, "legacy",
    ),
    ProductSpec(
        "Brackenfold Enterprise", "Brackenfold Systems",
        ("finance-and-erp", "hr-and-payroll", "procurement-and-e-sourcing"), 8, "saas", resold=True,
    ),
    ProductSpec("Brackenfold Finance", "Brackenfold Systems", ("finance-and-erp", "income-management"), 4, "mixed", resold=True),
    ProductSpec(
        "Tarnwell Workspace", "Tarnwell Cloud",
        ("office-productivity-and-collaboration", "identity-and-access"), 14, "saas", resold=True,
    ),
    ProductSpec(
        "Calderwick Planning and Building Control", "Calderwick Planning",
        ("development-management", "building-control", "local-land-charges"), 10, "mixed",
    ),
    ProductSpec(
        "Calderwick Regulatory Services", "Calderwick Regulatory",
        ("licensing", "environmental-health", "trading-standards", "private-sector-housing"), 4, "mixed",
    ),
    ProductSpec(
        "Dunmere Customer Platform", "Dunmere Digital", ("customer-relationship-management", "online-payments"), 6, "saas"
    ),
    ProductSpec(
        "Ivorstone Information Suite", "Ivorstone Information",
        ("document-and-records-management", "committee-management"), 4, "mixed",
    ),
    ProductSpec("Pennant Streets", "Pennant Street Systems", ("parking-enforcement", "highways-and-street-works"), 3, "saas"),
    ProductSpec(
        "Harbrook Environmental Services", "Harbrook Environmental Software",
        ("waste-and-recycling", "grounds-maintenance-and-street-cleansing"), 5, "saas",
    ),
    ProductSpec("Velanto Pay", "Velanto Payments", ("online-payments", "income-management"), 8, "saas"),
    # Housing.
    ProductSpec("Velanto Housing Classic", "Velanto Housing", ("housing-management",), 4, "legacy"),
    ProductSpec("Halvergate Housing", "Halvergate Systems", ("housing-management",), 4, "legacy"),
    ProductSpec("Bramblecote Tenancy", "Bramblecote Software", ("housing-management",), 1.5, "saas"),
    ProductSpec("Bramblecote Repairs", "Bramblecote Software", ("housing-repairs-and-asset-management",), 2, "saas"),
    ProductSpec("Bramblecote Compliance", "Bramblecote Software", ("housing-repairs-and-asset-management",), 1.5, "saas"),
    ProductSpec("Velanto Asset Manager", "Velanto Housing", ("housing-repairs-and-asset-management",), 3, "legacy"),
    ProductSpec("Halvergate Repairs", "Halvergate Systems", ("housing-repairs-and-asset-management",), 2, "mixed"),
    ProductSpec("Willowmere Housing Options", "Willowmere Digital", ("homelessness-and-allocations",), 3, "saas"),
    ProductSpec("Willowmere Choice Lettings", "Willowmere Digital", ("homelessness-and-allocations",), 2, "saas"),
    ProductSpec("Willowmere Temporary Accommodation", "Willowmere Digital", ("homelessness-and-allocations",), 1.5, "saas"),
    ProductSpec("Velanto Allocations", "Velanto Housing", ("homelessness-and-allocations",), 2, "legacy"),
    ProductSpec("Lowmoor HMO Licensing", "Lowmoor Housing Software", ("private-sector-housing",), 3, "saas"),
    ProductSpec("Marlpit Housing Standards", "Marlpit Software", ("private-sector-housing",), 2, "saas"),
    # Revenues and benefits.
    ProductSpec("Halvergate Council Tax", "Halvergate Systems", ("council-tax",), 2, "legacy"),
    ProductSpec("Halvergate Business Rates", "Halvergate Systems", ("business-rates",), 1, "legacy"),
    ProductSpec("Halvergate Benefits", "Halvergate Systems", ("housing-benefit-and-council-tax-support",), 2, "legacy"),
    ProductSpec("Dovecote Benefits Automation", "Dovecote Analytics", ("housing-benefit-and-council-tax-support",), 1, "saas"),
    # Adult social care.
    ProductSpec("Quorvane Care Classic", "Quorvane Care Systems", ("adult-social-care-case-management",), 3, "legacy"),
    ProductSpec("Harebell Adult Care", "Harebell Care Technology", ("adult-social-care-case-management",), 3, "saas"),
    ProductSpec("Halvergate Adults", "Halvergate Systems", ("adult-social-care-case-management",), 2, "legacy"),
    ProductSpec("Dovecote Financial Assessment", "Dovecote Analytics", ("financial-assessment-and-charging",), 3, "saas"),
    ProductSpec("Grebe Lane Charging", "Grebe Lane Systems", ("financial-assessment-and-charging",), 1.5, "saas"),
    ProductSpec("Grebe Lane Provider Payments", "Grebe Lane Systems", ("care-commissioning-and-provider-payments",), 3, "saas"),
    ProductSpec("Grebe Lane Brokerage", "Grebe Lane Systems", ("care-commissioning-and-provider-payments",), 1, "saas"),
    ProductSpec("Brackenfold Care Payments", "Brackenfold Systems", ("care-commissioning-and-provider-payments",), 1, "mixed"),
    # Children's services.
    ProductSpec("Quorvane Children's Classic", "Quorvane Care Systems", ("childrens-social-care-case-management",), 2, "legacy"),
    ProductSpec("Halvergate Children", "Halvergate Systems", ("childrens-social-care-case-management",), 2, "legacy"),
    ProductSpec("Harebell Children", "Harebell Care Technology", ("childrens-social-care-case-management",), 1, "saas"),
    ProductSpec("Yarrowfield Pupil", "Yarrowfield Education", ("education-management",), 3, "saas"),
    ProductSpec("Yarrowfield Attendance", "Yarrowfield Education", ("education-management",), 1, "saas"),
    ProductSpec("Quorvane Admissions", "Quorvane Education", ("education-management",), 2, "mixed"),
    ProductSpec("Fernhollow SEND", "Fernhollow Systems", ("special-educational-needs-and-disabilities",), 4, "saas"),
    ProductSpec("Fernhollow EHC Hub", "Fernhollow Systems", ("special-educational-needs-and-disabilities",), 1.5, "saas"),
    ProductSpec("Fernhollow Transport", "Fernhollow Systems", ("special-educational-needs-and-disabilities",), 1, "saas"),
    ProductSpec("Hazelmoor Early Help", "Hazelmoor Family Systems", ("early-help-and-family-hubs",), 4, "saas"),
    ProductSpec("Hazelmoor Family Hubs", "Hazelmoor Family Systems", ("early-help-and-family-hubs",), 1, "saas"),
    # Planning and building control.
    ProductSpec("Calderwick Planning Classic", "Calderwick Planning", ("development-management",), 4, "legacy"),
    ProductSpec("Whinlatch Planning", "Whinlatch Planning Systems", ("development-management",), 3, "saas"),
    ProductSpec("Whinlatch Enforcement", "Whinlatch Planning Systems", ("development-management",), 1, "saas"),
    ProductSpec("Alder Crescent Building Control", "Alder Crescent Software", ("building-control",), 3, "saas"),
    ProductSpec("Alder Crescent Inspections", "Alder Crescent Software", ("building-control",), 1, "saas"),
    ProductSpec("Pipistrelle Land Charges", "Pipistrelle Labs", ("local-land-charges",), 3, "saas"),
    ProductSpec("Pipistrelle Searches", "Pipistrelle Labs", ("local-land-charges",), 1, "saas"),
    # Environment and streets.
    ProductSpec("Harbrook Waste", "Harbrook Environmental Software", ("waste-and-recycling",), 5, "mixed"),
    ProductSpec("Wrenfield Rounds", "Wrenfield Waste Systems", ("waste-and-recycling",), 4, "saas"),
    ProductSpec("Wrenfield Trade Waste", "Wrenfield Waste Systems", ("waste-and-recycling",), 1, "saas"),
    ProductSpec("Pennant Parking", "Pennant Street Systems", ("parking-enforcement",), 6, "mixed"),
    ProductSpec("Plover Permits", "Plover Street Software", ("parking-enforcement",), 3, "saas"),
    ProductSpec("Plover Enforcement", "Plover Street Software", ("parking-enforcement",), 2, "saas"),
    ProductSpec("Plover Appeals", "Plover Street Software", ("parking-enforcement",), 1, "saas"),
    ProductSpec("Pennant Highways", "Pennant Street Systems", ("highways-and-street-works",), 4, "mixed"),
    ProductSpec("Hollowfield Asset", "Hollowfield Highways", ("highways-and-street-works",), 4, "saas"),
    ProductSpec("Hollowfield Street Works", "Hollowfield Highways", ("highways-and-street-works",), 2, "saas"),
    ProductSpec("Vetchling Grounds", "Vetchling Software", ("grounds-maintenance-and-street-cleansing",), 3, "saas"),
    ProductSpec("Vetchling Trees", "Vetchling Software", ("grounds-maintenance-and-street-cleansing",), 1, "saas"),
    ProductSpec("Vetchling Street Cleansing", "Vetchling Software", ("grounds-maintenance-and-street-cleansing",), 1, "saas"),
    # Regulatory services.
    ProductSpec("Kittiwake Licensing", "Kittiwake Software", ("licensing",), 4, "saas"),
    ProductSpec("Kittiwake Taxi Licensing", "Kittiwake Software", ("licensing",), 1, "saas"),
    ProductSpec("Marlpit Inspect", "Marlpit Software", ("environmental-health",), 3, "saas"),
    ProductSpec("Marlpit Food Safety", "Marlpit Software", ("environmental-health",), 1.5, "saas"),
    ProductSpec("Sedgefen Consumer Protection", "Sedgefen Systems", ("trading-standards",), 3, "saas"),
    # Customer contact.
    ProductSpec("Dunmere CRM", "Dunmere Digital", ("customer-relationship-management",), 5, "mixed"),
    ProductSpec("Saltmarsh Forms", "Saltmarsh Labs", ("customer-relationship-management",), 3, "saas"),
    ProductSpec("Saltmarsh Case", "Saltmarsh Labs", ("customer-relationship-management",), 1.5, "saas"),
    ProductSpec("Pebblecombe Forms", "Pebblecombe Digital", ("customer-relationship-management",), 1.5, "saas"),
    ProductSpec("Strathmere Voice", "Strathmere Networks", ("contact-centre-telephony",), 7, "mixed", resold=True),
    ProductSpec("Mossgate Contact Centre", "Mossgate Telecom", ("contact-centre-telephony",), 4, "saas", resold=True),
    ProductSpec("Ospreyfield Cloud Contact", "Ospreyfield Telephony", ("contact-centre-telephony",), 3, "saas"),
    ProductSpec("Dunmere Webchat", "Dunmere Digital", ("contact-centre-telephony",), 1, "saas"),
    ProductSpec("Dunmere Web", "Dunmere Digital", ("web-content-management",), 5, "saas"),
    ProductSpec("Quayside CMS", "Quayside Civic", ("web-content-management",), 4, "saas"),
    ProductSpec("Pebblecombe Sites", "Pebblecombe Digital", ("web-content-management",), 3, "saas"),
    ProductSpec("Gorsebrook Pay", "Gorsebrook Payments", ("online-payments",), 4, "saas"),
    ProductSpec("Gorsebrook Telephone Payments", "Gorsebrook Payments", ("online-payments",), 1.5, "saas"),
    # Finance and procurement.
    ProductSpec("Halvergate Financials", "Halvergate Systems", ("finance-and-erp",), 3, "legacy", resold=True),
    ProductSpec("Gorsebrook Income", "Gorsebrook Payments", ("income-management",), 3, "saas"),
    ProductSpec("Halvergate Income Manager", "Halvergate Systems", ("income-management",), 2, "legacy"),
    ProductSpec("Amberlode Tenders", "Amberlode Procurement", ("procurement-and-e-sourcing",), 5, "saas"),
    ProductSpec("Amberlode Contracts Register", "Amberlode Procurement", ("procurement-and-e-sourcing",), 1.5, "saas"),
    ProductSpec("Amberlode Supplier Portal", "Amberlode Procurement", ("procurement-and-e-sourcing",), 1, "saas"),
    ProductSpec("Brackenfold Sourcing", "Brackenfold Systems", ("procurement-and-e-sourcing",), 2, "saas", resold=True),
    # People.
    ProductSpec("Brackenfold People", "Brackenfold Systems", ("hr-and-payroll",), 4, "saas", resold=True),
    ProductSpec("Meadowsweet People", "Meadowsweet HR", ("hr-and-payroll",), 3, "saas"),
    ProductSpec("Brindle Payroll", "Brindle Payroll Services", ("hr-and-payroll",), 3, "mixed"),
    ProductSpec("Brindle Pensions", "Brindle Payroll Services", ("hr-and-payroll",), 1, "mixed"),
    ProductSpec("Tansy Recruit", "Tansy Street Software", ("recruitment-and-learning",), 3, "saas"),
    ProductSpec("Tansy Learn", "Tansy Street Software", ("recruitment-and-learning",), 2, "saas"),
    ProductSpec("Tansy Onboarding", "Tansy Street Software", ("recruitment-and-learning",), 1, "saas"),
    ProductSpec("Meadowsweet Learning", "Meadowsweet HR", ("recruitment-and-learning",), 1.5, "saas"),
    # Governance and legal.
    ProductSpec("Rowanhurst Register", "Rowanhurst Electoral", ("electoral-registration",), 5, "mixed"),
    ProductSpec("Rowanhurst Canvass", "Rowanhurst Electoral", ("electoral-registration",), 1, "saas"),
    ProductSpec("Larkspur Elections", "Larkspur Civic", ("electoral-registration",), 4, "mixed"),
    ProductSpec("Reedmace Meetings", "Reedmace Systems", ("committee-management",), 5, "saas"),
    ProductSpec("Reedmace Councillor Casework", "Reedmace Systems", ("committee-management",), 1, "saas"),
    ProductSpec("Ivorstone Committee", "Ivorstone Information", ("committee-management",), 2, "mixed"),
    ProductSpec("Kilnworth Matters", "Kilnworth Legal Software", ("legal-case-management",), 4, "mixed"),
    ProductSpec("Kilnworth Court Bundles", "Kilnworth Legal Software", ("legal-case-management",), 1, "saas"),
    ProductSpec("Quillfeather Case", "Quillfeather Legal", ("legal-case-management",), 3, "saas"),
    ProductSpec("Ivorstone Records", "Ivorstone Information", ("document-and-records-management",), 5, "legacy"),
    ProductSpec("Tarnwell Documents", "Tarnwell Cloud", ("document-and-records-management",), 3, "saas", resold=True),
    # Technology and data.
    ProductSpec("Elmsworth Analytics", "Elmsworth Data", ("business-intelligence-and-data",), 6, "mixed", resold=True),
    ProductSpec("Tarnwell Insight", "Tarnwell Cloud", ("business-intelligence-and-data",), 5, "saas", resold=True),
    ProductSpec("Lanternfish Dashboards", "Lanternfish Data", ("business-intelligence-and-data",), 2, "saas"),
    ProductSpec("Lanternfish Data Platform", "Lanternfish Data", ("business-intelligence-and-data",), 1, "saas"),
    ProductSpec("Teasel Warehouse", "Teasel Data", ("business-intelligence-and-data",), 2, "mixed"),
    ProductSpec("Teasel Open Data", "Teasel Data", ("business-intelligence-and-data",), 1, "saas"),
    ProductSpec("Tarnwell Identity", "Tarnwell Cloud", ("identity-and-access",), 6, "saas", resold=True),
    ProductSpec("Sorrel Bay Access", "Sorrel Bay Systems", ("identity-and-access",), 3, "saas"),
    ProductSpec("Sorrel Bay Resident Accounts", "Sorrel Bay Systems", ("identity-and-access",), 1.5, "saas"),
    ProductSpec("Ostrel Identity", "Ostrel Software", ("identity-and-access",), 2, "mixed", resold=True),
    ProductSpec("Strathmere WAN", "Strathmere Networks", ("network-and-infrastructure",), 7, "legacy", resold=True),
    ProductSpec("Strathmere Data Centre", "Strathmere Networks", ("network-and-infrastructure",), 3, "legacy", resold=True),
    ProductSpec("Crestwold Connect", "Crestwold Networks", ("network-and-infrastructure",), 4, "legacy"),
    ProductSpec("Crestwold Wi-Fi", "Crestwold Networks", ("network-and-infrastructure",), 1.5, "legacy"),
    ProductSpec("Ostrel Office Suite", "Ostrel Software", ("office-productivity-and-collaboration",), 5, "mixed", resold=True),
    ProductSpec("Tarnwell Secure", "Tarnwell Cloud", ("cyber-security",), 6, "saas", resold=True),
    ProductSpec("Ironwort Sentinel", "Ironwort Security", ("cyber-security",), 4, "saas"),
    ProductSpec("Ironwort Vulnerability Scanner", "Ironwort Security", ("cyber-security",), 1.5, "saas"),
    ProductSpec("Strathmere Security Operations", "Strathmere Networks", ("cyber-security",), 3, "mixed", resold=True),
)

AREAS: dict[str, AreaShape] = {
    "housing-management": AreaShape((120, 450), (5, 7, 10)),
    "housing-repairs-and-asset-management": AreaShape((60, 250), (3, 5, 7), second_system=True),
    "homelessness-and-allocations": AreaShape((30, 120), (3, 5)),
    "private-sector-housing": AreaShape((10, 45), (3, 4), coverage=0.7),
    "council-tax": AreaShape((150, 500), (5, 7)),
    "business-rates": AreaShape((40, 150), (5, 7)),
    "housing-benefit-and-council-tax-support": AreaShape((80, 300), (5, 7)),
    "adult-social-care-case-management": AreaShape((150, 600), (5, 7)),
    "financial-assessment-and-charging": AreaShape((20, 90), (3, 5)),
    "care-commissioning-and-provider-payments": AreaShape((30, 150), (3, 5), coverage=0.85),
    "childrens-social-care-case-management": AreaShape((150, 550), (5, 7)),
    "education-management": AreaShape((60, 250), (3, 5)),
    "special-educational-needs-and-disabilities": AreaShape((30, 120), (3, 4)),
    "early-help-and-family-hubs": AreaShape((20, 90), (2, 3), coverage=0.8),
    "development-management": AreaShape((60, 220), (4, 5)),
    "building-control": AreaShape((15, 60), (3, 4)),
    "local-land-charges": AreaShape((10, 40), (3,), coverage=0.85),
    "waste-and-recycling": AreaShape((60, 250), (5, 7)),
    "parking-enforcement": AreaShape((80, 350), (4, 5), second_system=True),
    "highways-and-street-works": AreaShape((30, 140), (3, 5)),
    "grounds-maintenance-and-street-cleansing": AreaShape((10, 50), (3,), coverage=0.7),
    "licensing": AreaShape((15, 60), (3, 4)),
    "environmental-health": AreaShape((20, 80), (3, 4)),
    "trading-standards": AreaShape((8, 35), (2, 3), coverage=0.6),
    "customer-relationship-management": AreaShape((80, 350), (3, 5), second_system=True),
    "contact-centre-telephony": AreaShape((60, 250), (3, 5)),
    "web-content-management": AreaShape((30, 140), (3, 4), second_system=True),
    "online-payments": AreaShape((30, 150), (3, 5), second_system=True),
    "finance-and-erp": AreaShape((120, 600), (5, 7, 10)),
    "income-management": AreaShape((20, 90), (3, 5), coverage=0.8),
    "procurement-and-e-sourcing": AreaShape((15, 60), (3, 4)),
    "hr-and-payroll": AreaShape((80, 320), (5, 7)),
    "recruitment-and-learning": AreaShape((15, 60), (2, 3), coverage=0.7, second_system=True),
    "electoral-registration": AreaShape((15, 60), (3, 4)),
    "committee-management": AreaShape((8, 35), (3,)),
    "legal-case-management": AreaShape((15, 70), (3, 4)),
    "document-and-records-management": AreaShape((40, 180), (3, 5), second_system=True),
    "business-intelligence-and-data": AreaShape((30, 150), (2, 3), second_system=True),
    "identity-and-access": AreaShape((40, 200), (3,)),
    "network-and-infrastructure": AreaShape((250, 1200), (3, 5), second_system=True),
    "office-productivity-and-collaboration": AreaShape((300, 1200), (3,)),
    "cyber-security": AreaShape((60, 300), (2, 3), second_system=True),
}

COHORTS: tuple[Cohort, ...] = (
    Cohort("adult-social-care-case-management", months_ahead=3, window_months=10, boroughs=5),
    Cohort("waste-and-recycling", months_ahead=5, window_months=8, boroughs=6),
    Cohort("council-tax", months_ahead=9, window_months=6, boroughs=7),
    Cohort("contact-centre-telephony", months_ahead=11, window_months=6, boroughs=6),
    Cohort("parking-enforcement", months_ahead=14, window_months=9, boroughs=6),
    Cohort("housing-management", months_ahead=20, window_months=12, boroughs=5),
    Cohort("finance-and-erp", months_ahead=28, window_months=12, boroughs=4),
)

HOSTING_WEIGHTS = {
    # on premises, hosted, software as a service
    "saas": (0.0, 0.15, 0.85),
    "legacy": (0.55, 0.35, 0.10),
    "mixed": (0.30, 0.30, 0.40),
}

# Who resells: relative chances of being a borough's usual reseller.
RESELLER_WEIGHTS = {
    "Strathmere Managed Services": 5,
    "Fennick Public Services": 4,
    "Campion Lane Digital": 2,
    "Grayfold Integration": 2,
    "Marrowby Solutions": 1.5,
}

ROUTE_WEIGHTS = {
    "framework": 50,
    "open": 18,
    "restricted": 5,
    "competitive": 4,
    "direct_award": 13,
    "extension": 7,
    "unknown": 3,
}
SOURCE_WEIGHTS = {
    "organisation": 60,
    "transparency": 20,
    "contracts_finder": 10,
    "find_a_tender": 7,
    "foi": 3,
}
# Generic framework names, none of them a real framework's title.
FRAMEWORKS = {
    "default": ("Local Government Software framework", "Digital Outcomes framework", "Cloud Software Services framework"),
    "technology-and-data": ("Technology Products and Services framework", "Network Services framework", "Cloud Software Services framework"),
    "revenues-and-benefits": ("Revenues and Benefits Solutions framework", "Local Government Software framework"),
    "adult-social-care": ("Social Care Systems framework", "Local Government Software framework"),
    "childrens-services": ("Social Care Systems framework", "Education Software framework"),
    "customer-contact": ("Digital Outcomes framework", "Contact Centre Services framework", "Payment Services framework"),
    "environment-and-streets": ("Parking and Traffic Services framework", "Environmental Services Software framework"),
    "finance-and-procurement": ("Back Office Software framework", "Payment Services framework"),
    "people": ("Back Office Software framework",),
}
