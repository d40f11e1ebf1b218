# nginx as the checker of ../web/site-save.sh: `nginx -t` of a configuration of Orchestra's sites only (nginx_begin's
# check.nginx: Debian's mime types and the sites' log format, then the include list).
site_checker='nginx -t'
site_include_before='include '
site_include_after=';'

site_test() {
  nginx -t -c "$nginx_check" 2>&1
}

# site_item_test: nginx -t reads the certificates itself: nothing more to check.
site_item_test() {
  :
}
