"""Forms of address, as a protocol office writes, greets, prints and speaks them."""

import pytest

from planner.services.address import Named, forms, forms_of, greeting_titles

# salutation, office as typed → German address line, German greeting, spoken form,
# English greeting
OFFICES = [
    ("Herr", "Oberbürgermeister", "Herrn Oberbürgermeister Max Muster",
     "Sehr geehrter Herr Oberbürgermeister Muster,", "Herr Oberbürgermeister", "Dear Lord Mayor,"),
    ("Frau", "Oberbürgermeisterin", "Frau Oberbürgermeisterin Eva Muster",
     "Sehr geehrte Frau Oberbürgermeisterin Muster,", "Frau Oberbürgermeisterin",
     "Dear Lord Mayor,"),
    # A woman's office typed in the man's form is written in hers.
    ("Frau", "Oberbürgermeister", "Frau Oberbürgermeisterin Eva Muster",
     "Sehr geehrte Frau Oberbürgermeisterin Muster,", "Frau Oberbürgermeisterin",
     "Dear Lord Mayor,"),
    ("Herr", "Bürgermeister", "Herrn Bürgermeister Max Muster",
     "Sehr geehrter Herr Bürgermeister Muster,", "Herr Bürgermeister", "Dear Mayor,"),
    ("Frau", "Bürgermeisterin", "Frau Bürgermeisterin Eva Muster",
     "Sehr geehrte Frau Bürgermeisterin Muster,", "Frau Bürgermeisterin", "Dear Mayor,"),
    ("Herr", "Stadtdirektor", "Herrn Stadtdirektor Max Muster",
     "Sehr geehrter Herr Stadtdirektor Muster,", "Herr Stadtdirektor", "Dear Mr Muster,"),
    ("Frau", "Stadtdirektorin", "Frau Stadtdirektorin Eva Muster",
     "Sehr geehrte Frau Stadtdirektorin Muster,", "Frau Stadtdirektorin", "Dear Ms Muster,"),
    # The address line is in the accusative: "Herrn Beigeordneten".
    ("Herr", "Beigeordneter", "Herrn Beigeordneten Max Muster",
     "Sehr geehrter Herr Beigeordneter Muster,", "Herr Beigeordneter",
     "Dear Councillor Muster,"),
    ("Herr", "Beigeordnete", "Herrn Beigeordneten Max Muster",
     "Sehr geehrter Herr Beigeordneter Muster,", "Herr Beigeordneter",
     "Dear Councillor Muster,"),
    ("Frau", "Beigeordnete", "Frau Beigeordnete Eva Muster",
     "Sehr geehrte Frau Beigeordnete Muster,", "Frau Beigeordnete", "Dear Councillor Muster,"),
    # Ministers, ambassadors and consuls are greeted by their office alone.
    ("Herr", "Minister", "Herrn Minister Max Muster", "Sehr geehrter Herr Minister,",
     "Herr Minister", "Dear Minister,"),
    ("Frau", "Ministerin", "Frau Ministerin Eva Muster", "Sehr geehrte Frau Ministerin,",
     "Frau Ministerin", "Dear Minister,"),
    ("Herr", "Bundesminister", "Herrn Bundesminister Max Muster",
     "Sehr geehrter Herr Bundesminister,", "Herr Bundesminister", "Dear Federal Minister,"),
    ("Frau", "Staatsministerin", "Frau Staatsministerin Eva Muster",
     "Sehr geehrte Frau Staatsministerin,", "Frau Staatsministerin",
     "Dear Minister of State,"),
    ("Herr", "Botschafter", "Herrn Botschafter Max Muster", "Sehr geehrter Herr Botschafter,",
     "Herr Botschafter", "Your Excellency,"),
    ("Frau", "Botschafterin", "Frau Botschafterin Eva Muster",
     "Sehr geehrte Frau Botschafterin,", "Frau Botschafterin", "Your Excellency,"),
    ("Herr", "Konsul", "Herrn Konsul Max Muster", "Sehr geehrter Herr Konsul,",
     "Herr Konsul", "Dear Consul,"),
    ("Frau", "Konsulin", "Frau Konsulin Eva Muster", "Sehr geehrte Frau Konsulin,",
     "Frau Konsulin", "Dear Consul,"),
    ("Herr", "Generalkonsul", "Herrn Generalkonsul Max Muster",
     "Sehr geehrter Herr Generalkonsul,", "Herr Generalkonsul", "Dear Consul General,"),
]  # fmt: skip


@pytest.mark.parametrize(("salutation", "office", "address", "greeting", "spoken", "dear"), OFFICES)
def test_every_office_title_is_written_greeted_and_spoken_by_protocol(
    salutation, office, address, greeting, spoken, dear
):
    first = "Max" if salutation == "Herr" else "Eva"
    person = Named(salutation, "", first, "Muster", office)

    german = forms(person, "de")
    assert german.address == address
    assert german.salutation == greeting
    assert german.spoken == spoken
    assert forms(person, "en").salutation == dear


# academic title as typed → in the address line, in the German greeting, in the English one
ACADEMIC = [
    ("Dr.", "Dr.", "Dr.", "Dr"),
    ("Prof.", "Prof.", "Prof.", "Professor"),
    ("Prof. Dr.", "Prof. Dr.", "Prof. Dr.", "Professor"),
    ("Professorin", "Professorin", "Prof.", "Professor"),
    # An honorary doctorate is named in the address and greeted as a doctorate.
    ("Dr. h. c.", "Dr. h.c.", "Dr.", "Dr"),
    ("Dr. h.c.", "Dr. h.c.", "Dr.", "Dr"),
    # The greeting keeps one doctorate.
    ("Dr. Dr.", "Dr. Dr.", "Dr.", "Dr"),
    ("Prof. Dr. Dr. h.c. mult.", "Prof. Dr. Dr. h.c. mult.", "Prof. Dr.", "Professor"),
    ("Dr.-Ing.", "Dr.-Ing.", "Dr.", "Dr"),
]


@pytest.mark.parametrize(("typed", "address", "german", "english"), ACADEMIC)
def test_academic_titles_are_named_in_full_and_greeted_short(typed, address, german, english):
    man = Named("Herr", typed, "Max", "Muster")

    assert forms(man, "de").address == f"Herrn {address} Max Muster"
    assert forms(man, "de").salutation == f"Sehr geehrter Herr {german} Muster,"
    assert forms(man, "en").salutation == f"Dear {english} Muster,"
    assert forms(man, "de").card == f"{address} Max Muster"
    assert greeting_titles(typed, "de") == german


def test_an_office_and_a_doctorate_are_greeted_together_in_german_and_by_office_in_english():
    mayor = Named("Herr", "Prof. Dr.", "Uwe", "Schneidewind", "Oberbürgermeister")

    german = forms(mayor, "de")
    assert german.address == "Herrn Oberbürgermeister Prof. Dr. Uwe Schneidewind"
    assert german.salutation == "Sehr geehrter Herr Oberbürgermeister Prof. Dr. Schneidewind,"
    assert german.card == "Prof. Dr. Uwe Schneidewind"
    assert german.office == "Oberbürgermeister"
    english = forms(mayor, "en")
    assert english.salutation == "Dear Lord Mayor,"
    assert english.address == "Prof. Dr. Uwe Schneidewind, Lord Mayor"
    assert english.spoken == "Lord Mayor"


def test_a_person_without_salutation_is_greeted_neutrally_by_full_name():
    person = Named("", "Dr.", "Kim", "Lee")

    assert forms(person, "de").salutation == "Guten Tag Dr. Kim Lee,"
    assert forms(person, "de").address == "Dr. Kim Lee"
    assert forms(Named("", "", "Kim", "Lee"), "en").salutation == "Dear Kim Lee,"
    assert forms(person, "en").salutation == "Dear Dr Lee,"


def test_english_salutations_typed_in_english_are_understood():
    assert forms(Named("Mr", "", "John", "Smith"), "de").salutation == ("Sehr geehrter Herr Smith,")
    assert forms(Named("Mrs.", "", "Jane", "Smith"), "en").salutation == "Dear Ms Smith,"


def test_an_office_no_rule_knows_is_written_as_typed_and_not_used_in_the_greeting():
    person = Named("Frau", "", "Miriam", "Albers", "Büroleiterin")

    assert forms(person, "de").address == "Frau Büroleiterin Miriam Albers"
    assert forms(person, "de").salutation == "Sehr geehrte Frau Albers,"
    assert forms(person, "en").address == "Miriam Albers, Büroleiterin"


def test_every_form_can_be_overridden_per_person_and_language():
    mayor = Named("Herr", "Prof. Dr.", "Uwe", "Schneidewind", "Oberbürgermeister")
    own = {"de": {"salutation": "Lieber Uwe,", "card": "  "}, "en": {"spoken": "Uwe"}}

    german = forms_of(mayor, "de", own)
    assert german.salutation == "Lieber Uwe,"
    # An empty override falls back to the rule.
    assert german.card == "Prof. Dr. Uwe Schneidewind"
    assert forms_of(mayor, "en", own).spoken == "Uwe"
    assert forms_of(mayor, "en", own).salutation == "Dear Lord Mayor,"
