# Apache as the checker of ../web/site-save.sh: `apache2 -t` of the server's own configuration with Orchestra's sites
# from the include list (apache_begin's check.apache), and openssl on an https site's certificate and key, which
# apache2 -t does not read (a graceful restart would, and die).
site_checker='apache2 -t'
site_include_before='Include '
site_include_after=''

site_test() {
  apache_test "$apache_check"
}

# site_item_test DIR: the certificate and key of DIR load ('' : no https).
site_item_test() {
  [ -n "$1" ] || return 0
  openssl x509 -noout -in "$1/fullchain.pem" 2>&1 && openssl pkey -noout -in "$1/privkey.pem" 2>&1
}
