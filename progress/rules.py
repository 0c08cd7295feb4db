"""Who may see and change the network's obligations, the matrix and the audit log."""

import rules

from partners.rules import is_coordinator, is_network_member, is_network_staff, sees_every_city

rules.add_perm("progress.view_home", is_network_member)
rules.add_perm("progress.view_matrix", sees_every_city)
rules.add_perm("progress.view_reminder_log", is_network_staff)
rules.add_perm("progress.change_obligations", is_coordinator)
