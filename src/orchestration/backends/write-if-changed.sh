# write_if_changed FILE [MODE [OWNER]]: FILE gets stdin, through a temporary file beside it renamed over it (readers
# see the old file or the new one, never a part), and only when different; status 0 when it was written, 1 when it was
# already so. The new file is at least one second newer than the one it replaces: daemons that poll a file tell a
# change by its mtime in whole seconds and its size (Dovecot's passwd-files: a new password hash has the old one's
# length), so a same-size rewrite within the old file's second would never be read. FILE is an absolute path (its
# directory is cut off by bash, not by a dirname process).
write_if_changed() {
  local file=$1 mode=${2:-0644} owner=${3:-} tmp mtimes old new
  tmp=$(mktemp -- "${file%/*}/.orchestra.XXXXXX")
  cat >"$tmp"
  if cmp -s -- "$tmp" "$file"; then
    rm -f -- "$tmp"
    return 1
  fi
  chmod "$mode" -- "$tmp"
  [ -z "$owner" ] || chown "$owner" -- "$tmp"
  # Both mtimes from one stat; it fails when there is no old file.
  if mtimes=$(stat -c %Y -- "$file" "$tmp" 2>/dev/null); then
    { read -r old; read -r new; } <<<"$mtimes"
    (( new > old )) || touch -d "@$(( old + 1 ))" -- "$tmp"
  fi
  mv -f -- "$tmp" "$file"
}
