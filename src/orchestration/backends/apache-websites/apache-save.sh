# The sites this run changes (their staged file differs from the live one), checked together by apache_site_check;
# beside each, its TLS directory ('' : no https).
apache_candidates=()
apache_candidate_tls=()

# apache_site_save FILE CONTENT TLS_DIR: stages the site's file (the staged copy it replaces kept beside it); a file
# equal to the live one with a loadable certificate is no candidate: nothing to check, nothing to write.
apache_site_save() {
  local file=$1 content=$2 tls=$3
  if [ -f "$apache_stage/$file" ]; then
    [ "$(cat -- "$apache_stage/$file"; printf x)" = "${content}x" ] && apache_tls_test "$tls" >/dev/null && return 0
    cp -p -- "$apache_stage/$file" "$apache_stage/$file.previous"
  fi
  printf '%s' "$content" >"$apache_stage/$file"
  apache_candidates+=("$file")
  apache_candidate_tls+=("$tls")
}

# apache_site_check: ONE apache2 -t of the server's configuration with every candidate in place, plus openssl on each
# https candidate's certificate and key (apache2 -t does not read them, a graceful restart would, and die); only when
# that refuses are they checked one by one, in order, each with the ones accepted before it, so a refused site goes
# back to its live file, the run is FAILURE with the checker's message, and the other sites still apply.
apache_site_check() {
  local i file refusal all=1
  [ "${#apache_candidates[@]}" -gt 0 ] || return 0
  apache_test "$apache_check" >/dev/null || all=0
  for i in "${!apache_candidates[@]}"; do
    [ "$all" = 1 ] || break
    apache_tls_test "${apache_candidate_tls[$i]}" >/dev/null || all=0
  done
  if [ "$all" = 1 ]; then
    for file in "${apache_candidates[@]}"; do
      rm -f -- "$apache_stage/$file.previous"
      echo "$file: accepted by apache2 -t"
    done
    return 0
  fi
  for file in "${apache_candidates[@]}"; do
    mv -f -- "$apache_stage/$file" "$apache_stage/$file.candidate"
    if [ -f "$apache_stage/$file.previous" ]; then mv -f -- "$apache_stage/$file.previous" "$apache_stage/$file"; fi
  done
  for i in "${!apache_candidates[@]}"; do
    file=${apache_candidates[$i]}
    if [ -f "$apache_stage/$file" ]; then cp -p -- "$apache_stage/$file" "$apache_stage/$file.previous"; fi
    mv -f -- "$apache_stage/$file.candidate" "$apache_stage/$file"
    if refusal=$(apache_test "$apache_check") && refusal=$(apache_tls_test "${apache_candidate_tls[$i]}"); then
      rm -f -- "$apache_stage/$file.previous"
      echo "$file: accepted by apache2 -t"
    else
      if [ -f "$apache_stage/$file.previous" ]; then mv -f -- "$apache_stage/$file.previous" "$apache_stage/$file"; else rm -f -- "$apache_stage/$file"; fi
      refusal=${refusal//$apache_stage/$apache_sites}
      echo "error: $file refused by apache2 -t, the live configuration is unchanged: ${refusal//$'\n'/ }" >&2
      exit_code=1
    fi
  done
}

# apache_tls_test DIR: the certificate and key of DIR load ('' : no https).
apache_tls_test() {
  [ -n "$1" ] || return 0
  openssl x509 -noout -in "$1/fullchain.pem" 2>&1 && openssl pkey -noout -in "$1/privkey.pem" 2>&1
}
