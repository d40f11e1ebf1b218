# nginx_site_save FILE CONTENT: stages the site's file if nginx -t accepts it with every other site; else the live
# one stays and the run is FAILURE with nginx's message.
nginx_site_save() {
  local file=$1 content=$2 refusal
  if [ -f "$nginx_stage/$file" ]; then cp -p -- "$nginx_stage/$file" "$nginx_stage/$file.previous"; fi
  printf '%s' "$content" >"$nginx_stage/$file"
  if refusal=$(nginx -t -c "$nginx_check" 2>&1); then
    rm -f -- "$nginx_stage/$file.previous"
    echo "$file: accepted by nginx -t"
  else
    if [ -f "$nginx_stage/$file.previous" ]; then mv -f -- "$nginx_stage/$file.previous" "$nginx_stage/$file"; else rm -f -- "$nginx_stage/$file"; fi
    refusal=${refusal//$nginx_stage/$nginx_sites}
    echo "error: $file refused by nginx -t, the live configuration is unchanged: ${refusal//$'\n'/ }" >&2
    exit_code=1
  fi
}
