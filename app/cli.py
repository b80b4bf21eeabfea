"""The `jiceng` console script: Flask's CLI bound to the Jiceng app."""
from flask.cli import FlaskGroup


def _create_app():
    from app import create_app

    return create_app()


cli = FlaskGroup(create_app=_create_app, help="Jiceng (基层) command line.")


def main():
    cli(prog_name="jiceng")
