"""What the guest city sees of one host participant, decided in one place."""

import pytest

from planner.enums import Side
from planner.services.host_details import guests_see, shown_function, shown_phone
from tests import factories


@pytest.fixture
def visit(app):
    return factories.visit(factories.organisation("Bochum"), [factories.organisation("Essen")])


def _participant(visit, side, **fields):
    organisation = visit.host_organisation if side == Side.HOST else visit.guest_organisations[0]
    person = factories.person(organisation, "Muster", function="Kämmerer", phone="+49 1",
                              phone_internal=fields.pop("phone_internal", False))  # fmt: skip
    return factories.participation(visit, person, side=side, **fields)


@pytest.mark.parametrize(
    ("public_phone", "phone_internal", "internal", "shown"),
    [
        (False, False, False, ""),
        (True, False, False, "+49 1"),
        (True, True, False, ""),
        (False, True, True, "+49 1"),
    ],
    ids=["private", "public", "internal-wins", "host-sees-all"],
)
def test_a_host_phone_is_shown_as_the_flags_say(visit, public_phone, phone_internal, internal,
                                                shown):  # fmt: skip
    participation = _participant(visit, Side.HOST, public_phone=public_phone,
                                 phone_internal=phone_internal)  # fmt: skip
    assert shown_phone(participation, internal) == shown


def test_a_guest_participant_is_not_touched_by_the_host_flags(visit):
    participation = _participant(visit, Side.GUEST, public_function=False, public_phone=False)
    visit.guests_see_host_attendees = False

    assert guests_see(visit, participation, internal=False) is True
    assert shown_function(participation, internal=False) == "Kämmerer"
    assert shown_phone(participation, internal=False) == "+49 1"


def test_the_host_list_switch_hides_host_participants_from_guests_only(visit):
    participation = _participant(visit, Side.HOST)
    visit.guests_see_host_attendees = False

    assert guests_see(visit, participation, internal=False) is False
    assert guests_see(visit, participation, internal=True) is True
