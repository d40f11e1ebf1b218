# site_tls_placeholder DIR NAME: a https website has a certificate from the start: a self-signed one for NAME until
# one is issued (the web server would refuse its configuration without). An issued one is never replaced here.
site_tls_placeholder() {
  local dir=$1 name=$2
  [ -s "$dir/fullchain.pem" ] && [ -s "$dir/privkey.pem" ] && return 0
  install -d -m 0700 -- "$dir"
  openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=$name" \
    -keyout "$dir/privkey.pem" -out "$dir/fullchain.pem" 2>/dev/null
  chmod 0600 -- "$dir/privkey.pem"
  echo "certificate of $name: self-signed placeholder until one is issued"
}
