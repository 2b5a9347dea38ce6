"""Looking after the data files: keys, backups on a schedule, restore, the access log export."""
