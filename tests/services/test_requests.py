"""Visit requests: two answers given at once settle the request once."""

from datetime import date

import pytest
from sqlalchemy import func, select, update

from planner.enums import RequestState, Role
from planner.extensions import db
from planner.models import Visit, VisitRequest
from planner.services.locking import EditConflict
from planner.services.requests import DayOption, RequestValues, accept, create_request
from tests import factories


def test_an_answer_racing_another_is_refused_and_makes_no_second_visit(app):
    host = factories.organisation("Bochum")
    guest = factories.organisation("Wuppertal")
    planner = factories.user(guest, Role.PLANNER)
    petra = factories.user(host, Role.PLANNER)
    visit_request = create_request(planner, RequestValues(
        host_organisation_id=host.id, title="Austausch", delegation_size=3,
        options=[DayOption(date(2027, 3, 1), date(2027, 3, 1))]))  # fmt: skip
    db.session.commit()
    option = visit_request.current_options[0]
    assert visit_request.lock_version == 1
    # A colleague's answer is committed between reading the request and saving this one.
    with db.engine.begin() as connection:
        connection.execute(
            update(VisitRequest)
            .where(VisitRequest.id == visit_request.id)
            .values(state=RequestState.DECLINED, lock_version=2)
        )

    with pytest.raises(EditConflict):
        accept(visit_request, petra, option.id, visit_request.lock_version)

    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Visit)) == 0
    assert db.session.get(VisitRequest, visit_request.id).state is RequestState.DECLINED
