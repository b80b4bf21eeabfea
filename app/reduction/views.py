"""Pages of the reduction area (精文减会、为基层减负)."""
from . import bp  # noqa: F401
