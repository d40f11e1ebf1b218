#!/usr/bin/env bash
# `npm test`'s set-up: npm start's (scripts/setup.sh), plus the Debian packages only the tests use, installed in the
# same apt run. A package only tests need goes in this list, never into setup.sh: `npm start` must not install it.
set -euo pipefail
cd "$(dirname "$0")/.."

# package:program that shows it is installed (a path, or a name looked up on PATH).
test_packages=(
  openssh-server:/usr/sbin/sshd # the sandboxed test hosts' sshd (tests/support/sshd-host.ts)
  cron:/usr/bin/crontab         # crontab, which the crontabs backend runs on the test hosts
  shellcheck:shellcheck         # lints the backends' bash (tests/backends.test.ts)
  strace:/usr/bin/strace        # counts the processes the backends' scripts start (tests/backend-script-processes.test.ts)
  bind9:/usr/sbin/named         # the DNS master and slave of the sandboxed test hosts (tests/dns-servers.test.ts)
  bind9-dnsutils:dig            # dig, which asks them (tests/dns-servers.test.ts)
  # The database servers the database backends manage, run on sandboxed test hosts (tests/support/database-servers.ts)
  postgresql:/usr/lib/postgresql/15/bin/postgres
  mariadb-server:/usr/sbin/mariadbd
  mariadb-client:/usr/bin/mariadb
  python3:python3               # the SMTP sink of the limit notices' and bill e-mails' tests: the standard library's smtpd (tests/support/smtp-sink.ts)
  # The mail servers the mail backends manage, run on sandboxed test hosts (tests/support/mail-host.ts), and swaks,
  # which sends them mail (tests/mail-servers.test.ts)
  postfix:/usr/sbin/postfix
  dovecot-imapd:/usr/lib/dovecot/imap
  dovecot-lmtpd:/usr/lib/dovecot/lmtp
  swaks:/usr/bin/swaks
  curl:/usr/bin/curl
  prometheus:/usr/bin/promtool  # promtool checks and unit-tests the alert rules in deploy/prometheus (tests/observability-rules.test.ts)
  # The web servers the web backends manage, run on sandboxed test hosts (tests/support/web-host.ts); curl asks them
  nginx:/usr/sbin/nginx
  apache2:/usr/sbin/apache2
  php8.2-fpm:/usr/sbin/php-fpm8.2
  supervisor:/usr/bin/supervisord # the process supervisor Orchestra's own deployment and process web apps use, run on sandboxed test hosts (tests/deploy.test.ts, tests/web-servers.test.ts)
  mailman3:/usr/lib/mailman3/bin/master # the mailing lists' Mailman 3 on a mail test host (tests/mailing-lists-servers.test.ts)
  poppler-utils:/usr/bin/pdftotext # reads the text of a bill's PDF back (tests/bills.test.ts)
  pebble:/usr/bin/pebble        # the ACME test CA (and pebble-challtestsrv, its DNS) that issues websites' certificates (tests/web-tls.test.ts)
)
exec bash scripts/setup.sh "${test_packages[@]}"
