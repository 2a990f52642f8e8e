"""Choosing a round (a GET form) and downloading its export (a POST form: every download is logged)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, SubmitField

from ..i18n_lazy import _l


class RoundChoiceForm(FlaskForm):
    class Meta:
        csrf = False  # choosing what to look at changes nothing

    round = SelectField(_l("Survey round"))


class DownloadForm(FlaskForm):
    language = SelectField(_l("Language of the labels"))
    data_csv = SubmitField(_l("Data (CSV)"))
    codebook = SubmitField(_l("Codebook (CSV)"))
    sav = SubmitField(_l("Data for SPSS (.sav)"))

    def chosen_format(self) -> str | None:
        return next((name for name in ("data_csv", "codebook", "sav") if getattr(self, name).data), None)
