"""Authorization expectations for spreadsheet import and export.

`build(h)` gets tests/test_authorization.py as `h` and returns entries for its EXPECTATIONS.
Anyone may export (each seeing what they may) and read the template and its instructions;
only an organisation's editors and admins import into it. An upload exists only for them:
to anyone else its page and API answer 404.
"""

import base64


def upload_for(world, target):
    """A fresh upload for the target organisation: one row changing its public system's notes."""
    from citytools.spreadsheets.services import start_import

    system = world.system(target)
    content = f"id,notes\n{system.pk},Notes from a spreadsheet\n".encode()
    return start_import(organisation=world.organisation(target), kind="systems", filename="matrix.csv", content=content,
                        actor=world.user("admin"))


def build(h) -> dict:
    organisations = h.targeted(h.organisation_slug)
    networks = h.targeted(h.network_slug)
    on_upload = h.targeted(lambda w, t: {"pk": upload_for(w, t).pk})
    on_import = h.targeted(lambda w, t: {"import_id": upload_for(w, t).pk})
    pasted = lambda w, t, m: {"kind": "systems", "text": f"id,notes\n{w.system(t).pk},Pasted notes\n"}  # noqa: E731
    encoded = lambda w, t, m: {  # noqa: E731
        "kind": "systems", "filename": "systems.csv",
        "content_base64": base64.b64encode(f"id,notes\n{w.system(t).pk},Sent notes\n".encode()).decode(),
    }
    return {
        "spreadsheets:instructions": h.page(),
        "spreadsheets:template": h.page(),
        "spreadsheets:contracts_export": h.page(),
        "spreadsheets:systems_export": h.page(),
        "spreadsheets:organisation_export": h.page(**organisations),
        "spreadsheets:network_export": h.page(**networks),
        "spreadsheets:import": h.page(h.EDITOR, write=h.EDITOR, **organisations, data=pasted),
        "spreadsheets:upload": h.page(h.EDITOR, write=h.EDITOR, **on_upload,
                                      data=lambda w, t, m: {"column_0": "id", "column_1": "notes"}),
        "spreadsheets:commit": h.action(h.EDITOR, **on_upload),
        "api:contracts_export": h.api()(),
        "api:systems_export": h.api()(),
        "api:organisation_export": h.api()(**organisations),
        "api:network_export": h.api()(**networks),
        "api:import_template": h.api()(),
        "api:import_create": h.api(None, post=h.EDITOR)(**organisations, data=encoded),
        "api:import": h.api(h.EDITOR)(**on_import),
        "api:import_mapping": h.api(None, put=h.EDITOR)(**on_import, data=lambda w, t, m: {"mapping": ["id", "notes"]}),
        "api:import_commit": h.api(None, post=h.EDITOR)(**on_import),
    }
