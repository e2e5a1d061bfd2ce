"""(being built by its owner; see hub/__init__.py BLUEPRINTS)"""
from flask import Blueprint

bp = Blueprint("portal", __name__)
