"""(being built by its owner; see hub/__init__.py BLUEPRINTS)"""
from flask import Blueprint

bp = Blueprint("rules", __name__)
