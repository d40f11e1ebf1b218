# A run's staged sites of a web server (nginx-websites, apache-websites; the web server's begin sets site_live, its
# live sites' directory, site_stage, an empty directory of this run on the same file system, and site_marker, its
# pending-reload marker). Only the sites the run changes are staged: a site's file that differs from the live one is
# written into the stage (a candidate), a removed one is noted; the live files are neither copied nor compared.
site_live=''
site_stage=''
site_marker=''
declare -A site_removed=()

# site_commit_files: the staged sites (the candidates the check accepted) replace their live files, the removed ones
# go; each change marks the reload pending.
site_commit_files() {
  local staged name
  for staged in "$site_stage"/*.conf; do
    [ -e "$staged" ] || continue
    name=${staged##*/}
    mv -f -- "$staged" "$site_live/$name"
    touch -- "$site_marker"
    echo "$name: written"
  done
  for name in "${!site_removed[@]}"; do
    [ -e "$site_live/$name" ] || continue
    rm -f -- "$site_live/$name"
    touch -- "$site_marker"
    echo "$name: removed"
  done
}
