import rules

from partners.rules import is_coordinator, is_network_member

rules.add_perm("meetings.view_meeting", is_network_member)
rules.add_perm("meetings.change_meeting", is_coordinator)
