"""Requests written by people who know the field names but not code: names in brackets after
the words for them, corrections further down, flags said as "yes or no"."""

from __future__ import annotations

from codegen_assets.core.stages.parsed_prompt import parse_prompt
from codegen_assets.core.understanding import spec as understood
from codegen_assets.core.understanding.types import parse_type
from tests.core.understanding.spec_view import operations

SECRETARY = """\
Hello! I'm the volunteer secretary of the youth football club. The association's connection is
called fa_registration_client. What I need is something that registers one player. Please call
the operation `register_player`.

For each child I type in the first and last name (in my spreadsheet the columns are first_name
and last_name, text, at most 50 letters each), their date of birth (date_of_birth, just the
date), and the age group (age_group), which is always one of U8, U10, U12, U14 or U16. Then the
parent's email address (parent_email), which has to be a proper email format. There's a tick
box for photo consent (photo_consent, yes or no), the shirt number (shirt_number), a whole
number from 1 to 99, the flag on their kit (flag: green, yellow or red; red is for keepers),
and how many brothers play here (siblings, a whole number from 0 to 5).

When it works, the website gives me back a registration number (registration_number, text)
and the date the registration is valid until (valid_until).

Our membership system sends a message called onex.cmd.club.player-signed-up.v1 whenever a
parent signs a child up, so it should start from that.

Sorry, one correction: the shirt number often isn't known yet, so please make it optional.
And scrap the flag altogether.
"""


def test_names_in_brackets_after_the_words_are_fields_with_what_is_said_of_them() -> None:
    ops = operations(SECRETARY)
    assert ops["register_player"] == {
        "in": {
            "first_name": "string{max_length=50}",
            "last_name": "string{max_length=50}",
            "date_of_birth": "date",
            "age_group": "enum[u10,u12,u14,u16,u8]",
            "parent_email": "string{format=email}",
            "photo_consent": "bool",
            "shirt_number": "int{ge=1,le=99}?",
            "siblings": "int{ge=0,le=5}",
        },
        "out": {"registration_number": "string", "valid_until": "date"},
    }


def test_what_the_secretary_names_in_passing_is_not_the_node_or_its_topics() -> None:
    spec = parse_prompt(SECRETARY)
    assert spec.name != "onex_cmd_club_player_signed_up_v1"
    assert [d.name for d in spec.dependencies] == ["fa_registration_client"]
    assert [t.name for t in spec.subscribe_topics] == ["onex.cmd.club.player-signed-up.v1"]
    assert "flag" not in spec.unplaced  # named to be dropped: accounted for


def test_words_in_brackets_that_name_no_field_are_left_alone() -> None:
    ops = operations(
        "Compute node, operation `t`, takes a (int) and b (int, >= 0) and returns n "
        "(int, >= 0). Our IT volunteer (thanks, Tom!) said thanks (thanks, Tom!) to us (his word)."
    )
    assert set(ops["t"]["in"]) == {"a", "b"}
    assert set(ops["t"]["out"]) == {"n"}


def test_corrections_drop_fields_and_make_them_optional_by_name_pronoun_or_words() -> None:
    spec = parse_prompt(
        "Reducer, operation `record_milking`. Each message has cow_tag (string), robot_id "
        "(string), conductivity_ms (float) and water_temp_c (float). The state holds "
        "litres_today (float).\nTwo things I forgot. Scrap the robot_id altogether. The "
        "sensor is temperamental, so conductivity_ms won't always be there; make that one "
        "optional. The water temperature should be optional too."
    )
    (op,) = spec.operations
    inputs = {f.name: f.optional for f in op.inputs}
    assert inputs == {
        "cow_tag": False,
        "conductivity_ms": True,
        "water_temp_c": True,
    }


def test_yes_or_no_is_a_flag_and_a_text_bound_is_its_length() -> None:
    assert parse_type("yes or no").base == "bool"
    assert parse_type("ja/nein").base == "bool"
    assert parse_type("one of yes, no, maybe").enum == ("yes", "no", "maybe")
    text = parse_type("string, max 16")
    assert (text.max_length, text.le) == (16, None)
    number = parse_type("int, max 16")
    assert number.max_length is None
    assert number.le == 16
    assert parse_type("which is always one of U8, U10 or U12").enum == ("U8", "U10", "U12")
    assert parse_type("same four colours").same_as == "?"


def test_an_operation_left_to_us_is_not_named_whatever() -> None:
    spec = parse_prompt(
        "quick one: reducer that folds onex.evt.museum.kiosk-printed.v1 into a per-kiosk state.\n"
        "event = kiosk_id (string, max 16), receipts (int 1-20)\n"
        "state = paper_left_pct (int 0-100)\nop name: whatever you like. the operation should "
        "be called by the runtime."
    )
    assert [op.name for op in spec.operations] != ["whatever"]
    assert "should" not in [op.name for op in spec.operations]
    assert operations(spec.description) is not None  # the spec reads back


def test_a_reducer_that_would_read_nothing_reads_the_events_beside_its_snapshot() -> None:
    spec = parse_prompt(
        "We've a milking robot; every time a cow goes through it, it sends out a message. It goes "
        "out on onex.evt.dairy.milking-recorded.v1. A reducer, operation `record_milking`, keeps "
        "a tally per cow and publishes it on onex.snapshot.dairy.cow-yield.v1."
    )
    assert [t.name for t in spec.subscribe_topics] == ["onex.evt.dairy.milking-recorded.v1"]
    assert [t.name for t in spec.publish_topics] == ["onex.snapshot.dairy.cow-yield.v1"]


def test_the_one_name_in_backticks_names_the_operation_in_any_language() -> None:
    spec = parse_prompt(
        "Tunataka compute node ya kuhesabu malipo. Jina la hesabu hiyo liwe `hesabu_malipo`.\n"
        "Tunaingiza namba ya mkulima (mkulima_id, ni UUID) na ada (ada_ya_chama, decimal)."
    )
    assert [op.name for op in spec.operations] == ["hesabu_malipo"]


def test_notes_in_a_language_the_reader_does_not_know_are_asked_about() -> None:
    spec = parse_prompt(
        "Θέλουμε orchestrator. Η λειτουργία να ονομάζεται `eggrafi`. Η αίτηση περιέχει τον ΑΦΜ "  # noqa: RUF001
        "(afm, κείμενο με ακριβώς 9 χαρακτήρες) και το email (email, σε έγκυρη μορφή email)."
    )
    (op,) = spec.operations
    assert "afm" in [f.name for f in op.inputs]  # kept, and asked about: not guessed
    assert any("afm" in line and "not one the reader knows" in line for line in spec.review)
    icelandic = parse_prompt(
        "Effect node, operation `skra_komu`. Um skipið þurfum við að vita: IMO-númerið "
        "(imo_numer, string, nákvæmlega 7 stafir) og nafn (heiti_skips, string)."
    )
    assert any("imo_numer" in line and "7" in line for line in icelandic.review)


def test_a_latin_word_in_brackets_among_other_letters_is_accounted_for() -> None:
    text = "Η αίτηση περιέχει τον ΑΦΜ (afm, κείμενο) και (mines)."  # noqa: RUF001
    missed = [line.split(" ")[0] for line in understood.unplaced(text, set(), set())]
    assert missed == ["afm", "mines"]
    assert understood.unplaced("the carrier (dhl, ups or fedex)", set(), set()) == []


def test_defaults_and_bounds_said_after_the_field_and_corrected_later() -> None:
    ops = operations(
        "A compute node, operation `portions`. I put in how many children booked "
        "(pupils_booked, a whole number from 0 to 900) and how many staff eat (staff_meals, a "
        "whole number, usually 0, so make 0 the default). Then the portion size "
        "(portion_size), which is small, standard or large, and standard unless I say "
        "otherwise. And the tier (tier, none/silver/gold, default none). It should tell me "
        "the total (total_portions, a whole number).\n"
        "Oh, one correction: the maximum for pupils_booked should be 950, not 900."
    )
    assert ops["portions"]["in"] == {
        "pupils_booked": "int{ge=0,le=950}",
        "staff_meals": "int{default=0}",
        "portion_size": "enum[large,small,standard]{default=standard}",
        "tier": "enum[gold,none,silver]{default=none}",
    }
    assert list(ops["portions"]["out"]) == ["total_portions"]


def test_a_later_paragraph_of_fields_no_words_give_a_role_is_read_as_outputs_and_asked() -> None:
    spec = parse_prompt(
        "Reducer, operatsioon `registreeri`.\n\n"
        "Iga sündmus: jaatee_id (jaatee_id, string) ja mass_t (mass_t, float).\n\n"
        "Olek: jaal_praegu (jaal_praegu, int) ja suletud (suletud, bool).\n"
    )
    (op,) = spec.operations
    assert [f.name for f in op.inputs] == ["jaatee_id", "mass_t"]
    assert [f.name for f in op.outputs] == ["jaal_praegu", "suletud"]
    assert any("jaal_praegu" in line and "input or an output" in line for line in spec.review)


RESCUE = """\
I'm the call-out coordinator. A member suggested calling it team_callout, with the main step
called call_out_team.

From the police we get an incident reference (incident_ref, text, up to 20 characters), a grid
reference (grid_ref, text, up to 12 characters), whether a helicopter has been requested
(helicopter_requested, yes or no, default no), the phone number of the person who
called it in (caller_phone, text, up to 20 characters; optional, because it often comes via a
third party) and the time of the call (reported_at, date and time).

What I'd like back: the call-out number (callout_id, a UUID).

One correction: please rename incident_ref to police_ref, because that's what the form says.
"""


def test_names_renames_and_notes_after_a_semicolon_in_a_coordinators_letter() -> None:
    spec = parse_prompt(RESCUE)
    assert spec.name == "team_callout"
    assert [op.name for op in spec.operations] == ["call_out_team"]
    assert operations(RESCUE)["call_out_team"] == {
        "in": {
            "police_ref": "string{max_length=20}",
            "grid_ref": "string{max_length=12}",
            "helicopter_requested": "bool{default=false}",
            "caller_phone": "string{max_length=20}?",
            "reported_at": "datetime",
        },
        "out": {"callout_id": "uuid"},
    }
    assert spec.unplaced == ()  # incident_ref was renamed: accounted for


def test_a_pasted_diff_is_read_as_it_is_after_the_change() -> None:
    ops = operations(
        "Effect node `vet_booking`, operation `book_appointment`. Generate it from the models "
        "as they are after the diff.\n\n```diff\n--- a/models.py\n+++ b/models.py\n"
        "@@ -1,6 +1,6 @@\n class BookAppointmentRequest(BaseModel):\n     pet_id: UUID\n"
        "-    vet: str\n+    vet_id: UUID | None = None\n-    slot_minutes: int = 15\n"
        "+    slot_minutes: int = Field(default=15, ge=10, le=60)\n```\n"
    )
    assert ops["book_appointment"]["in"] == {
        "pet_id": "uuid",
        "vet_id": "uuid?",
        "slot_minutes": "int{default=15,ge=10,le=60}",
    }


def test_a_default_is_read_whatever_follows_the_word() -> None:
    for written, value in (
        ("string, defaults to `/inbound`", "/inbound"),
        ("default: true", True),
        ("the default value is 7", 7),
        ("int, default 5", 5),
    ):
        typed = parse_type(written)
        assert (typed.default, typed.has_default) == (value, True), written
