# English, as this app writes it (British spelling): day before month and a 24-hour clock,
# like the reminder e-mails and calendar text ("7 December 2026, 18:31"; never "6:31 p.m."
# next to "19:45").
DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
