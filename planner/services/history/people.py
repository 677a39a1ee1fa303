"""The words for people, participants and their answers."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import format_date, pgettext
from flask_babel import gettext as _

from planner.enums import AuditAction, RsvpStatus, Side
from planner.services.history.actions import Action, Changed
from planner.services.history.names import NAME_FIELDS, Names
from planner.services.history.words import (
    Clause,
    Story,
    frame,
    label,
    names_list,
    rest_of,
    same,
    trash,
)
from planner.services.timezones import zone as zone_info


def _person_name(obj: Changed, names: Names, *, before: bool) -> str:
    parts = []
    for key in NAME_FIELDS["Person"]:
        if obj.changed(key):
            value = obj.old(key) if before else obj.new(key)
        else:
            value = names.get("Person", obj.id, key)
        if value:
            parts.append(value)
    return " ".join(parts)


def tell_people(action: Action, story: Story) -> None:
    names = story.names
    people = action.of_type("Person")
    created = [obj for obj in people if obj.action is AuditAction.CREATE]
    deleted = [obj for obj in people if obj.action is AuditAction.DELETE]
    if created:
        listed = []
        for obj in created:
            name = _person_name(obj, names, before=False) or names.person(obj.id)
            org = obj.new("organisation_id")
            listed.append(f"{name} ({names.organisation(org)})" if org else name)
        story.add([same(_("created %(people)s", people=names_list(listed)))])
    if deleted:
        listed = [_person_name(obj, names, before=True) or names.person(obj.id) for obj in deleted]
        story.add([same(_("deleted %(people)s", people=names_list(listed)))])
    for obj in people:
        if obj.action is AuditAction.UPDATE:
            story.add(_person_clauses(obj, story))


def _person_clauses(obj: Changed, story: Story) -> list[Clause]:
    names = story.names
    person = names.person(obj.id)
    if obj.changed("anonymised_at") and obj.fields["anonymised_at"][1]:
        # Everything else changed with it and is not told; the name is gone by law.
        return [same(_("anonymised a person"))]
    clauses: list[Clause] = []
    told = {"academic_title", "first_name", "last_name", "deleted_at"}
    if any(obj.changed(key) for key in NAME_FIELDS["Person"]):
        old = _person_name(obj, names, before=True)
        new = _person_name(obj, names, before=False)
        if old and new and old != new:
            clauses.append(
                (
                    _("renamed %(old)s to %(new)s", old=old, new=new),
                    _("renamed them to %(new)s", new=new),
                )
            )
            person = old
        else:
            told -= {"academic_title", "first_name", "last_name"}
    clauses += trash(obj, person)
    fields, unknown = rest_of(obj, told)
    if fields:
        clauses.append(
            (
                _("changed %(fields)s of %(name)s", fields=fields, name=person),
                _("changed %(fields)s", fields=fields),
            )
        )
    if unknown:
        clauses.append((_("changed %(name)s", name=person), _("changed other details")))
    return clauses


def _side_of(obj: Changed, names: Names) -> Any:
    return obj.value("side") or names.get("Participation", obj.id, "side")


def tell_participations(action: Action, story: Story, *, skip: set[AuditAction]) -> None:
    names = story.names
    objects = action.of_type("Participation")
    created = [o for o in objects if o.action is AuditAction.CREATE and o.action not in skip]
    deleted = [o for o in objects if o.action is AuditAction.DELETE and o.action not in skip]
    guests = [names.participant(o.id) for o in created if _side_of(o, names) != Side.HOST]
    hosts = [names.participant(o.id) for o in created if _side_of(o, names) == Side.HOST]
    if guests:
        story.add([same(_("added %(people)s to the delegation", people=names_list(guests)))])
    if hosts:
        story.add([same(_("added %(people)s to the hosts", people=names_list(hosts)))])
    for obj in created:
        chosen = obj.fields.get("items")
        if obj.new("attends_all_items") is False or isinstance(chosen, dict):
            added = chosen.get("added", []) if isinstance(chosen, dict) else []
            person = names.participant(obj.id)
            if added:
                text = _("signed %(person)s up for %(items)s only", person=person,
                         items=names.items(added))  # fmt: skip
            else:
                text = _("signed %(person)s up for none of the items", person=person)
            story.add([same(text)])
    if deleted:
        removed = names_list(names.participant(o.id) for o in deleted)
        story.add([same(_("removed %(people)s from the participants", people=removed))])
    updated = [o for o in objects if o.action is AuditAction.UPDATE]
    ranked = [o for o in updated if o.changed("rank")]
    if len(ranked) > 1:
        order = sorted(ranked, key=lambda o: (o.new("rank") is None, o.new("rank") or 0))
        ranks = names_list(
            _("%(rank)s. %(person)s", rank=o.new("rank"), person=names.participant(o.id))
            if o.new("rank") is not None
            else _("%(person)s without a rank", person=names.participant(o.id))
            for o in order
        )
        story.add([same(_("changed the order of precedence: %(ranks)s", ranks=ranks))])
    for obj in updated:
        story.add(_participation_clauses(obj, story, rank=len(ranked) == 1))


def _participation_clauses(obj: Changed, story: Story, *, rank: bool) -> list[Clause]:
    names = story.names
    person = names.participant(obj.id)
    clauses: list[Clause] = []
    told = {"rank", "side", "attends_all_items", "items", "rsvp_status", "deleted_at"}
    if rank and obj.changed("rank"):
        new = obj.new("rank")
        if new is not None:
            clauses.append(
                (
                    _("put %(person)s at rank %(rank)s", person=person, rank=new),
                    _("put them at rank %(rank)s", rank=new),
                )
            )
        else:
            clauses.append(
                (_("removed the rank of %(person)s", person=person), _("removed their rank"))
            )
    if obj.changed("side"):
        if obj.new("side") == Side.HOST:
            clauses.append(
                (_("moved %(person)s to the hosts", person=person), _("moved them to the hosts"))
            )
        else:
            clauses.append(
                (
                    _("moved %(person)s to the delegation", person=person),
                    _("moved them to the delegation"),
                )
            )
    chosen = obj.fields.get("items")
    added = chosen.get("added", []) if isinstance(chosen, dict) else []
    removed = chosen.get("removed", []) if isinstance(chosen, dict) else []
    if obj.new("attends_all_items") is True:
        clauses.append(
            (
                _("signed %(person)s up for all items", person=person),
                _("signed them up for all items"),
            )
        )
    else:
        if added:
            items = names.items(added)
            clauses.append(
                (
                    _("signed %(person)s up for %(items)s", person=person, items=items),
                    _("signed them up for %(items)s", items=items),
                )
            )
        if removed:
            items = names.items(removed)
            clauses.append(
                (
                    _("took %(person)s off %(items)s", person=person, items=items),
                    _("took them off %(items)s", items=items),
                )
            )
        if obj.changed("attends_all_items") and not (added or removed):
            clauses.append(
                (
                    _("signed %(person)s up for chosen items only", person=person),
                    _("signed them up for chosen items only"),
                )
            )
    clauses += trash(obj, person)
    fields, unknown = rest_of(obj, told)
    if fields:
        clauses.append(
            (
                _("changed %(fields)s of %(name)s", fields=fields, name=person),
                _("changed %(fields)s", fields=fields),
            )
        )
    if unknown:
        clauses.append(
            (
                _("changed the participation of %(person)s", person=person),
                _("changed other details"),
            )
        )
    return clauses


ANSWER_ORDER = (
    RsvpStatus.ACCEPTED,
    RsvpStatus.TENTATIVE,
    RsvpStatus.DECLINED,
    RsvpStatus.NEEDS_ACTION,
)


def _answer_clause(status: Any, items: str) -> str:
    if status == RsvpStatus.ACCEPTED:
        return _("accepted %(items)s", items=items)
    if status == RsvpStatus.TENTATIVE:
        return _("accepted %(items)s tentatively", items=items)
    if status == RsvpStatus.DECLINED:
        return _("declined %(items)s", items=items)
    return _("withdrew the answer for %(items)s", items=items)


def _overall_answer(status: Any) -> str:
    if status == RsvpStatus.ACCEPTED:
        return pgettext("history", "accepted")
    if status == RsvpStatus.TENTATIVE:
        return pgettext("history", "accepted tentatively")
    if status == RsvpStatus.DECLINED:
        return pgettext("history", "declined")
    return _("withdrew their answer")


def _source(sources: set[Any]) -> str:
    if sources == {"calendar"}:
        return _("(in a calendar program)")
    if sources == {"link"}:
        return _("(on the answer page)")
    return ""


@dataclass
class Answer:
    status: Any
    item_id: Any
    source: Any
    commented: bool = False


def tell_answers(action: Action, story: Story) -> None:
    """Tell answers per person: "Uwe Schneidewind hat für „Mittagessen“ zugesagt"."""
    names = story.names
    given: dict[Any, list[Answer]] = defaultdict(list)
    for obj in action.of_type("ItemAnswer"):
        if obj.action is AuditAction.DELETE:
            continue
        participation = obj.value("participation_id") or names.get(
            "ItemAnswer", obj.id, "participation_id"
        )
        given[participation].append(
            Answer(
                status=obj.new("status") or names.get("ItemAnswer", obj.id, "status"),
                item_id=obj.value("agenda_item_id")
                or names.get("ItemAnswer", obj.id, "agenda_item_id"),
                source=obj.new("source") or names.get("ItemAnswer", obj.id, "source"),
                # The trail keeps that a comment was written, never what it says.
                commented=bool(obj.changed("comment") and obj.fields["comment"][1]),
            )
        )
    for obj in action.of_type("InboundMessage"):
        if obj.action is AuditAction.CREATE:
            _tell_reply(obj, story, given)
    for participation, answers in given.items():
        person = names.participant(participation)
        clauses = []
        for status in ANSWER_ORDER:
            items = [answer.item_id for answer in answers if answer.status == status]
            if items:
                clauses.append(_answer_clause(status, names.items(items)))
        if clauses:
            source = _source({answer.source for answer in answers})
            sentence = frame(person, clauses)
            story.sentences.append(f"{sentence} {source}" if source else sentence)
        if any(answer.commented for answer in answers):
            story.sentences.append(_("%(person)s added a comment", person=person))
    for obj in action.of_type("Participation"):
        if obj.action is not AuditAction.UPDATE or not obj.changed("rsvp_status"):
            continue
        if obj.id in given:
            continue  # the answers per item tell it
        person = names.participant(obj.id)
        status = obj.new("rsvp_status")
        if action.user is None:
            story.sentences.append(frame(person, [_overall_answer(status)]))
        else:
            answer = label("answer", status)
            story.add(
                [
                    (
                        _("recorded the answer of %(person)s: %(answer)s", person=person,
                          answer=answer),
                        _("recorded their answer: %(answer)s", answer=answer),
                    )
                ]
            )  # fmt: skip


def _local_text(iso: Any, zone_name: str) -> str:
    if not isinstance(iso, str):
        return ""
    local = datetime.fromisoformat(iso).astimezone(zone_info(zone_name))
    return _("%(day)s, %(time)s", day=format_date(local.date(), format="medium"),
             time=local.strftime("%H:%M"))  # fmt: skip


def _tell_reply(obj: Changed, story: Story, given: dict[Any, list[Answer]]) -> None:
    """Tell what became of an answer from a calendar program that was not simply applied."""
    names = story.names
    outcome = obj.new("outcome")
    participation = obj.new("participation_id")
    item_id = obj.new("agenda_item_id")
    person = names.participant(participation)
    item = names.item(item_id)
    if outcome == "applied":
        if not any(answer.item_id == item_id for answer in given.get(participation, [])):
            given[participation].append(
                Answer(status=obj.new("answer"), item_id=item_id, source="calendar")
            )
    elif outcome == "counter":
        start = _local_text(obj.new("proposed_start"), story.zone)
        if start:
            text = _("proposed another time for %(item)s: %(time)s", item=item, time=start)
        else:
            text = _("proposed another time for %(item)s", item=item)
        story.sentences.append(frame(person, [text]))
    elif outcome == "declinecounter":
        story.sentences.append(
            frame(person, [_("declined the counter-proposal for %(item)s", item=item)])
        )
    elif outcome == "outdated":
        story.sentences.append(
            _("An outdated answer from %(person)s for %(item)s was not applied", person=person,
              item=item)
        )  # fmt: skip
    elif outcome == "forged":
        story.sentences.append(
            _("An answer for %(item)s from an address that was not invited was not applied",
              item=item)
        )  # fmt: skip
    elif outcome == "not-invited":
        story.sentences.append(
            _("An answer from %(person)s for %(item)s was not applied: they were not invited "
              "to it", person=person, item=item)
        )  # fmt: skip
    else:
        story.sentences.append(_("An e-mail that was no answer was ignored"))
