#!/bin/bash
# docker-mailserver runs this at start-up. It adds a PROXY-protocol twin of each Postfix mail port; the standard
# ports stay plain for internal clients. Each twin logs under its own syslog_name.

# Port 25's twin is a second postscreen. As docker-mailserver's guide does (its PR #4571), both postscreens share
# one cache through proxymap: a client that passed postscreen's tests on one port is remembered on the other, and
# the proxywrite service serialises the writes, so the two do not fight over the btree file's lock.
postconf -Mf smtp/inet | sed -e 's/^smtp /12525 /' >> /etc/postfix/master.cf
postconf -P \
  12525/inet/postscreen_upstream_proxy_protocol=haproxy \
  12525/inet/syslog_name=postfix/smtpd-proxyprotocol
postconf 'postscreen_cache_map = proxy:btree:$data_directory/postscreen_cache'

postconf -Mf submission/inet | sed -e 's/^submission /10587 /' >> /etc/postfix/master.cf
postconf -P 10587/inet/smtpd_upstream_proxy_protocol=haproxy 10587/inet/syslog_name=postfix/submission-proxyprotocol

postconf -Mf submissions/inet | sed -e 's/^submissions /10465 /' >> /etc/postfix/master.cf
postconf -P 10465/inet/smtpd_upstream_proxy_protocol=haproxy 10465/inet/syslog_name=postfix/submissions-proxyprotocol
