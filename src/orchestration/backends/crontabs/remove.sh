# remove_crontab USER: removes USER's crontab if there is one.
remove_crontab() {
  local user=$1 entry uid
  if ! entry=$(getent passwd -- "$user"); then
    echo "crontab of $user: user absent, nothing to remove"
    return 0
  fi
  IFS=: read -r _ _ uid _ <<<"$entry"
  (( uid >= uid_min )) || fail "user $user is a system account (uid $uid): refusing to manage its crontab"
  if crontab -l -u "$user" >/dev/null 2>&1; then
    crontab -r -u "$user"
    echo "crontab of $user: removed"
  else
    echo "crontab of $user: already absent"
  fi
}
