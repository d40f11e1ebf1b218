# apache_site_save FILE CONTENT TLS_DIR: stages the site's file if apache2 -t accepts it with the server's
# configuration (and, for https, openssl its certificate and key: apache2 -t does not read them, a graceful restart
# would, and die); else the live one stays and the run is FAILURE with the checker's message.
apache_site_save() {
  local file=$1 content=$2 tls=$3 refusal
  if [ -f "$apache_stage/$file" ]; then cp -p -- "$apache_stage/$file" "$apache_stage/$file.previous"; fi
  printf '%s' "$content" >"$apache_stage/$file"
  if refusal=$(apache_test "$apache_check") && refusal=$(apache_tls_test "$tls"); then
    rm -f -- "$apache_stage/$file.previous"
    echo "$file: accepted by apache2 -t"
  else
    if [ -f "$apache_stage/$file.previous" ]; then mv -f -- "$apache_stage/$file.previous" "$apache_stage/$file"; else rm -f -- "$apache_stage/$file"; fi
    refusal=${refusal//$apache_stage/$apache_sites}
    echo "error: $file refused by apache2 -t, the live configuration is unchanged: ${refusal//$'\n'/ }" >&2
    exit_code=1
  fi
}

# apache_tls_test DIR: the certificate and key of DIR load ('' : no https).
apache_tls_test() {
  [ -n "$1" ] || return 0
  openssl x509 -noout -in "$1/fullchain.pem" 2>&1 && openssl pkey -noout -in "$1/privkey.pem" 2>&1
}
