"""Authorization expectations for satisfaction: ratings, shared pain points and the supplier
conversation pack.

EXPECTATIONS holds this app's entries of the authorization matrix (tests/test_authorization.py),
keyed by URL name and written with tests/expect.py. The world's ratings and pain points, and
the predicates, are in tests/satisfaction/access.py.

Who may do what (citytools.satisfaction.rules): anyone reads the satisfaction report, the
list of pain points and the conversation pack, each showing only what the person may see.
One organisation's ratings are for members of its networks, their coordinators and admins;
its own staff (and admins) rate its systems. A pain point is read by members of the raiser's
networks, their coordinators, admins and the supplier's vendor users; staff of another
organisation that may read it say "we have this too"; staff of the organisations that have
it, their coordinators and admins move it on; only the supplier replies; editors and
coordinators of its organisations start a joint Invitation to Partner once two have it.
"""

from tests.expect import Expect, Who, action, api, organisation_slug, page, system_pk, targeted
from tests.satisfaction import access as s

ORGANISATIONS = ("own", "peer", "stranger")
RAISED_BY = ORGANISATIONS  # a pain point is named by the organisation that raised it
SYSTEMS = ("own", "stranger", "own_confidential", "stranger_confidential")
SUPPLIERS = ("maker", "vendor-company")  # by slug: Maker Software's systems and contracts, Vendor Company's pain points


def _point(name="pk"):
    return lambda w, t: {name: s.pain_point(w, t).pk}


def _shared(name="pk"):
    """The pain point the organisation `t` says it has too (tests.satisfaction.access.SHARES)."""
    return lambda w, t: {name: s.pain_point(w, s.SHARES[t]).pk}


def rating_form(w, t) -> dict:
    return {
        "overall": "4", "support": "3", "comment": "Changed in the authorization matrix.",
        "version": str(s.rating(w, t).version),
    }


def rating_if_match(w, t, m) -> dict:
    return {"If-Match": f'"{s.rating(w, t).version}"'}


def point_if_match(w, t, m) -> dict:
    return {"If-Match": f'"{s.pain_point(w, t).version}"'}


def reply(w, t, m) -> dict:
    return {"body": "Fixed in version 4.2."}


def new_point(w, t) -> dict:
    return {
        "organisation": w.organisation(t).slug, "supplier": w.people.vendor_company.slug, "title": "Slow search",
        "description": "Searching takes a minute.", "severity": 2,
    }


ratings_readers = Who("members of the organisation's networks, their coordinators and admins", s.reads_ratings)
raters = Who("the organisation's staff and admins", s.rates)
raisers = Who("the organisation's staff and admins", s.raises_for)
speakers = Who("staff of any organisation, and admins", s.speaks_for_someone)
point_readers = Who("members of the raiser's networks, coordinators, admins, the supplier", s.reads_point)
sharers = Who("staff of the organisation, if it may read the pain point and lacks it, and admins", s.shares_point)
movers = Who("staff of affected organisations, their coordinators and admins", s.moves_point)
repliers = Who("vendor users of the supplier it is about", s.replies_to_point)
starters = Who("editors and coordinators of two or more affected organisations, and admins", s.starts_joint_itp)
on_organisations = targeted(organisation_slug, ORGANISATIONS)
on_systems = targeted(system_pk(), SYSTEMS)
on_points = targeted(_point(), RAISED_BY)
on_api_points = targeted(_point("point_id"), RAISED_BY)
on_suppliers = targeted(lambda w, t: {"slug": t}, SUPPLIERS)
raising = {"targets": ("own", "stranger")}
sharing = targeted(_shared(), ("own", "stranger"))

EXPECTATIONS: dict[str, Expect] = {
    # The report, the list of pain points and the pack: everyone, each seeing what they may.
    "satisfaction:report": page(),
    "api:satisfaction_report": api()(),
    "satisfaction:pain_points": page(),
    "satisfaction:pack": page(**on_suppliers),
    "satisfaction:pack_pdf": page(**on_suppliers),
    "api:supplier_pack": api()(**on_suppliers),
    # One organisation's ratings (signing in first for the page; 403 or 404 otherwise).
    "satisfaction:organisation_ratings": page(ratings_readers, **on_organisations),
    "api:organisation_ratings": api(ratings_readers)(**on_organisations),
    "api:rating": api(ratings_readers)(**targeted(system_pk("system_id"), SYSTEMS)),
    # Rating: the organisation's own staff. Every system in the world has a rating, so a
    # change names its version.
    "satisfaction:rate": page(raters, write=raters, **on_systems, data=lambda w, t, m: rating_form(w, t)),
    "api:rating_put": api(None, put=raters)(
        **targeted(system_pk("system_id"), SYSTEMS),
        data=lambda w, t, m: {"overall": 4, "dimensions": {"support": 3}, "comment": "Changed in the matrix."},
        headers=rating_if_match,
    ),
    # Raising a pain point for the target organisation.
    "satisfaction:pain_point_new": page(
        speakers, write=raisers, **raising, data=lambda w, t, m: new_point(w, t)
    ),
    "api:pain_points": api()(**raising),
    "api:pain_point_create": api(None, post=raisers)(**raising, data=lambda w, t, m: new_point(w, t)),
    # One pain point, and what may be done to it.
    "satisfaction:pain_point": page(point_readers, **on_points),
    "api:pain_point": api(point_readers)(**on_api_points),
    # Saying "we have this too": the target is the organisation that says it (SHARES), so
    # tests/test_idor.py tries own's editor speaking for peer and stranger.
    "satisfaction:pain_point_share": action(
        sharers, **sharing, data=lambda w, t, m: {"organisation": w.organisation(t).slug, "note": "Us too."}
    ),
    "api:pain_point_share": api(None, post=sharers)(
        **targeted(_shared("point_id"), ("own", "stranger")),
        data=lambda w, t, m: {"organisation": w.organisation(t).slug, "note": "Us too."},
    ),
    "satisfaction:pain_point_status": action(
        movers, **on_points, data=lambda w, t, m: {"status": "raised", "version": str(s.pain_point(w, t).version)}
    ),
    "api:pain_point_status": api(None, put=movers)(
        **on_api_points, data=lambda w, t, m: {"status": "raised"}, headers=point_if_match
    ),
    "satisfaction:pain_point_reply": action(repliers, **on_points, data=reply),
    "api:pain_point_reply": api(None, post=repliers)(**on_api_points, data=reply),
    # Only own's pain point has two organisations; with one, the allowed would be told
    # "too few" (400), which the matrix cannot tell from a wrong answer.
    "satisfaction:pain_point_challenge": action(starters, **targeted(_point(), ("own",))),
    "api:pain_point_challenge": api(None, post=starters)(**targeted(_point("point_id"), ("own",))),
}
