"""System settings for admins: the rule-set versions in force and a check for a new version
file, and the scheduled jobs with their runs and a "run now" (SPEC.md §4: rules are data;
§8: one scheduler process)."""
