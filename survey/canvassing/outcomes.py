"""What can happen at a door (pure: shared by the models, the sync format and the pages)."""

import enum


class VisitOutcome(enum.StrEnum):
    INTERVIEWED = "interviewed"
    NOT_HOME = "not_home"
    REFUSED = "refused"
    COME_BACK = "come_back"  # with the time the resident asked for
    FLYER_LEFT = "flyer_left"
    LANGUAGE_BARRIER = "language_barrier"  # with the language the resident speaks
