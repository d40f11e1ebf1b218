# print_by_id NAME ID [NAME ID...]: reads `<mailbox name> <value>` lines on stdin and prints `<id> <value>` for the
# mailboxes named (the resources framework reads object ids; other mailboxes of the server are not this run's).
print_by_id() {
  awk 'BEGIN { for (i = 1; i < ARGC; i += 2) id[ARGV[i]] = ARGV[i + 1]; ARGC = 1 } ($1 in id) { print id[$1], $2 }' "$@"
}
