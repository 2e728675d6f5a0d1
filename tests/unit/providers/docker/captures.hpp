#pragma once
// Engine API answers captured from dockerd 20.10.24 and podman 4.3.1 (../shared/reference/docker-api.md §2),
// trimmed only where that note trims them.
#include <string_view>

namespace captures {

inline constexpr std::string_view inspect_mail = R"json({
  "Id": "e07d823beae7bc3a1c430afba6d75f8c38f3d256eb1c51989bfc589bb13ca321",
  "Created": "2026-11-24T16:06:45.013361906Z",
  "Name": "/mail_mailserver_1",
  "RestartCount": 0,
  "State": {
    "Status": "running", "Running": true, "Paused": false, "Restarting": false, "OOMKilled": false, "Dead": false,
    "Pid": 23004, "ExitCode": 0, "Error": "",
    "StartedAt": "2026-11-24T16:06:45.247421714Z", "FinishedAt": "0001-01-01T00:00:00Z"
  },
  "Config": {
    "Hostname": "e07d823beae7",
    "Env": ["POSTMASTER_PASSWORD=secret"],
    "Cmd": ["sleep", "3600"],
    "Image": "bb:research",
    "ExposedPorts": {"25/tcp": {}, "465/tcp": {}, "587/tcp": {}, "993/tcp": {}},
    "Labels": {
      "com.docker.compose.project": "mail",
      "com.docker.compose.service": "mailserver",
      "traefik.enable": "true",
      "traefik.tcp.routers.smtp.entrypoints": "smtp",
      "traefik.tcp.routers.smtp.rule": "HostSNI(`*`)",
      "traefik.tcp.services.smtp.loadbalancer.proxyProtocol.version": "2",
      "traefik.tcp.services.smtp.loadbalancer.server.port": "25"
    }
  },
  "HostConfig": {"NetworkMode": "mail_proxy", "PortBindings": {}, "RestartPolicy": {"Name": "no", "MaximumRetryCount": 0}},
  "NetworkSettings": {
    "Bridge": "", "SandboxID": "cf2058db956f127939765053a1ad3c4ba0c98a79fd6f149a154909d66b4dde5e",
    "HairpinMode": false, "LinkLocalIPv6Address": "", "LinkLocalIPv6PrefixLen": 0,
    "Ports": {"25/tcp": null, "465/tcp": null, "587/tcp": null, "993/tcp": null},
    "SandboxKey": "<exec-root>/exec/netns/cf2058db956f",
    "SecondaryIPAddresses": null, "SecondaryIPv6Addresses": null,
    "EndpointID": "", "Gateway": "", "GlobalIPv6Address": "", "GlobalIPv6PrefixLen": 0,
    "IPAddress": "", "IPPrefixLen": 0, "IPv6Gateway": "", "MacAddress": "",
    "Networks": {
      "mail_proxy": {
        "IPAMConfig": null, "Links": null, "Aliases": ["e07d823beae7"],
        "NetworkID": "041c9ea72104a4dfce757534429f043f6fd810fd3e433c10ef78fcc19641bd33",
        "EndpointID": "e4990c7323d0b382573200fba13492830c46ec5c51c4a680f7e92575b0fa57d9",
        "Gateway": "172.18.0.1", "IPAddress": "172.18.0.2", "IPPrefixLen": 16,
        "IPv6Gateway": "", "GlobalIPv6Address": "", "GlobalIPv6PrefixLen": 0,
        "MacAddress": "02:42:ac:12:00:02", "DriverOpts": null
      }
    }
  }
})json";

inline constexpr std::string_view inspect_host = R"json({
  "Id": "5b1e0c0e0d6f4d4c8e2f3a3b2c1d0e0f5b1e0c0e0d6f4d4c8e2f3a3b2c1d0e0f",
  "Name": "/hostnet",
  "State": {"Status": "running", "Running": true},
  "Config": {"ExposedPorts": null, "Labels": {"traefik.enable": "true", "traefik.tcp.routers.h.rule": "HostSNI(`*`)",
             "traefik.tcp.services.h.loadbalancer.server.port": "2525"}},
  "HostConfig": {"NetworkMode": "host"},
  "NetworkSettings": {
    "Ports": {},
    "SandboxKey": "<exec-root>/exec/netns/default",
    "IPAddress": "",
    "Networks": {
      "host": {"IPAMConfig": null, "Links": null, "Aliases": null,
               "NetworkID": "c19579b75ebc24988efc63e8cdd9279def6dd4af15334fb77d5541e7c55cd05f",
               "EndpointID": "b5f8a24ee5aac90f4641d24a9ab9e61ed5637a10f549bcb857412307798068d5",
               "Gateway": "", "IPAddress": "", "IPPrefixLen": 0, "IPv6Gateway": "",
               "GlobalIPv6Address": "", "GlobalIPv6PrefixLen": 0, "MacAddress": "", "DriverOpts": null}
    }
  }
})json";

inline constexpr std::string_view inspect_healthy = R"json({
  "Id": "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90",
  "Name": "/healthy_one",
  "State": {
    "Status": "running", "Running": true, "Paused": false, "Restarting": false, "OOMKilled": false, "Dead": false,
    "Pid": 23143, "ExitCode": 0, "Error": "",
    "StartedAt": "2026-11-24T16:06:45.581989757Z", "FinishedAt": "0001-01-01T00:00:00Z",
    "Health": {
      "Status": "healthy",
      "FailingStreak": 0,
      "Log": [
        {"Start": "2026-11-24T16:07:11.507995833Z", "End": "2026-11-24T16:07:11.541566504Z", "ExitCode": 0, "Output": ""},
        {"Start": "2026-11-24T16:07:12.543462239Z", "End": "2026-11-24T16:07:12.576609047Z", "ExitCode": 0, "Output": ""}
      ]
    }
  },
  "Config": {"Healthcheck": {"Test": ["CMD-SHELL", "test -e /tmp/ok"], "Interval": 1000000000, "Retries": 2},
             "ExposedPorts": {"143/tcp": {}}, "Labels": {"traefik.enable": "true"}},
  "HostConfig": {"NetworkMode": "mail_proxy"},
  "NetworkSettings": {"Ports": {"143/tcp": null},
                      "Networks": {"mail_proxy": {"IPAddress": "172.18.0.3"}}}
})json";

/// Published ports (-p 32525:25 -p 127.0.0.1:34650:465 --expose 587), on the default bridge.
inline constexpr std::string_view inspect_published = R"json({
  "Id": "0f0e0d0c0b0a09080706050403020100f0e0d0c0b0a09080706050403020100f",
  "Name": "/published",
  "State": {"Status": "running"},
  "Config": {"ExposedPorts": {"25/tcp": {}, "465/tcp": {}, "587/tcp": {}}, "Labels": {}},
  "HostConfig": {"NetworkMode": "default",
                 "PortBindings": {"25/tcp":[{"HostIp":"","HostPort":"32525"}], "465/tcp":[{"HostIp":"127.0.0.1","HostPort":"34650"}]}},
  "NetworkSettings": {
    "Ports": {"25/tcp":[{"HostIp":"0.0.0.0","HostPort":"32525"}], "465/tcp":[{"HostIp":"127.0.0.1","HostPort":"34650"}], "587/tcp":null},
    "Networks": {"bridge": {"NetworkID": "9c1f", "IPAddress": "172.17.0.2", "GlobalIPv6Address": ""}}
  }
})json";

/// Podman 4.3.1: Health always present with an empty status when there is no check.
inline constexpr std::string_view inspect_podman = R"json({
  "Id": "d00d",
  "Name": "/imap_1",
  "State": {"Status": "running", "Running": true, "Health": {"Status": "", "FailingStreak": 0, "Log": null}},
  "Config": {"Labels": null, "ExposedPorts": null},
  "HostConfig": {"NetworkMode": "bridge"},
  "NetworkSettings": {"Ports": {}, "Networks": {"mail_proxy": {"NetworkID": "mail_proxy", "EndpointID": "", "IPAddress": "10.88.0.5"}}}
})json";

inline constexpr std::string_view list_one = R"json([
{
  "Id": "e07d823beae7bc3a1c430afba6d75f8c38f3d256eb1c51989bfc589bb13ca321",
  "Names": ["/mail_mailserver_1"],
  "Image": "bb:research",
  "ImageID": "sha256:7bc936f6a36b8c2d5c2d973ec0d55f21400633cc90063e2916516aa361eac781",
  "Command": "sleep 3600",
  "Created": 1795536405,
  "Ports": [
    {"PrivatePort": 587, "Type": "tcp"}, {"PrivatePort": 993, "Type": "tcp"},
    {"PrivatePort": 25, "Type": "tcp"},  {"PrivatePort": 465, "Type": "tcp"}
  ],
  "Labels": {"com.docker.compose.project": "mail"},
  "State": "running",
  "Status": "Up 12 seconds",
  "HostConfig": {"NetworkMode": "mail_proxy"},
  "Mounts": []
}])json";

inline constexpr std::string_view version_docker = R"json({
  "Platform": {"Name": ""},
  "Components": [
    {"Name": "Engine", "Version": "20.10.24+dfsg1",
     "Details": {"ApiVersion": "1.41", "Arch": "amd64", "MinAPIVersion": "1.12", "Os": "linux"}},
    {"Name": "containerd", "Version": "1.6.20~ds1", "Details": {"GitCommit": "1.6.20~ds1-1+deb12u3"}}
  ],
  "Version": "20.10.24+dfsg1",
  "ApiVersion": "1.41",
  "MinAPIVersion": "1.12",
  "Os": "linux"
})json";

inline constexpr std::string_view version_podman = R"json({
  "Platform": {"Name": "linux/amd64/debian-12"},
  "Components": [{"Name": "Podman Engine", "Version": "4.3.1", "Details": {"APIVersion": "4.3.1"}}],
  "Version": "4.3.1", "ApiVersion": "1.41", "MinAPIVersion": "1.24"
})json";

inline constexpr std::string_view event_connect =
    R"json({"Type":"network","Action":"connect","Actor":{"ID":"041c9ea72104a4dfce757534429f043f6fd810fd3e433c10ef78fcc19641bd33","Attributes":{"container":"e07d823beae7bc3a1c430afba6d75f8c38f3d256eb1c51989bfc589bb13ca321","name":"mail_proxy","type":"bridge"}},"scope":"local","time":1795536405,"timeNano":1795536405029228323})json";

inline constexpr std::string_view event_die =
    R"json({"status":"die","id":"e07d823beae7bc3a1c430afba6d75f8c38f3d256eb1c51989bfc589bb13ca321","from":"bb:research","Type":"container","Action":"die","Actor":{"ID":"e07d823beae7bc3a1c430afba6d75f8c38f3d256eb1c51989bfc589bb13ca321","Attributes":{"exitCode":"137","image":"bb:research","name":"mail_mailserver_1","traefik.enable":"true"}},"scope":"local","time":1795536441,"timeNano":1795536441190159257})json";

inline constexpr std::string_view event_health =
    R"json({"Type":"container","Action":"health_status: healthy","Actor":{"ID":"a1b2","Attributes":{"name":"healthy_one"}},"scope":"local","time":1795536441,"timeNano":1795536441000000001})json";

inline constexpr std::string_view event_exec =
    R"json({"Type":"container","Action":"exec_start: /bin/sh -c test -e /tmp/ok","Actor":{"ID":"a1b2","Attributes":{}},"scope":"local","time":1,"timeNano":1})json";

}  // namespace captures
