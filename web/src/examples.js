// Example queries for the dropdown.
export const EXAMPLES = [
  { name: "Open conversations", query: "state = open" },
  {
    name: "Open and urgent, or tagged",
    query: "state = open AND (priority = priority OR tag_ids IN [1, 2])",
  },
  {
    name: "Created in the last week, unread",
    query: "created_at >= now-7d AND read = false",
  },
  {
    name: "Emails mentioning a refund",
    query: 'source.type = email AND source.body ~ "refund"',
  },
  {
    name: "Not closed, not snoozed",
    query: "NOT (state = closed OR state = snoozed)",
  },
  {
    name: "Assigned to a team since a date",
    query: "team_assignee_id = 5017691\nAND created_at > 2024-01-01\nAND state != closed",
  },
  {
    name: "With a typo (see the diagnostics)",
    query: "stat = open AND priority = urgent",
  },
];
