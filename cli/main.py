"""``zhanqun``: the command line of the portal federation."""
from __future__ import annotations

import click

from cli.demo_cmd import demo, demo_sites
from cli.export_cmd import export
from cli.extract_cmd import extract
from cli.harvest_cmd import harvest
from cli.health_cmd import runs, sources
from cli.node_cmd import node
from cli.probe_cmd import probe
from cli.scheduler_cmd import scheduler
from cli.search_cmd import search
from cli.registry_cmd import registry
from cli.serve_cmd import serve
from cli.supervise_cmd import supervise
from cli.users_cmd import users


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="zhanqun")
def main() -> None:
    """站群 Zhanqun: harvest a city portal federation's sub-sites, review and publish."""


for command in (registry, harvest, scheduler, sources, runs, probe, extract, export, demo_sites, demo, users, serve,
                search, supervise, node):
    main.add_command(command)

if __name__ == "__main__":
    main()
