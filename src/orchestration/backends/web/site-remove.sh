# site_remove FILE: the site goes (the commit removes its live file); one staged earlier in the run goes with it.
site_remove() {
  rm -f -- "${site_stage:?}/$1"
  site_removed[$1]=1
}
