# Candidates and their check, for either web server: its save fragment defines site_test (checks the configuration
# that includes "$site_stage/sites.include", the checker's messages on stdout), site_item_test EXTRA (what that
# checker does not read of one site; EXTRA is the site's third argument of site_save), site_include_before and
# site_include_after (how the configuration includes one file) and site_checker (its name in messages).

# Candidates in order, beside each what its checker checks besides the configuration (Apache: its TLS directory).
site_candidates=()
site_candidate_extra=()

# site_save FILE CONTENT [EXTRA]: stages the site's file; a file equal to the live one (whose EXTRA passes) is no
# candidate: nothing to check, nothing to write.
site_save() {
  local file=$1 content=$2 extra=${3:-}
  if [ -f "$site_live/$file" ] && [ "$(cat -- "$site_live/$file"; printf x)" = "${content}x" ] && site_item_test "$extra" >/dev/null; then
    return 0
  fi
  [ -e "$site_stage/$file" ] || { site_candidates+=("$file"); site_candidate_extra+=("$extra"); }
  printf '%s' "$content" >"$site_stage/$file"
  unset "site_removed[$file]"
}

# site_write_include CANDIDATE...: the include list of the check: every live site, the given candidates staged in
# their place, the removed ones left out (a check of the whole configuration, without copying a file).
site_write_include() {
  local live name
  local -A staged=()
  for name in "$@"; do staged[$name]=1; done
  {
    for live in "$site_live"/*.conf; do
      [ -e "$live" ] || continue
      name=${live##*/}
      if [ -n "${site_removed[$name]:-}" ] || [ -n "${staged[$name]:-}" ]; then continue; fi
      printf '%s"%s"%s\n' "$site_include_before" "$live" "$site_include_after"
    done
    for name in "$@"; do printf '%s"%s"%s\n' "$site_include_before" "$site_stage/$name" "$site_include_after"; done
  } >"$site_stage/sites.include"
}

# site_check: ONE check of the configuration with every candidate in place (a sync of 500 sites checked each against
# all the others, 500 times: minutes); only when that refuses are they checked one by one, in order, each with the
# ones accepted before it, so a refused site keeps its live file, the run is FAILURE with the checker's message, and
# the other sites still apply.
site_check() {
  local i file refusal all=1
  local -a accepted=() present=()
  for file in "${site_candidates[@]}"; do
    [ -e "$site_stage/$file" ] && present+=("$file")
  done
  [ "${#present[@]}" -gt 0 ] || return 0
  site_write_include "${present[@]}"
  site_test >/dev/null || all=0
  for i in "${!site_candidates[@]}"; do
    [ "$all" = 1 ] || break
    [ -e "$site_stage/${site_candidates[$i]}" ] || continue
    site_item_test "${site_candidate_extra[$i]}" >/dev/null || all=0
  done
  if [ "$all" = 1 ]; then
    for file in "${present[@]}"; do echo "$file: accepted by $site_checker"; done
    return 0
  fi
  for i in "${!site_candidates[@]}"; do
    file=${site_candidates[$i]}
    [ -e "$site_stage/$file" ] || continue
    site_write_include "${accepted[@]}" "$file"
    if refusal=$(site_test) && refusal=$(site_item_test "${site_candidate_extra[$i]}"); then
      accepted+=("$file")
      echo "$file: accepted by $site_checker"
    else
      rm -f -- "$site_stage/$file"
      refusal=${refusal//$site_stage/$site_live}
      echo "error: $file refused by $site_checker, the live configuration is unchanged: ${refusal//$'\n'/ }" >&2
      exit_code=1
    fi
  done
}
