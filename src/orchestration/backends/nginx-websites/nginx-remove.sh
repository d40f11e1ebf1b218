# nginx_site_remove FILE: the site is no longer staged (the commit removes the live file).
nginx_site_remove() {
  rm -f -- "$nginx_stage/$1"
}
