"""`switchyard rule check`: what a user sees on the terminal, and the exit codes scripts rely on
(0 match, 1 no match, 2 refused)."""
import subprocess
import sys

import sy_harness as h


def run(*args):
    p = subprocess.run([h.binary(), "rule", "check", *args], capture_output=True, text=True, timeout=30)
    return p.returncode, p.stdout, p.stderr


def expect(args, code, stdout=None, stderr_has=()):
    rc, out, err = run(*args)
    where = "rule check %r -> rc=%d stdout=%r stderr=%r" % (args, rc, out, err)
    h.check(rc == code, "expected exit %d: %s" % (code, where))
    if stdout is not None:
        h.check(out == stdout, "expected stdout %r: %s" % (stdout, where))
    for piece in stderr_has:
        h.check(piece in err, "expected %r on stderr: %s" % (piece, where))
    return out, err


def main():
    # Matches and misses, v3 syntax (the default).
    expect(["--sni", "mail.example.com", "HostSNI(`mail.example.com`)"], 0, "match\n")
    expect(["--sni", "MAIL.Example.com", "HostSNI(`mail.example.com`)"], 0, "match\n")
    expect(["--sni", "imap.example.com", "HostSNI(`mail.example.com`)"], 1, "no match\n")
    expect(["--sni", "imap.example.com", "HostSNI(`*.example.com`)"], 0, "match\n")
    expect(["--sni", "a.imap.example.com", "HostSNI(`*.example.com`)"], 1, "no match\n")
    expect(["HostSNI(`*`)"], 0, "match\n")  # the catch-all matches plain TCP
    expect(["--client-ip", "192.168.1.20", "ClientIP(`192.168.1.0/24`)"], 0, "match\n")
    expect(["--client-ip", "::1", "ClientIP(`192.168.1.0/24`)"], 1, "no match\n")
    expect(["--alpn", "http/1.1", "--alpn", "h2", "ALPN(`h2`)"], 0, "match\n")
    expect(["--sni", "example.org", "--alpn", "h2",
            "HostSNI(`example.com`) || (HostSNI(`example.org`) && !ALPN(`h2`))"], 1, "no match\n")
    expect(["--sni", "example.org", "--",
            "HostSNI(`example.com`) || (HostSNI(`example.org`) && !ALPN(`h2`))"], 0, "match\n")
    # Both syntaxes.
    expect(["--syntax", "v2", "--sni", "example.org", "HostSNIRegexp(`example.{tld:(com|org)}`)"], 0, "match\n")
    expect(["--syntax=v3", "--sni", "example.org", "HostSNIRegexp(`example.{tld:(com|org)}`)"], 1, "no match\n")
    expect(["--syntax", "v2", "--sni", "b.example", "HostSNI(`a.example`, `b.example`)"], 0, "match\n")
    expect(["--sni", "b.example", "HostSNI(`a.example`, `b.example`)"], 2, "",
           ["HostSNI takes 1 argument in the v3 rule syntax, got 2", "set ruleSyntax to v2"])

    # Refused rules: the error names the position, and a caret points at it.
    _, err = expect(["HostSni2(`a`)"], 2, "", ['switchyard: rule: unknown matcher "HostSni2" at 0'])
    h.check("  HostSni2(`a`)\n  ^\n" in err, "caret under the unknown matcher: %r" % err)
    _, err = expect(["--sni", "a.com", "HostSNI(`a.com`) && ClientIP(`10.0.0.1`))"], 2, "",
                    ["rule: unexpected ')' at 40"])
    h.check("\n  " + " " * 40 + "^\n" in err, "caret under the extra ')': %r" % err)
    expect(["--sni", "a.com", "hostSNI(`a.com`)"], 2, "", ['unknown matcher "hostSNI" at 0', "HostSNI, hostsni"])
    expect(["--alpn", "acme-tls/1", "ALPN(`acme-tls/1`)"], 2, "", ["acme-tls/1"])
    expect(["--sni", "x", "HostSNI('x')"], 2, "", ["single quotes"])
    # A host name cannot be read from plain TCP: the router-level check, with its hint.
    expect(["HostSNI(`mail.example.com`)"], 2, "", ["no TLS", "HostSNI(`*`)"])
    expect(["--tls", "HostSNI(`mail.example.com`)"], 1, "no match\n")

    # --explain says which matcher decided.
    out, _ = expect(["--explain", "--sni", "b.example", "--client-ip", "10.1.1.1",
                     "HostSNI(`a.example`) || !ClientIP(`10.0.0.0/8`)"], 1)
    lines = out.splitlines()
    h.check(lines[0] == "no match", out)
    h.check("  HostSNI(`a.example`) at 0: false (SNI \"b.example\")" in lines, out)
    h.check("  ClientIP(`10.0.0.0/8`) at 25: true (client IP 10.1.1.1), negated: false" in lines, out)
    h.check(lines[-1] == "  decided by: ClientIP(`10.0.0.0/8`) at 25", out)
    out, _ = expect(["--explain", "HostSNI ( `*` )"], 0)
    h.check("default priority -1" in out and out.startswith("match\n"), out)

    # Command-line mistakes exit 2 with a message, never a match.
    expect([], 2, "", ["no rule given", "usage:"])
    expect(["--syntax", "v4", "HostSNI(`*`)"], 2, "", ["--syntax must be v2 or v3"])
    expect(["--bogus", "HostSNI(`*`)"], 2, "", ['unknown option "--bogus"'])
    expect(["HostSNI(`*`)", "&&", "ALPN(`h2`)"], 2, "", ["one argument"])
    expect(["--client-ip", "10.0.0.300", "ClientIP(`10.0.0.0/8`)"], 2, "", ["--client-ip"])
    expect(["ClientIP(`10.0.0.0/8`)"], 2, "", ["--client-ip"])
    out, _ = expect(["--help"], 0)
    h.check(out.startswith("usage: switchyard rule check"), out)
    print("rule check: all cases passed")


if __name__ == "__main__":
    try:
        main()
    except h.TestFailure as e:
        print("FAIL:", e, file=sys.stderr)
        sys.exit(1)
