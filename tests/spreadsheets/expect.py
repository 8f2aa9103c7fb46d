"""Authorization expectations for spreadsheet import and export.

EXPECTATIONS holds this app's entries of the authorization matrix (tests/test_authorization.py),
keyed by URL name and written with tests/expect.py.
Anyone may export (each seeing what they may) and read the template and its instructions;
only an organisation's editors and admins import into it. An upload exists only for them:
to anyone else its page and API answer 404.
"""

import base64

from tests.expect import (
    EDITOR,
    Expect,
    action,
    api,
    network_slug,
    organisation_slug,
    page,
    targeted,
)


def upload_for(world, target):
    """A fresh upload for the target organisation: one row changing its public system's notes."""
    from citytools.spreadsheets.services import start_import

    system = world.system(target)
    content = f"id,notes\n{system.pk},Notes from a spreadsheet\n".encode()
    return start_import(organisation=world.organisation(target), kind="systems", filename="matrix.csv", content=content,
                        actor=world.user("admin"))


organisations = targeted(organisation_slug)
networks = targeted(network_slug)
on_upload = targeted(lambda w, t: {"pk": upload_for(w, t).pk})
on_import = targeted(lambda w, t: {"import_id": upload_for(w, t).pk})
pasted = lambda w, t, m: {"kind": "systems", "text": f"id,notes\n{w.system(t).pk},Pasted notes\n"}  # noqa: E731
encoded = lambda w, t, m: {  # noqa: E731
    "kind": "systems", "filename": "systems.csv",
    "content_base64": base64.b64encode(f"id,notes\n{w.system(t).pk},Sent notes\n".encode()).decode(),
}

EXPECTATIONS: dict[str, Expect] = {
    "spreadsheets:instructions": page(),
    "spreadsheets:template": page(),
    "spreadsheets:contracts_export": page(),
    "spreadsheets:systems_export": page(),
    "spreadsheets:organisation_export": page(**organisations),
    "spreadsheets:network_export": page(**networks),
    "spreadsheets:import": page(EDITOR, write=EDITOR, **organisations, data=pasted),
    "spreadsheets:upload": page(EDITOR, write=EDITOR, **on_upload,
                                  data=lambda w, t, m: {"column_0": "id", "column_1": "notes"}),
    "spreadsheets:commit": action(EDITOR, **on_upload),
    "api:contracts_export": api()(),
    "api:systems_export": api()(),
    "api:organisation_export": api()(**organisations),
    "api:network_export": api()(**networks),
    "api:import_template": api()(),
    "api:import_create": api(None, post=EDITOR)(**organisations, data=encoded),
    "api:import": api(EDITOR)(**on_import),
    "api:import_mapping": api(None, put=EDITOR)(**on_import, data=lambda w, t, m: {"mapping": ["id", "notes"]}),
    "api:import_commit": api(None, post=EDITOR)(**on_import),
}
