"""Safe defaults. Deployments override them in ``instance/config.py`` or ``SURVEY_*`` variables."""

# The database lives in the instance folder unless configured otherwise; the factory fills the
# path in because only it knows where the instance folder is.
SQLALCHEMY_DATABASE_URI = None
# Merged over ENGINE_DEFAULTS, so a deployment that sets e.g. {"pool_size": 10} keeps these.
SQLALCHEMY_ENGINE_OPTIONS: dict = {}
ENGINE_DEFAULTS = {
    # A pooled connection that a database restart closed is noticed before a request uses it.
    "pool_pre_ping": True,
    # Errors and logs show a statement without its values: they may be answers or contact details.
    "hide_parameters": True,
}

# Languages are discovered from the catalogs under translations/; Dutch is the default.
BABEL_DEFAULT_LOCALE = "nl"
BABEL_DEFAULT_TIMEZONE = "Europe/Amsterdam"
# Flask-Babel resolves this against the package folder, hence the "..".
BABEL_TRANSLATION_DIRECTORIES = "../translations"

WTF_CSRF_TIME_LIMIT = None  # a resident may take an hour over the form; the token is per session

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = False  # set True behind HTTPS in production (then HSTS is sent too)
# No "remember me": sign-in never sets a remember cookie, and one made elsewhere opens nothing,
# because a user is loaded only from a live server-side session (accounts/signin.py).
REMEMBER_COOKIE_HTTPONLY = True

# Staff sessions live on the server: sign-out, a new password or deactivation ends them at once.
# Board members and admins are signed out after 30 minutes without a request. Canvassers after
# 8 hours: a shift door to door may pass without signal, while their tablet works offline and
# sends later under a token that lives exactly as long as the session. Any session ends 12 hours
# after sign-in (NIST SP 800-63B's limits for this level, ASVS 4.0.3 3.3.2).
SESSION_IDLE_MINUTES = 30
CANVASSER_IDLE_MINUTES = 8 * 60
SESSION_ABSOLUTE_MINUTES = 12 * 60

# Rate limits (Flask-Limiter syntax). Storage: memory:// counts in each process alone, so with
# several gunicorn workers a limit is only reached per worker; production uses redis://.
RATELIMIT_STORAGE_URI = "memory://"
RATELIMIT_HEADERS_ENABLED = True
# While Redis is unreachable, each worker counts in memory instead of failing every request.
RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
# Completed surveys per address. Generous: at a survey evening on a community centre's wifi, or
# behind a mobile network's shared address, many residents share one. It is counted only for
# stored surveys, and a survey over the limit is kept on the page to send again, never lost.
SUBMISSION_RATE_LIMIT = "60 per hour"
# Bots send a whole survey in seconds; people take minutes.
SUBMISSION_MIN_SECONDS = 15
LOGIN_RATE_LIMIT = "10 per minute"

# How many reverse proxies in front of the app set X-Forwarded-For and X-Forwarded-Proto (0: none,
# the connecting address is the client). Limits count the client's address, so behind a proxy this
# must be set, and never higher than the proxies there are: a client could then choose its address.
TRUSTED_PROXIES = 0

# Form limits: a request larger than this is refused before it is parsed.
MAX_CONTENT_LENGTH = 1024 * 1024
MAX_FORM_MEMORY_SIZE = 512 * 1024

# The address printed on posters and in their QR codes, e.g. "https://buurtpeiling.maastricht.nl";
# the address of the request when not set.
PUBLIC_BASE_URL = None

# Where `flask setup` finds what ships by default.
REFERENCE_AREAS_FILE = "data/maastricht.yaml"
DEFAULT_SURVEY_FILE = "data/surveys/activities.yaml"
DEFAULT_ROUND_KEY = "activities-2026"

# How long personal data is kept: the defaults of the retention settings, which admins change in
# the browser (retention/); `flask retention`, run daily, deletes what is older. Contact details of
# volunteers and visit outcomes (they name a door) count from the day their round closed; the doors
# of a walk list from the day the last round in their neighbourhood closed; audit log entries from
# the day they were written.
CONTACT_RETENTION_DAYS = 365
VISIT_RETENTION_DAYS = 365
DOOR_RETENTION_DAYS = 365
AUDIT_RETENTION_DAYS = 2 * 365
# The responses of an archived round are reduced to its published figures this many years after
# it was archived; None keeps them.
ARCHIVED_RESPONSES_RETENTION_YEARS = None

# Published figures change only at releases (dashboards/releases.py): at most once a day, at this
# hour (local time), and a neighbourhood's only once this many of its answers arrived or were
# deleted since its figures last changed.
RELEASE_HOUR = 6
RELEASE_MIN_CHANGES = 5
# A release that falls due while someone reads is made in a background thread (the reader sees
# the current one meanwhile); tests make it at once.
RELEASE_IN_BACKGROUND = True

# Interviews recorded on a tablet while a round was open are accepted this many days after it
# closed (a tablet may come back online late); later ones are refused.
SYNC_GRACE_DAYS = 30

# The cell-key perturbation of every published count (dashboards/perturbation.py). Tests switch it
# off to check arithmetic and to show what an unprotected configuration would leak; keep it on.
CELL_KEY_PERTURBATION = True
