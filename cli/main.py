"""``zhanqun``: the command line of the portal federation.

Commands are imported when they are run, not when ``zhanqun`` starts: a
scheduled ``zhanqun harvest`` of an unchanged federation is mostly start-up,
and the hub, exports and demo pull in Flask, WeasyPrint and the like, which a
harvest never needs.
"""
from __future__ import annotations

import importlib

import click

# command name → (module, attribute), in the order ``--help`` lists them
COMMANDS: dict[str, tuple[str, str]] = {
    "registry": ("cli.registry_cmd", "registry"),
    "harvest": ("cli.harvest_cmd", "harvest"),
    "scheduler": ("cli.scheduler_cmd", "scheduler"),
    "sources": ("cli.health_cmd", "sources"),
    "runs": ("cli.health_cmd", "runs"),
    "probe": ("cli.probe_cmd", "probe"),
    "extract": ("cli.extract_cmd", "extract"),
    "export": ("cli.export_cmd", "export"),
    "demo-sites": ("cli.demo_cmd", "demo_sites"),
    "demo": ("cli.demo_cmd", "demo"),
    "users": ("cli.users_cmd", "users"),
    "serve": ("cli.serve_cmd", "serve"),
    "search": ("cli.search_cmd", "search"),
    "supervise": ("cli.supervise_cmd", "supervise"),
    "report": ("cli.report_cmd", "report"),
    "node": ("cli.node_cmd", "node"),
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*COMMANDS, *(name for name in super().list_commands(ctx) if name not in COMMANDS)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is None and cmd_name in COMMANDS:
            module, attribute = COMMANDS[cmd_name]
            command = getattr(importlib.import_module(module), attribute)
            self.add_command(command, cmd_name)
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="zhanqun")
def main() -> None:
    """站群 Zhanqun: harvest a city portal federation's sub-sites, review and publish."""


if __name__ == "__main__":
    main()
