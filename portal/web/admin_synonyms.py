"""The synonym list's administration page (issue 18), for portal administrators: every synonym as a
small form of its own (change or delete), and a form that adds one. One address takes every write: the
posted ``row`` names the synonym a row's form changes (none: the form adds one). The rules live in
portal.search.synonyms; the guard in portal.web.admin.
"""

from __future__ import annotations

from flask import Response, request
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from portal.http.actions import Outcome, save, see_other, submit
from portal.http.auth import login_required
from portal.http.db import get_session
from portal.http.forms import ButtonForm, PortalForm
from portal.http.instant import now
from portal.http.routing import bilingual
from portal.kernel.errors import NotFound
from portal.search import synonyms
from portal.web.admin import NO_FORM_FAULTS, NO_TWIN, require_admin


class SynonymForm(PortalForm):
    term = StringField(validators=[DataRequired(), Length(max=synonyms.TERM_MAX)])
    expansion = StringField(validators=[DataRequired(), Length(max=synonyms.EXPANSION_MAX)])


def _row_form(synonym: synonyms.Synonym, posted: bool) -> SynonymForm:
    """A row's form, its fields named ``r<id>-term`` and ``r<id>-expansion``, so that each row's
    labels and messages point at its own fields."""
    form = SynonymForm(prefix=f"r{synonym.id}")
    if not posted:
        form.process(data={"term": synonym.term, "expansion": synonym.expansion})
    return form


@bilingual(
    "/min-side/admin/synonymer",
    "/en/my-page/admin/synonyms",
    methods=("GET", "POST"),
    no_twin_because=NO_TWIN,
)
@login_required
def synonyms_admin() -> Response:
    actor, db = require_admin(), get_session()
    listed = synonyms.list_synonyms(db)
    raw_row = request.form.get("row", "") if request.method == "POST" else ""
    row = next((s for s in listed if str(s.id) == raw_row), None)
    if raw_row and row is None:
        raise NotFound("").said("synonyms.not_found")
    new = SynonymForm() if row is None else SynonymForm(formdata=None)
    rows = {s.id: _row_form(s, posted=row is not None and s.id == row.id) for s in listed}
    outcome: Outcome[object]
    if row is not None and "delete" in request.form:
        edited: PortalForm = ButtonForm()
        if edited.validate_on_submit():
            outcome = save(
                lambda: synonyms.delete_synonym(db, actor, row.id, now()),
                not_the_forms_fault=NO_FORM_FAULTS,
            )
        else:
            outcome = Outcome(400)
        done = "deleted"
    elif row is not None:
        edited = form = rows[row.id]
        outcome = submit(
            form,
            lambda: synonyms.update_synonym(
                db, actor, row.id, form.term.data, form.expansion.data, now()
            ),
            not_the_forms_fault=NO_FORM_FAULTS,
        )
        done = "saved"
    else:
        edited = new
        outcome = submit(
            new,
            lambda: synonyms.add_synonym(db, actor, new.term.data, new.expansion.data, now()),
            not_the_forms_fault=NO_FORM_FAULTS,
        )
        done = "added"
    if outcome.saved:
        term = outcome.value.term if isinstance(outcome.value, synonyms.Synonym) else None
        return see_other("web.synonyms_admin", done=done, term=term)
    return outcome.render(
        "admin/synonyms.html",
        edited,
        new=new,
        rows=[(s, rows[s.id]) for s in listed],
        button_form=ButtonForm(),
        done=request.args.get("done"),
        done_term=request.args.get("term", ""),
    )
