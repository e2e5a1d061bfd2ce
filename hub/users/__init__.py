"""(being built by its owner; see hub/__init__.py BLUEPRINTS)"""
from flask import Blueprint

bp = Blueprint("users", __name__)
