"""Authorization expectations for the public registers (citytools.registers).

EXPECTATIONS holds this app's entries of the authorization matrix (tests/test_authorization.py),
keyed by URL name and written with tests/expect.py. A register's facts are public; loading
one is for platform admins only (it covers organisations in no network). A network's survey
import is for its coordinators and admins, on the surveys of tests/registers/access.py; the
survey template is public. The admin's load in
the matrix is a dry run: it does all the work and then undoes it, so the matrix stays quick
to roll back and the refused requests are still checked for writing nothing.

A network's survey imports (tests/registers/access.py) are its coordinators' and admins':
listing and uploading are refused to anyone else with 403, one import with 404.
"""

from tests.expect import COORDINATOR, Who, action, api, fixed, network_slug, page, targeted
from tests.registers import access as r

admins = Who("platform admins", lambda role, target: role == "admin")
libraries = fixed(lambda w: {"name": "libraries"})
dry_run_form = lambda w, t, m: {"dry_run": "on"}  # noqa: E731
dry_run_body = lambda w, t, m: {"dry_run": True}  # noqa: E731
on_survey = targeted(lambda w, t: {"slug": w.network(t).slug, "import_id": r.survey(w, t).pk})
on_joint_survey = targeted(lambda w, t: {"slug": w.network(t).slug, "import_id": r.survey(w, t, "joint").pk})
on_survey_page = targeted(r.on_page)
on_joint_survey_page = targeted(r.on_joint_page)

EXPECTATIONS = {
    "registers:index": page(),
    "registers:register": page(**libraries),
    "registers:load": action(admins, **libraries, data=dry_run_form),
    # A network's survey import: its coordinators and admins (citytools.registers.surveys.may_import).
    "registers:survey_template": page(),
    "registers:surveys": page(COORDINATOR, write=COORDINATOR, **targeted(network_slug), data=r.upload),
    "registers:survey": page(COORDINATOR, write=COORDINATOR, **on_survey_page, data=r.form_columns),
    "registers:survey_decide": action(COORDINATOR, **on_joint_survey_page, data=r.decide),
    "registers:survey_commit": action(COORDINATOR, **on_survey_page),
    "api:registers": api()(),
    "api:register": api()(**libraries),
    "api:register_load": api(None, post=admins)(**libraries, data=dry_run_body),
    "api:survey_imports": api(COORDINATOR)(**targeted(network_slug)),
    "api:survey_import_create": api(None, post=COORDINATOR)(**targeted(network_slug), data=r.upload),
    "api:survey_import": api(COORDINATOR)(**on_survey),
    "api:survey_import_columns": api(None, put=COORDINATOR)(**on_survey, data=r.columns),
    "api:survey_import_decide": api(None, post=COORDINATOR)(**on_joint_survey, data=r.decision),
    "api:survey_import_commit": api(None, post=COORDINATOR)(**on_survey),
}
