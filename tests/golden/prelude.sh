export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C
shopt -s inherit_errexit
umask 022
# Steps that must not stop the others, but must still fail the run, record their status here.
exit_code=0

# System accounts (uid/gid below UID_MIN/GID_MIN of /etc/login.defs: root, daemon, sudo, shadow…) are never touched.
# Read by bash itself, not awk: every script of every backend runs this, and two processes were most of a small
# script's cost. The last setting wins; a missing file or setting means 1000.
uid_min='' gid_min=''
if [ -r /etc/login.defs ]; then
  while read -r setting value _ || [ -n "$setting" ]; do
    case "$setting" in
      UID_MIN) uid_min=$value ;;
      GID_MIN) gid_min=$value ;;
    esac
  done </etc/login.defs
fi
uid_min=${uid_min:-1000} gid_min=${gid_min:-1000}

fail() {
  echo "error: $*" >&2
  exit 1
}
