"""Meeting groups near a parent: data (content/groups/groups.csv), validation, import, ranking."""

from bot.groups.model import Group, GroupsError, RowError, groups, load_groups, parse_csv
from bot.groups.ranking import audience_from_text, rank_groups

__all__ = ["Group", "GroupsError", "RowError", "audience_from_text", "groups", "load_groups", "parse_csv", "rank_groups"]
