"""Administration by municipal staff: survey rounds and their languages, languages' review state."""

from .views import bp


def init_app(app):
    app.register_blueprint(bp)
