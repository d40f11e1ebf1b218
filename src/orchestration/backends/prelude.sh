export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C
shopt -s inherit_errexit
umask 022
# Steps that must not stop the others, but must still fail the run, record their status here.
exit_code=0

# System accounts (uid/gid below UID_MIN/GID_MIN of /etc/login.defs: root, daemon, sudo, shadow…) are never touched.
uid_min=$(awk '$1 == "UID_MIN" { print $2 }' /etc/login.defs 2>/dev/null || true)
gid_min=$(awk '$1 == "GID_MIN" { print $2 }' /etc/login.defs 2>/dev/null || true)
uid_min=${uid_min:-1000} gid_min=${gid_min:-1000}

fail() {
  echo "error: $*" >&2
  exit 1
}
