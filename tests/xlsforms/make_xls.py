"""Write the .xls fixtures beside this file (the app reads .xls with pyxform's reader, xlrd).

No maintained library writes .xls any more, so the files are kept in the repository; this script
made them with xlwt 1.3 (``pip install xlwt``) and is kept to show what they hold.
"""

from pathlib import Path

import xlwt

HERE = Path(__file__).parent
SURVEY = [
    ["type", "name", "label::English (en)", "label::Nederlands (nl)", "relevant"],
    ["begin group", "home", "Your home", "Je huis", ""],
    ["select_one yes_no", "owner", "Do you own your home?", "Is je huis van jezelf?", ""],
    ["integer", "years", "How many years?", "Hoeveel jaar?", "${owner} = 'yes'"],
    ["end group", "", "", "", ""],
]
CHOICES = [
    ["list_name", "name", "label::English (en)", "label::Nederlands (nl)"],
    ["yes_no", "yes", "Yes", "Ja"],
    ["yes_no", "no", "No", "Nee"],
]
SETTINGS = [["form_title", "form_id", "default_language"], ["Wonen", "wonen", "Nederlands (nl)"]]


def write(name: str, merge: bool = False) -> None:
    book = xlwt.Workbook()
    for title, rows in (("survey", SURVEY), ("choices", CHOICES), ("settings", SETTINGS)):
        sheet = book.add_sheet(title)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if not (merge and title == "survey" and r in (2, 3) and c == 3):
                    sheet.write(r, c, value)
        if merge and title == "survey":
            sheet.write_merge(2, 3, 3, 3, "Is je huis van jezelf?")  # rows 3-4 of column D
    book.save(str(HERE / name))


if __name__ == "__main__":
    write("household.xls")
    write("household-merged.xls", merge=True)
