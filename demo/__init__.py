"""Deterministic demo federation of Quzhou government sub-sites served on loopback.

* ``demo.federation.Federation`` - content model, ``publish()``, ``truth()``
* ``demo.server.serve(fed, host, base_port)`` - one HTTP server per site
* ``demo.registry.registry_yaml(urls)`` - the matching registry.yaml
* ``python -m demo [--base-port 8701] [--publish-every 30]`` - serve until Ctrl-C
"""
