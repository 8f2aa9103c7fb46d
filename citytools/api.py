"""The JSON API at /api/v1/: one NinjaAPI that mounts each app's router.

Each router reads through its app's queries, the same functions the pages call.
"""

from citytools.accounts.api import router as accounts_router
from citytools.contracts.api import router as contracts_router
from citytools.contracts.edit_api import router as contracts_edit_router
from citytools.core.api import install_error_handlers
from citytools.core.api_docs import SwaggerDocs
from citytools.core.api_input import BodyParser
from citytools.core.openapi import DocumentedAPI
from citytools.freshness.api import router as freshness_router
from citytools.inbox.api import router as inbox_router
from citytools.inventory.catalogue_api import router as catalogue_router
from citytools.inventory.edit_api import router as inventory_edit_router
from citytools.market.api import router as market_router
from citytools.market.directory_api import router as directory_router
from citytools.market.inventory_api import router as inventory_router
from citytools.notices.api import router as notices_router
from citytools.opportunities.api import router as opportunities_router
from citytools.opportunities.api_alerts import router as alerts_router
from citytools.partnering.api import router as partnering_router
from citytools.partnering.api.jurisdictions import router as publication_rules_router
from citytools.registers.api import router as registers_router
from citytools.satisfaction.api import router as satisfaction_router
from citytools.search.api import router as search_router
from citytools.spreadsheets.api import router as spreadsheets_router

api = DocumentedAPI(
    title="City Tools API",
    version="1",
    description=(
        "Which technology each public body uses, who supplies it, and when its contracts end."
    ),
    urls_namespace="api",
    docs=SwaggerDocs(),
    parser=BodyParser(),
)
install_error_handlers(api)

api.add_router("/", directory_router)
api.add_router("/", inventory_router)
api.add_router("/", contracts_router)
api.add_router("/", market_router)
api.add_router("/search", search_router)
api.add_router("/", accounts_router)
# Editing: writes need a signed-in session. Importing contracts.edit_api also adds the
# PUT, PATCH and DELETE of /contracts/{id} to the contracts router, which owns that path.
api.add_router("/", inventory_edit_router)
api.add_router("/", contracts_edit_router)
api.add_router("/challenges", partnering_router)
api.add_router("/publication-rules", publication_rules_router)
api.add_router("/", satisfaction_router)
api.add_router("/", alerts_router)
api.add_router("/", opportunities_router)
api.add_router("/", freshness_router)
api.add_router("/", spreadsheets_router)
api.add_router("/", inbox_router)
api.add_router("/", catalogue_router)
api.add_router("/", notices_router)
api.add_router("/", registers_router)
