"""The cell-key perturbation, and the attacks it exists for, on the pure publishing code.

Each attack runs twice: against the product's configuration, where it must fail, and against a
deliberately unprotected one (no perturbation), where it must succeed: the control that shows
the attack would catch the leak it targets.
"""

from __future__ import annotations

import random
import secrets
from collections import Counter

import pytest

from survey.dashboards.perturbation import RATIO, likelihood_bound, noise, perturb
from survey.dashboards.publish import publish_round
from survey.dashboards.suppression import Status
from survey.dashboards.tables import ALL, N
from survey.definitions import parse_definition

SECRET = b"k" * 32
PARENTS = {"city": None, "d1": "city", "h1": "d1", "h2": "d1"}
OPTIONS = ("a", "b", "c", "d")


def mini_definition():
    text = {"nl": "x"}
    return parse_definition({
        "key": "mini", "source_language": "nl", "languages": {"nl": {"review": "source"}}, "title": text,
        "sections": [{"key": "s", "title": text, "questions": [
            {"key": "pick", "type": "multiple", "text": text, "options": [{"key": o, "label": text} for o in OPTIONS]},
        ]}],
    }, "mini.yaml")


DEFINITION = mini_definition()
QUESTIONS = [("pick", "multiple", list(OPTIONS))]


def leaves(respondents):
    """Tally leaves of the "all" dimension from (hood, record key, chosen options)."""
    cells = {}

    def add(hood, measure, key):
        n, keys = cells.get((hood, ALL, measure), (0, 0))
        cells[(hood, ALL, measure)] = (n + 1, keys + key)

    for hood, key, chosen in respondents:
        add(hood, N, key)
        if chosen:
            add(hood, ("pick", "", 0), key)
        for option in chosen:
            add(hood, ("pick", option, 0), key)
    return {"all": cells}


def figures(respondents, secret):
    values, statuses = publish_round(PARENTS, leaves(respondents), QUESTIONS, DEFINITION, secret)["all"]
    return values, statuses


def resident(rng, hood="h1", chosen=None):
    return hood, rng.randrange(1 << 32), frozenset(chosen if chosen is not None else
                                                      (o for o in OPTIONS if rng.random() < 0.4))


# --- the perturbation itself ----------------------------------------------------------------------

def test_perturbations_are_small_mostly_zero_and_symmetric():
    draws = Counter(noise(SECRET, secrets.randbits(64)) for _ in range(20_000))
    p0 = (1 - RATIO) / (1 + RATIO)
    assert abs(draws[0] / 20_000 - p0) < 0.02
    assert abs(draws[1] - draws[-1]) / 20_000 < 0.02
    assert sum(v for k, v in draws.items() if abs(k) <= 2) / 20_000 > 0.94


def test_the_same_key_always_gives_the_same_figure_and_counts_never_go_negative():
    assert all(perturb(7, 123, SECRET) == perturb(7, 123, SECRET) for _ in range(5))
    assert perturb(0, 5, SECRET) == 0
    assert min(perturb(1, key, SECRET) for key in range(3000)) == 0


def test_the_figures_of_an_unchanged_round_are_the_same_every_time():
    rng = random.Random(1)
    round_ = [resident(rng, hood) for hood in ("h1", "h2") for _ in range(40)]
    assert figures(round_, SECRET) == figures(list(reversed(round_)), SECRET)


def test_a_new_answer_draws_every_figure_of_its_area_anew_but_no_other():
    """Otherwise the figures that did not move would show which answers a newcomer gave."""
    rng = random.Random(2)
    round_ = [resident(rng, hood) for hood in ("h1", "h2") for _ in range(60)]
    before, _ = figures(round_, SECRET)
    after, _ = figures(round_ + [resident(rng, "h1", chosen={"a"})], SECRET)
    untouched_h1 = [m for m in (("pick", o, 0) for o in "bcd")]
    moved = sum(before[("h1", ALL, m)] != after[("h1", ALL, m)] for m in untouched_h1)
    assert moved >= 1  # (each moves with probability 1 - 0.35; all three stay with 4 %: seeds fixed)
    assert all(before[("h2", ALL, m)] == after[("h2", ALL, m)] for m in [N, *untouched_h1])


# --- attacks -----------------------------------------------------------------------------------------

def n_minus_one(trials: int, secret, seed: int = 3) -> float:
    """An attacker answers four times around a resident's answer in a quiet neighbourhood (so that
    the release that follows mixes only them), reads before and after, subtracts their own answers
    and guesses, per option, whether the resident chose it. Returns the share of right guesses."""
    rng = random.Random(seed)
    right = total = 0
    for _ in range(trials):
        others = [resident(rng, hood) for hood in ("h1", "h2") for _ in range(rng.randint(20, 60))]
        before, statuses_before = figures(others, secret)
        target = resident(rng, "h1")
        own = [resident(rng, "h1", chosen=set()) for _ in range(4)]  # the attacker's: no option at all
        after, statuses_after = figures(others + [target] + own, secret)
        for option in OPTIONS:
            cell = ("h1", ALL, ("pick", option, 0))
            if statuses_before[cell] is not Status.SHOWN or statuses_after[cell] is not Status.SHOWN:
                continue  # a hidden figure tells nothing
            guess = after[cell] - before[cell] >= 1
            right += guess == (option in target[2])
            total += 1
    return right / total


def test_n_minus_one_differencing_with_own_answers_is_a_guess_not_a_certainty():
    protected = n_minus_one(400, SECRET)
    unprotected = n_minus_one(60, None)  # the control: exact counts
    print(f"\nn-1 attacker right: {protected:.1%} protected, {unprotected:.1%} unprotected "
          f"(bound per figure: odds ×{likelihood_bound():.1f}, best possible {likelihood_bound() / (1 + likelihood_bound()):.0%})")
    assert unprotected == 1.0
    assert protected < 0.78  # theory: 67 %; the bound: 77 %


def label_tracking(trials: int, secret, seed: int = 4) -> float:
    """An option shows "<5". The attacker adds one answer choosing it per release (with four
    others that do not, so that each release mixes five) and watches for the figure to appear;
    then "the count was 5 minus my additions". Returns how often that guess is right."""
    rng = random.Random(seed)
    pinned = 0
    for _ in range(trials):
        hidden = rng.randint(0, 4)
        base = [resident(rng, "h1", chosen=({"a"} if i < hidden else {"b"})) for i in range(40)]
        base += [resident(rng, "h2") for _ in range(40)]
        cell = ("h1", ALL, ("pick", "a", 0))
        if figures(base, secret)[1][cell] is Status.SHOWN:
            continue  # nothing hidden to track
        added = []
        for step in range(1, 12):
            added += [resident(rng, "h1", chosen={"a"})] + [resident(rng, "h1", chosen={"b"}) for _ in range(4)]
            values, statuses = figures(base + added, secret)
            if statuses[cell] is Status.SHOWN:
                pinned += (5 - step) == hidden
                break
    return pinned / trials


def test_label_tracking_with_own_answers_does_not_pin_a_hidden_count():
    protected = label_tracking(150, SECRET)
    unprotected = label_tracking(40, None)
    print(f"\nlabel tracking pins the hidden count: {protected:.1%} protected, {unprotected:.1%} unprotected")
    assert unprotected > 0.9
    # Never certain (every hidden count stays possible), and far from the control's certainty:
    # measured about 60 % against 20 % for a blind guess among 0-4. A regression that decided
    # "<5" on the exact count again would bring this back to 100 %.
    assert protected < 0.75


@pytest.mark.parametrize("secret", [SECRET, None])
def test_a_count_below_five_is_never_shown_as_a_number(secret):
    rng = random.Random(5)
    for _ in range(30):
        round_ = [resident(rng, rng.choice(("h1", "h2"))) for _ in range(rng.randint(0, 80))]
        values, statuses = figures(round_, secret)
        for cell, status in statuses.items():
            if status is Status.SHOWN:
                assert values[cell] >= 5, cell


def test_an_area_whose_number_came_out_as_zero_is_still_protected():
    """Found by the district-minus-neighbourhoods attack: with 3 answers perturbed to 0, the
    neighbourhood was taken for one without answers, and the district and its other neighbourhood
    were both shown: their difference gave its number away. Keys are searched for that case."""
    rng = random.Random(9)
    for _ in range(400):
        round_ = [resident(rng, "h1") for _ in range(40)] + [resident(rng, "h2") for _ in range(3)]
        values, statuses = figures(round_, SECRET)
        if values[("h2", ALL, N)] == 0:
            break
    else:
        pytest.skip("no draw put the small neighbourhood at 0")
    assert not (statuses[("d1", ALL, N)] is Status.SHOWN and statuses[("h1", ALL, N)] is Status.SHOWN)
