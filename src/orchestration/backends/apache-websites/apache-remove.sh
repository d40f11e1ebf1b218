# apache_site_remove FILE: the site is no longer staged (the commit removes the live file).
apache_site_remove() {
  rm -f -- "$apache_stage/$1"
}
