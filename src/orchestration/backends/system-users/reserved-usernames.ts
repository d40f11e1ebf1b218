/**
 * Names no system user may take (nor any account: its main system user has its name). On a server, the
 * system-users script refuses to touch a user or group below UID_MIN/GID_MIN (root, tty, users, crontab…), and a
 * system user's name is also its group's: such a name fails the user's whole configuration on every server, and
 * every change of it after. So the names a Debian server has for itself and its usual services are refused here,
 * before anything is saved: Debian's static users and groups (base-passwd), the ones packages create on a server,
 * and the mail and web names a provider keeps for itself. A service installed later under another name is still
 * refused by the script (that guard stays, it protects the server); this list is what the API can know.
 * It applies to NEW names (validateNewUsername): stored snapshots are held only to the names always refused.
 */

const NAMES = [
  // base-passwd: every Debian system has these users and groups.
  'root daemon bin sys sync games man lp mail news uucp proxy www-data backup list irc gnats nobody',
  'adm tty disk kmem dialout fax voice cdrom floppy tape sudo audio dip operator src shadow utmp video sasl plugdev',
  'staff users nogroup',
  // Created by packages of a Debian server (systemd, cron, ssh, TLS, virtualisation, printing, time, …).
  'messagebus polkitd sshd crontab ssl-cert input kvm render sgx netdev tss uuidd rdma lpadmin scanner bluetooth',
  'avahi colord geoclue pulse pulse-access rtkit saned lightdm usbmux dnsmasq tcpdump statd rpc ntp ntpsec chrony',
  'mlocate plocate landscape pollinate fwupd-refresh uml-net docker lxd libvirt libvirt-qemu qemu',
  // Services a hosting server runs.
  'postfix postdrop postgres mysql mariadb bind named unbound knot pdns powerdns dovecot dovenull vmail ftp proftpd',
  'vsftpd nginx apache apache2 httpd redis memcache memcached mongodb rabbitmq elasticsearch clamav amavis spamd',
  'opendkim opendmarc mailman postgrey sympa munin nagios zabbix prometheus grafana influxdb telegraf haproxy',
  'varnish squid exim',
  // Names a provider keeps for itself (RFC 2142 mailboxes, administration).
  'admin administrator wheel orchestra support abuse postmaster hostmaster webmaster www noc security',
];

const RESERVED = new Set(NAMES.join(' ').split(' '));

/** Families of system names: systemd-network, systemd-journal…; Debian-exim, debian-spamd… */
const RESERVED_PREFIXES = ['systemd-', 'debian-'];

/** For a NEW account or system user: the API refuses these names. */
export function isReservedUsername(name: string): boolean {
  return RESERVED.has(name) || RESERVED_PREFIXES.some((prefix) => name.startsWith(prefix));
}

/**
 * The names a snapshot may never carry, as the system-users backend always refused them: so no object stored
 * before a name joined the list above becomes impossible to change or delete (its snapshot would be refused).
 * Every one of them is also in the list above.
 */
const ALWAYS_RESERVED = new Set(
  (
    'root daemon bin sys sync games man lp mail news uucp proxy www-data backup list irc gnats nobody nogroup ' +
    'systemd-network systemd-resolve systemd-timesync messagebus sshd postfix postgres mysql bind dovecot ' +
    'dovenull vmail ftp admin operator adm staff sudo wheel shadow disk tty kmem docker lxd'
  ).split(' '),
);

export function isAlwaysReservedUsername(name: string): boolean {
  return ALWAYS_RESERVED.has(name);
}
