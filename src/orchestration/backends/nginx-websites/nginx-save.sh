# The sites this run changes (their staged file differs from the live one), checked together by nginx_site_check.
nginx_candidates=()

# nginx_site_save FILE CONTENT: stages the site's file (the staged copy it replaces kept beside it); a file equal to the
# live one is no candidate: nothing to check, nothing to write.
nginx_site_save() {
  local file=$1 content=$2
  if [ -f "$nginx_stage/$file" ]; then
    [ "$(cat -- "$nginx_stage/$file"; printf x)" = "${content}x" ] && return 0
    cp -p -- "$nginx_stage/$file" "$nginx_stage/$file.previous"
  fi
  printf '%s' "$content" >"$nginx_stage/$file"
  nginx_candidates+=("$file")
}

# nginx_site_check: ONE nginx -t of every staged site with all the candidates in place (a sync of 500 sites checked
# each against all the others, 500 times: minutes); only when that refuses are they checked one by one, in order, each
# with the ones accepted before it, so a refused site goes back to its live file, the run is FAILURE with nginx's
# message, and the other sites still apply.
nginx_site_check() {
  local file refusal
  [ "${#nginx_candidates[@]}" -gt 0 ] || return 0
  if nginx -t -c "$nginx_check" >/dev/null 2>&1; then
    for file in "${nginx_candidates[@]}"; do
      rm -f -- "$nginx_stage/$file.previous"
      echo "$file: accepted by nginx -t"
    done
    return 0
  fi
  for file in "${nginx_candidates[@]}"; do
    mv -f -- "$nginx_stage/$file" "$nginx_stage/$file.candidate"
    if [ -f "$nginx_stage/$file.previous" ]; then mv -f -- "$nginx_stage/$file.previous" "$nginx_stage/$file"; fi
  done
  for file in "${nginx_candidates[@]}"; do
    if [ -f "$nginx_stage/$file" ]; then cp -p -- "$nginx_stage/$file" "$nginx_stage/$file.previous"; fi
    mv -f -- "$nginx_stage/$file.candidate" "$nginx_stage/$file"
    if refusal=$(nginx -t -c "$nginx_check" 2>&1); then
      rm -f -- "$nginx_stage/$file.previous"
      echo "$file: accepted by nginx -t"
    else
      if [ -f "$nginx_stage/$file.previous" ]; then mv -f -- "$nginx_stage/$file.previous" "$nginx_stage/$file"; else rm -f -- "$nginx_stage/$file"; fi
      refusal=${refusal//$nginx_stage/$nginx_sites}
      echo "error: $file refused by nginx -t, the live configuration is unchanged: ${refusal//$'\n'/ }" >&2
      exit_code=1
    fi
  done
}
