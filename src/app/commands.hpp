#pragma once
// One function per sub-command; main() dispatches. Each returns the process exit code.

namespace sy::app {

int cmd_run(int argc, char** argv);          ///< the router (default command)
int cmd_version(int argc, char** argv);      ///< `switchyard version`
int cmd_rule_check(int argc, char** argv);   ///< `switchyard rule check ...` (argv starts after "check")
int cmd_healthcheck(int argc, char** argv);  ///< `switchyard healthcheck [--ping.entryPoint ...]`
int cmd_config_check(int argc, char** argv); ///< `switchyard config check ...` (argv starts after "check")

}  // namespace sy::app
