"""The `jiceng` console script: Flask's CLI bound to the Jiceng app.

Commands print what a person needs in Chinese; the operational log (INFO) is the server's, so a
command other than `jiceng run` logs only warnings unless JICENG_LOG_LEVEL says otherwise.
"""
import os
import sys

from flask.cli import FlaskGroup


def _create_app():
    from app import create_app

    return create_app()


cli = FlaskGroup(create_app=_create_app, help="Jiceng (基层) command line.")


def main():
    if "run" not in sys.argv[1:2]:
        os.environ.setdefault("JICENG_LOG_LEVEL", "WARNING")
    cli(prog_name="jiceng")
