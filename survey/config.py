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
SESSION_COOKIE_SECURE = False  # set True behind HTTPS in production
REMEMBER_COOKIE_HTTPONLY = True

# Rate limits (Flask-Limiter syntax). Storage: memory:// counts in each process alone, so with
# several gunicorn workers a limit is only reached per worker; production uses redis://.
RATELIMIT_STORAGE_URI = "memory://"
RATELIMIT_HEADERS_ENABLED = True
# While Redis is unreachable, each worker counts in memory instead of failing every request.
RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
SUBMISSION_RATE_LIMIT = "20 per hour"
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

# Contact details of volunteers are deleted this many days after their round closed.
CONTACT_RETENTION_DAYS = 365
