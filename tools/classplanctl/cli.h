#ifndef CLASSPLAN_TOOLS_CLASSPLANCTL_CLI_H_
#define CLASSPLAN_TOOLS_CLASSPLANCTL_CLI_H_

// classplanctl's command tree (CLI11): the global flags, every command with its own flags and
// arguments, help, errors, --version and the bash completion script. Building and parsing
// the tree makes no call: parsing only picks the command's action, which main then runs
// with a Context (context.h). The commands register themselves (commands.h) through
// Cli::Group and Cli::Command, and add their flags through Node and Opt.
//
// Only cli.cc includes CLI11: the header-only library is large, and every other source of
// the CLI included it through this header, each paying about 12 s of CPU in CI's lint build
// (clang-tidy and the sanitized compile) for it (docs/reliability.md, "The cuts of stop 28").

#include <deque>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace classplan::ctl {

class Context;
class Cli;

// A flag or positional argument of a command (a CLI::Option). Each setter does what CLI11's
// of the same name does and returns this option, so a definition reads as a chain:
// command->add_option(...)->type_name("ID")->required().
class Opt {
 public:
  explicit Opt(CLI::Option* option) : option_(option) {}
  Opt* type_name(const std::string& name);
  Opt* required();
  Opt* capture_default_str();
  // The value must be one of `values` (CLI::IsMember).
  Opt* one_of(std::initializer_list<const char*> values);

 private:
  CLI::Option* option_;
};

// A command, or a group of commands, of the tree (a CLI::App). Values are bound by reference
// and must live as long as the tree (Cli::Keep).
class Node {
 public:
  Node(Cli* cli, CLI::App* app) : cli_(cli), app_(app) {}
  Opt* add_option(const std::string& name, std::string& value, const std::string& help);
  Opt* add_option(const std::string& name, int& value, const std::string& help);
  Opt* add_flag(const std::string& name, bool& value, const std::string& help);
  CLI::App* app() const { return app_; }

 private:
  Cli* cli_;
  CLI::App* app_;
};

// The gateway, where every target goes unless told otherwise.
inline constexpr char kGatewayTarget[] = "127.0.0.1:50050";

// The flags every command takes (given before or after the command words). A target flag is
// empty when not given: ResolveTarget decides.
struct GlobalFlags {
  std::string target;
  std::string payband_target;
  std::string appraisal_target;
  std::string eligibility_target;
  bool json = false;
  std::string timeout = "5s";
  std::string api_key;  // or env CLASSPLAN_API_KEY
  std::string tls_ca;   // or env CLASSPLAN_TLS_CA
  // or env CLASSPLAN_TLS_CERT / CLASSPLAN_TLS_KEY: a client certificate, for a service
  // called directly when the suite runs mutual TLS (with --tls_ca, its CA)
  std::string tls_cert;
  std::string tls_key;
  std::string principal;  // or env CLASSPLAN_PRINCIPAL
  std::string roles;      // or env CLASSPLAN_ROLES
  // or env CLASSPLAN_IDENTITY_KEY_FILE: sign an identity assertion for --principal / --roles
  // (a service called directly believes nothing else)
  std::string identity_key_file;
};

enum class Service { kCatalog, kPayband, kAppraisal, kEligibility };

// What a service is called in messages ("pay-band") and its target's flag and environment
// variable ("--payband_target", "CLASSPLAN_PAYBAND_TARGET"; the catalog's are the shared
// --target and CLASSPLAN_TARGET).
struct ServiceNames {
  const char* name;
  const char* flag;
  const char* env;
};
const ServiceNames& NamesOf(Service service);

// Reads an environment variable; "" when unset.
using EnvFn = std::function<std::string(const char*)>;
std::string ProcessEnv(const char* name);

// host:port to call for `service`. Command-line flags before the environment, the service's
// own before the shared one: its --<service>_target, --target, its CLASSPLAN_<SERVICE>_TARGET,
// CLASSPLAN_TARGET, then the gateway.
std::string ResolveTarget(const GlobalFlags& flags, Service service, const EnvFn& env);

// "--as-of=X" is "--as_of=X": flag names may be spelt with dashes (values are left alone);
// "--name=" becomes "--name" "" (an empty value).
std::vector<std::string> NormalizeFlagNames(std::vector<std::string> args);

// The whole tree. Not copyable: the options point into it.
class Cli {
 public:
  using Action = std::function<int(Context&)>;

  Cli();
  ~Cli();
  Cli(const Cli&) = delete;
  Cli& operator=(const Cli&) = delete;

  // Parses args (args[0] is the program). Returns the exit code when there is nothing to run
  // (help or --version printed to `out`: 0; a usage error printed to `err` as one line: 2),
  // nullopt when a command was chosen (command(), Run).
  std::optional<int> Parse(const std::vector<std::string>& args, std::ostream& out,
                           std::ostream& err);

  const GlobalFlags& flags() const { return flags_; }
  // The chosen command's words, e.g. "pay place".
  const std::string& command() const { return command_; }
  int Run(Context& context) const { return action_(context); }

  // `classplanctl completion bash`: a bash completion script generated from the tree.
  std::string BashCompletion() const;

  // The root of the tree (classplanctl itself).
  Node* root() { return root_; }

  // For the command files: a node that only groups commands, and a command that runs
  // `action` when chosen.
  Node* Group(Node* parent, const std::string& name, const std::string& help);
  Node* Command(Node* parent, const std::string& name, const std::string& help, Action action);
  // Keeps a command group's flag values alive as long as the tree.
  template <typename T>
  T* Keep(std::unique_ptr<T> values) {
    T* raw = values.get();
    kept_.push_back(std::shared_ptr<void>(std::move(values)));
    return raw;
  }

 private:
  friend class Node;
  Node* Wrap(CLI::App* app);
  Opt* Wrap(CLI::Option* option);

  std::unique_ptr<CLI::App> app_;
  std::deque<Node> nodes_;  // a deque: the pointers handed out stay valid as it grows
  std::deque<Opt> opts_;
  Node* root_;
  GlobalFlags flags_;
  std::string command_;
  Action action_;
  int chosen_ = 0;  // commands chosen by one command line (more than one is an error)
  std::vector<std::shared_ptr<void>> kept_;
};

// The words of `app` from the root, e.g. "classplanctl pay place".
std::string CommandPath(const CLI::App& app);

}  // namespace classplan::ctl

#endif  // CLASSPLAN_TOOLS_CLASSPLANCTL_CLI_H_
