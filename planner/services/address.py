"""Forms of address: how a person is written to, greeted, named on a card and spoken to.

A protocol office addresses "Herrn Oberbürgermeister Prof. Dr. Uwe Schneidewind" and
greets "Sehr geehrter Herr Oberbürgermeister Prof. Dr. Schneidewind,", while the English
letter opens "Dear Lord Mayor,". Every such rule lives in this module, in two tables:

- ``OFFICES``: the office titles protocol treats specially, with their women's forms,
  the accusative of the address line, the English office, and whether the office
  replaces the name when greeting (ministers, ambassadors and consuls are greeted by
  office alone; a mayor keeps the name in German, and is greeted by office alone in
  English).
- ``ACADEMIC``: how academic titles read in the address line and in the greeting
  (the address names every title; the greeting keeps one doctorate and drops
  "h.c." and "mult.", as the protocol guides of the federal government advise).

Everything a person's record says is used as typed when no rule knows it: an office
title no table holds appears before the name, unchanged. A person without salutation
is greeted neutrally ("Guten Tag Uwe Schneidewind,"). Each form can be overridden per
person and language; ``forms_of`` applies the overrides.
"""

import re
from dataclasses import dataclass, replace
from enum import StrEnum


class Gender(StrEnum):
    """What the salutation says about how to address the person."""

    MAN = "man"
    WOMAN = "woman"
    NEUTRAL = "neutral"


# Salutations as typed, in German or English, and what they tell.
_SALUTATIONS = {
    "herr": Gender.MAN, "herrn": Gender.MAN, "mr": Gender.MAN,
    "frau": Gender.WOMAN, "ms": Gender.WOMAN, "mrs": Gender.WOMAN, "miss": Gender.WOMAN,
}  # fmt: skip


@dataclass(frozen=True)
class Office:
    """An office title with the forms protocol uses for it."""

    # German: nominative for men and women, accusative after "Herrn" on the address line.
    man: str
    woman: str
    man_accusative: str
    # English office, as the title before a name and as a greeting.
    english: str
    # Whether the greeting names the office alone ("Sehr geehrter Herr Minister,").
    replaces_name_de: bool
    replaces_name_en: bool
    # A greeting that replaces the whole salutation in English ("Your Excellency,").
    english_greeting: str = ""
    # Whether the English office stands where "Mr" or "Ms" would: "Dear Councillor Kücük".
    english_honorific: bool = False


OFFICES: tuple[Office, ...] = (
    Office("Oberbürgermeister", "Oberbürgermeisterin", "Oberbürgermeister", "Lord Mayor",
           replaces_name_de=False, replaces_name_en=True),
    Office("Bürgermeister", "Bürgermeisterin", "Bürgermeister", "Mayor",
           replaces_name_de=False, replaces_name_en=True),
    Office("Stadtdirektor", "Stadtdirektorin", "Stadtdirektor", "City Director",
           replaces_name_de=False, replaces_name_en=False),
    Office("Beigeordneter", "Beigeordnete", "Beigeordneten", "Councillor",
           replaces_name_de=False, replaces_name_en=False, english_honorific=True),
    Office("Minister", "Ministerin", "Minister", "Minister",
           replaces_name_de=True, replaces_name_en=True),
    Office("Botschafter", "Botschafterin", "Botschafter", "Ambassador",
           replaces_name_de=True, replaces_name_en=True, english_greeting="Your Excellency,"),
    Office("Konsul", "Konsulin", "Konsul", "Consul",
           replaces_name_de=True, replaces_name_en=True),
)  # fmt: skip


def _office_key(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip()).casefold()


# Every typed form of an office: "Beigeordnete" is the woman's form and, after "der",
# also how men are listed; "Herr Beigeordnete" is read as the man's office.
_OFFICE_FORMS = {
    _office_key(form): office
    for office in OFFICES
    for form in (office.man, office.woman, office.man_accusative)
}

# Prefixes that make a specific minister or ambassador out of the office:
# "Bundesminister", "Staatsministerin", "Generalkonsul".
# Each with its English wording around the office.
_OFFICE_PREFIXES = {
    "bundes": "Federal {}", "staats": "{} of State", "landes": "State {}",
    "general": "{} General", "vize": "Vice {}", "ober": "Chief {}",
}  # fmt: skip


@dataclass(frozen=True)
class KnownOffice:
    """An office title as typed, matched to its rule and kept in its specific wording."""

    office: Office
    # The specific German stem before the rule's office ("Bundes" in "Bundesminister").
    prefix: str


def known_office(office_title: str) -> KnownOffice | None:
    """Return the rule an office title falls under, if protocol treats it specially."""
    key = _office_key(office_title)
    if key in _OFFICE_FORMS:
        return KnownOffice(_OFFICE_FORMS[key], "")
    for prefix in _OFFICE_PREFIXES:
        rest = key.removeprefix(prefix)
        if rest != key and rest in _OFFICE_FORMS:
            typed = office_title.strip()
            return KnownOffice(_OFFICE_FORMS[rest], typed[: len(prefix)])
    return None


# --- academic titles ---------------------------------------------------------------------

_HONORARY = re.compile(r"\b(h\.\s*c\.|e\.\s*h\.|mult\.)", re.IGNORECASE)
_PROFESSOR = re.compile(r"\bprof(?:\.|essor(?:in)?\b)", re.IGNORECASE)
_DOCTOR = re.compile(r"\bdr\.?(?=\s|$|-)", re.IGNORECASE)


def address_titles(academic_title: str) -> str:
    """Return the academic titles for the address line, spaced as protocol writes them."""
    text = re.sub(r"\s+", " ", academic_title.strip())
    # "Dr. h. c." and "Dr. h.c." are the same title; protocol writes the short form.
    return re.sub(r"h\.\s*c\.", "h.c.", text, flags=re.IGNORECASE)


def greeting_titles(academic_title: str, language: str) -> str:
    """Return the academic titles a greeting keeps: a professorship and one doctorate.

    "Prof. Dr. Dr. h.c." is greeted "Prof. Dr."; an honorary doctorate alone still
    makes "Dr.". English greets "Professor" or "Dr" only.
    """
    text = _HONORARY.sub("", academic_title)
    professor = bool(_PROFESSOR.search(text))
    doctor = bool(_DOCTOR.search(text)) or bool(_HONORARY.search(academic_title))
    if language == "en":
        return "Professor" if professor else ("Dr" if doctor else "")
    return " ".join(part for part, held in (("Prof.", professor), ("Dr.", doctor)) if held)


# --- the forms ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Named:
    """What the forms are made from: a person's record, as typed."""

    salutation: str = ""
    academic_title: str = ""
    first_name: str = ""
    last_name: str = ""
    office_title: str = ""


@dataclass(frozen=True)
class Forms:
    """The forms of address of one person in one language."""

    # The first line of a postal or e-mail address: "Herrn Oberbürgermeister Prof. Dr. …".
    address: str
    # The opening of a letter, with its comma: "Sehr geehrter Herr …,".
    salutation: str
    # The name line of a badge, table card and seating plan: titles and name.
    card: str
    # How the moderator speaks to the person on the day: "Herr Oberbürgermeister".
    spoken: str
    # The office under the name, in the person's form: "Oberbürgermeisterin", "Lord Mayor".
    office: str = ""


# The forms a planner may set by hand; the office is typed in the record itself.
FORM_NAMES = ("address", "salutation", "card", "spoken")


def gender_of(salutation: str) -> Gender:
    """Return what a typed salutation says, neutral when it says nothing known."""
    return _SALUTATIONS.get(salutation.strip().rstrip(".").casefold(), Gender.NEUTRAL)


def _join(*parts: str) -> str:
    return " ".join(part for part in parts if part)


def _german_office(known: KnownOffice | None, typed: str, gender: Gender) -> tuple[str, str]:
    """Return the office in the nominative and on the address line, in the person's form."""
    if known is None:
        return typed.strip(), typed.strip()
    office = known.office
    nominative = office.woman if gender == Gender.WOMAN else office.man
    accusative = office.man_accusative if gender == Gender.MAN else nominative
    return _specific(known.prefix, nominative), _specific(known.prefix, accusative)


def _specific(prefix: str, word: str) -> str:
    """Join "Bundes" and "Minister" as "Bundesminister"."""
    return prefix + word[0].lower() + word[1:] if prefix else word


def german(person: Named) -> Forms:
    """Return the German forms of address."""
    gender = gender_of(person.salutation)
    known = known_office(person.office_title)
    office, office_accusative = _german_office(known, person.office_title, gender)
    titles = address_titles(person.academic_title)
    short = greeting_titles(person.academic_title, "de")
    full_name = _join(person.first_name, person.last_name)
    replaces = known is not None and known.office.replaces_name_de
    card = _join(titles, full_name)
    if gender == Gender.NEUTRAL:
        return Forms(
            address=_join(office, titles, full_name),
            salutation=f"Guten Tag {_join(short, full_name)},",
            card=card,
            spoken=_join(short, full_name),
            office=office,
        )
    man = gender == Gender.MAN
    herr, herrn = ("Herr", "Herrn") if man else ("Frau", "Frau")
    opening = "Sehr geehrter" if man else "Sehr geehrte"
    if known is not None:
        greeted = _join(herr, office) if replaces else _join(herr, office, short, person.last_name)
        spoken = _join(herr, office)
    else:
        greeted = _join(herr, short, person.last_name)
        spoken = greeted
    return Forms(
        address=_join(herrn, office_accusative, titles, full_name),
        salutation=f"{opening} {greeted},",
        card=card,
        spoken=spoken,
        office=office,
    )


def english_office(known: KnownOffice | None, typed: str) -> str:
    """Return the office in English: "Federal Minister" for "Bundesminister"."""
    if known is None:
        return typed.strip()
    if not known.prefix:
        return known.office.english
    return _OFFICE_PREFIXES[known.prefix.casefold()].format(known.office.english)


def english(person: Named) -> Forms:
    """Return the English forms of address."""
    gender = gender_of(person.salutation)
    known = known_office(person.office_title)
    office = english_office(known, person.office_title)
    titles = address_titles(person.academic_title)
    short = greeting_titles(person.academic_title, "en")
    full_name = _join(person.first_name, person.last_name)
    honorific = {Gender.MAN: "Mr", Gender.WOMAN: "Ms"}.get(gender, "")
    # A title outranks Mr and Ms: "Dear Professor Schneidewind", "Dr Albers".
    before_name = short or honorific
    if known is not None and known.office.english_honorific:
        before_name = office
    if known is not None and known.office.english_greeting:
        salutation = known.office.english_greeting
        spoken = known.office.english_greeting.rstrip(",")
    elif known is not None and known.office.replaces_name_en:
        salutation = f"Dear {office},"
        spoken = office
    elif before_name:
        salutation = f"Dear {_join(before_name, person.last_name)},"
        spoken = _join(before_name, person.last_name)
    else:
        salutation = f"Dear {full_name},"
        spoken = full_name
    return Forms(
        address=_join(titles, full_name) + (f", {office}" if office else ""),
        salutation=salutation,
        card=_join(titles, full_name),
        spoken=spoken,
        office=office,
    )


def forms(person: Named, language: str) -> Forms:
    """Return the forms of address in a language ("de" or "en"; others read English)."""
    return german(person) if language == "de" else english(person)


def forms_of(person: Named, language: str, overrides: dict | None = None) -> Forms:
    """Return the forms of address with a person's own overrides for that language.

    ``overrides`` is ``{"de": {"salutation": "Lieber Uwe,"}, …}``: any form may be set
    by hand, an empty one falls back to the rule.
    """
    made = forms(person, language)
    own = (overrides or {}).get(language) or {}
    chosen = {name: own[name].strip() for name in FORM_NAMES if (own.get(name) or "").strip()}
    return replace(made, **chosen) if chosen else made


def person_forms(person, language: str) -> Forms:
    """Return the forms of address of a stored person (``models.Person``) in a language."""
    named = Named(
        salutation=person.salutation,
        academic_title=person.academic_title,
        first_name=person.first_name,
        last_name=person.last_name,
        office_title=person.office_title,
    )
    return forms_of(named, language, person.address_overrides)


def plain_spoken(person, language: str) -> str:
    """Return how a person would be spoken to by name alone, without titles or office."""
    plain = Named(salutation=person.salutation, first_name=person.first_name,
                  last_name=person.last_name)  # fmt: skip
    return forms(plain, language).spoken
