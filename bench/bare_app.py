"""The ceiling for the submission benchmark: a bare Flask endpoint that parses the same form."""

from flask import Flask, request

app = Flask(__name__)


@app.get("/healthz")
def healthz():
    return {"status": "ok"}


@app.post("/submit")
def submit():
    return {"fields": len(request.form)}, 200
