#include "tools/classplanctl/cli.h"

#include <cstddef>
#include <cstdlib>
#include <iostream>
#include <utility>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "common/identity/assertion.h"
#include "common/tls/mtls.h"
#include "tools/classplanctl/commands.h"
#include "tools/classplanctl/context.h"

#ifndef CLASSPLAN_VERSION
#error "CLASSPLAN_VERSION is set by CMake from project(... VERSION ...)"
#endif

namespace classplan::ctl {
namespace {

constexpr char kGlobalFooter[] =
    "Global flags (--target and the per-service targets, --json, --timeout, --api_key, "
    "--tls_ca, --tls_cert, --tls_key, --principal, --roles) go before or after the command words: "
    "classplanctl "
    "--help.";

// The command chosen last on the parsed path (the root when none).
const CLI::App& Deepest(const CLI::App& root) {
  const CLI::App* app = &root;
  while (!app->get_subcommands().empty()) app = app->get_subcommands().front();
  return *app;
}

std::vector<std::string> SubcommandNames(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* sub : app.get_subcommands({})) names.push_back(sub->get_name());
  return names;
}

// "--as_of" and "-h" for every flag of `app` (positionals left out).
std::vector<std::string> FlagNames(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::Option* opt : app.get_options({})) {
    if (!opt->nonpositional()) continue;
    for (const auto& n : opt->get_lnames()) names.push_back("--" + n);
    for (const auto& n : opt->get_snames()) names.push_back("-" + n);
  }
  return names;
}

// One node of the completion script: its path and the words completed there.
void CompletionCases(const CLI::App& app, const std::string& path,
                     const std::vector<std::string>& global_flags, std::string* paths,
                     std::string* cases) {
  std::vector<std::string> flags = FlagNames(app);
  if (app.get_parent() != nullptr) {  // global flags are taken after command words too
    flags.insert(flags.end(), global_flags.begin(), global_flags.end());
  }
  absl::StrAppend(cases, "    \"", path, "\") cmds=\"", absl::StrJoin(SubcommandNames(app), " "),
                  "\"; flags=\"", absl::StrJoin(flags, " "), "\" ;;\n");
  for (const CLI::App* sub : app.get_subcommands({})) {
    const std::string sub_path = absl::StrCat(path, " ", sub->get_name());
    absl::StrAppend(paths, paths->empty() ? "" : " | ", "\"", sub_path, "\"");
    CompletionCases(*sub, sub_path, global_flags, paths, cases);
  }
}

bool IsDuration(const std::string& text) {
  absl::Duration d;
  return absl::ParseDuration(text, &d) && d > absl::ZeroDuration();
}

}  // namespace

const ServiceNames& NamesOf(Service service) {
  // In the order of Service.
  static constexpr ServiceNames kNames[] = {
      {"catalog", "--target", "CLASSPLAN_TARGET"},
      {"pay-band", "--payband_target", "CLASSPLAN_PAYBAND_TARGET"},
      {"appraisal", "--appraisal_target", "CLASSPLAN_APPRAISAL_TARGET"},
      {"eligibility", "--eligibility_target", "CLASSPLAN_ELIGIBILITY_TARGET"},
  };
  return kNames[static_cast<int>(service)];
}

std::string ProcessEnv(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? "" : v;
}

std::string ResolveTarget(const GlobalFlags& flags, Service service, const EnvFn& env) {
  const std::string* own = nullptr;
  if (service == Service::kPayband) own = &flags.payband_target;
  if (service == Service::kAppraisal) own = &flags.appraisal_target;
  if (service == Service::kEligibility) own = &flags.eligibility_target;
  if (own != nullptr && !own->empty()) return *own;
  if (!flags.target.empty()) return flags.target;
  for (const char* name : {NamesOf(service).env, NamesOf(Service::kCatalog).env}) {
    if (std::string v = env(name); !v.empty()) return v;
  }
  return kGatewayTarget;
}

std::vector<std::string> NormalizeFlagNames(std::vector<std::string> args) {
  for (size_t i = 1; i < args.size(); ++i) {
    std::string& arg = args[i];
    if (arg == "--") break;
    if (arg.size() <= 2 || arg.rfind("--", 0) != 0) continue;
    const size_t end = arg.find('=');
    for (size_t j = 2; j < arg.size() && j < end; ++j) {
      if (arg[j] == '-') arg[j] = '_';
    }
    // "--api_key=" (say, an unset variable) is an empty value; CLI11 would take the next
    // word as the value instead.
    if (end != std::string::npos && end + 1 == arg.size()) {
      arg.pop_back();
      args.insert(args.begin() + static_cast<std::ptrdiff_t>(i) + 1, "");
      ++i;
    }
  }
  return args;
}

Opt* Opt::type_name(const std::string& name) {
  option_->type_name(name);
  return this;
}

Opt* Opt::required() {
  option_->required();
  return this;
}

Opt* Opt::capture_default_str() {
  option_->capture_default_str();
  return this;
}

Opt* Opt::one_of(std::initializer_list<const char*> values) {
  option_->check(CLI::IsMember(values));
  return this;
}

Opt* Node::add_option(const std::string& name, std::string& value, const std::string& help) {
  return cli_->Wrap(app_->add_option(name, value, help));
}

Opt* Node::add_option(const std::string& name, int& value, const std::string& help) {
  return cli_->Wrap(app_->add_option(name, value, help));
}

Opt* Node::add_flag(const std::string& name, bool& value, const std::string& help) {
  return cli_->Wrap(app_->add_flag(name, value, help));
}

Opt* AddAsOfFlag(Node* command, std::string* as_of, const std::string& what) {
  return command->add_option("--as_of", *as_of, what)->type_name("YYYY-MM-DD");
}

Opt* AddJurisdictionFlag(Node* command, std::string* jurisdiction) {
  return command
      ->add_option("--jurisdiction", *jurisdiction,
                   "jurisdiction id (nm-spo), or a short name that starts exactly one (denver)")
      ->type_name("ID");
}

std::string CommandPath(const CLI::App& app) {
  std::string path = app.get_name();
  for (const CLI::App* p = app.get_parent(); p != nullptr; p = p->get_parent()) {
    path = absl::StrCat(p->get_name(), " ", path);
  }
  return path;
}

Cli::Cli()
    : app_(std::make_unique<CLI::App>(
          "classplanctl: the command-line client of classplan (job classes, pay bands, "
          "appraisals, eligibility)",
          "classplanctl")),
      root_(Wrap(app_.get())) {
  CLI::App& app = *app_;
  app.fallthrough();  // global flags after the command words too
  app.set_version_flag("--version", CLASSPLAN_VERSION, "print classplanctl's version and exit");
  app.add_option("--target", flags_.target,
                 "classplan endpoint of every command (env CLASSPLAN_TARGET; default the "
                 "gateway, 127.0.0.1:50050)")
      ->type_name("HOST:PORT");
  app.add_option("--payband_target", flags_.payband_target,
                 "pay commands: the pay-band service (env CLASSPLAN_PAYBAND_TARGET; default "
                 "--target)")
      ->type_name("HOST:PORT");
  app.add_option("--appraisal_target", flags_.appraisal_target,
                 "appraisal commands: the appraisal service (env CLASSPLAN_APPRAISAL_TARGET; "
                 "default --target)")
      ->type_name("HOST:PORT");
  app.add_option("--eligibility_target", flags_.eligibility_target,
                 "eligibility commands: the eligibility service (env "
                 "CLASSPLAN_ELIGIBILITY_TARGET; default --target)")
      ->type_name("HOST:PORT");
  app.add_flag("--json", flags_.json, "print responses as protobuf JSON (proto field names)");
  app.add_option("--timeout", flags_.timeout, "deadline of each call, e.g. 5s or 500ms")
      ->type_name("DURATION")
      ->capture_default_str()
      ->check(
          [](const std::string& v) { return IsDuration(v) ? "" : "not a duration such as 5s"; });
  app.add_option("--api_key", flags_.api_key, "API key presented to the gateway")
      ->type_name("KEY")
      ->envname("CLASSPLAN_API_KEY");
  app.add_option("--tls_ca", flags_.tls_ca, "PEM CA bundle: connect with TLS, trusting it")
      ->type_name("FILE")
      ->envname("CLASSPLAN_TLS_CA");
  app.add_option("--tls_cert", flags_.tls_cert,
                 "a service called directly under mutual TLS: PEM client certificate signed "
                 "by the suite's CA (with --tls_key and --tls_ca)")
      ->type_name("FILE")
      ->envname("CLASSPLAN_TLS_CERT");
  app.add_option("--tls_key", flags_.tls_key, "the PEM private key of --tls_cert")
      ->type_name("FILE")
      ->envname("CLASSPLAN_TLS_KEY");
  app.add_option("--principal", flags_.principal,
                 "a service called directly: who is calling (x-classplan-principal)")
      ->type_name("ID")
      ->envname("CLASSPLAN_PRINCIPAL");
  app.add_option("--roles", flags_.roles,
                 "a service called directly: the caller's roles, comma-separated "
                 "(supervisor, employee, hr_admin; x-classplan-roles)")
      ->type_name("ROLES")
      ->envname("CLASSPLAN_ROLES");
  app.add_option("--identity_key_file", flags_.identity_key_file,
                 "a service called directly: the identity key ring (0600) to sign an "
                 "assertion for --principal and --roles with, as the gateway does")
      ->type_name("FILE")
      ->envname("CLASSPLAN_IDENTITY_KEY_FILE")
      ->check([](const std::string& path) {
        auto keys = identity::KeyRing::Load(path);
        return keys.ok() ? std::string() : std::string(keys.status().message());
      });
  app.footer(
      "Exit codes: 0 ok, 1 other error, 2 usage, 3 not found, 4 invalid input or failed "
      "precondition, 5 unavailable or timed out, 6 conflict. Flag names may be spelt with "
      "dashes (--as-of is --as_of). Each command's --help lists its own flags.");

  AddCatalogCommands(*this);
  AddPayCommands(*this);
  AddAppraisalCommands(*this);
  AddEligibilityCommands(*this);
  AddAuditCommands(*this);

  auto* shell = Keep(std::make_unique<std::string>());
  Node* completion =
      Command(root_, "completion", "print a shell completion script (bash)", [this](Context&) {
        std::cout << BashCompletion();
        return 0;
      });
  completion->add_option("SHELL", *shell, "the shell: bash")->required()->one_of({"bash"});
}

Cli::~Cli() = default;

Node* Cli::Wrap(CLI::App* app) { return &nodes_.emplace_back(this, app); }

Opt* Cli::Wrap(CLI::Option* option) { return &opts_.emplace_back(option); }

Node* Cli::Group(Node* parent, const std::string& name, const std::string& help) {
  CLI::App* group = parent->app()->add_subcommand(name, help);
  group->footer(kGlobalFooter);
  return Wrap(group);
}

Node* Cli::Command(Node* parent, const std::string& name, const std::string& help, Action action) {
  CLI::App* command = parent->app()->add_subcommand(name, help);
  command->footer(kGlobalFooter);
  command->callback([this, command, action = std::move(action)] {
    ++chosen_;
    command_ = CommandPath(*command).substr(app_->get_name().size() + 1);
    action_ = action;
  });
  return Wrap(command);
}

std::optional<int> Cli::Parse(const std::vector<std::string>& raw, std::ostream& out,
                              std::ostream& err) {
  const std::vector<std::string> args = NormalizeFlagNames(raw);
  std::vector<const char*> argv;
  argv.reserve(args.size());
  for (const auto& a : args) argv.push_back(a.c_str());
  try {
    app_->parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app_->exit(e, out, err);  // --help, --version
    err << "error: " << e.what() << " (see " << CommandPath(Deepest(*app_)) << " --help)\n";
    return kUsageExit;
  }
  if (chosen_ == 1 && (!flags_.tls_cert.empty() || !flags_.tls_key.empty())) {
    auto checked = tls::CheckMtlsFiles({flags_.tls_cert, flags_.tls_key, flags_.tls_ca},
                                       {"--tls_cert", "--tls_key", "--tls_ca"});
    if (!checked.ok()) {
      err << "error: " << checked.status().message() << "\n";
      return kUsageExit;
    }
  }
  if (chosen_ == 1) return std::nullopt;
  const CLI::App& last = Deepest(*app_);
  if (chosen_ > 1) {
    err << "error: one command at a time (see " << CommandPath(last) << " --help)\n";
  } else {
    err << "error: " << CommandPath(last)
        << " needs a command: " << absl::StrJoin(SubcommandNames(last), ", ") << " (see "
        << CommandPath(last) << " --help)\n";
  }
  return kUsageExit;
}

std::string Cli::BashCompletion() const {
  std::vector<std::string> global_flags;
  for (const auto& f : FlagNames(*app_)) {
    if (f != "-h" && f != "--help" && f != "--version") global_flags.push_back(f);
  }
  std::string paths;
  std::string cases;
  CompletionCases(*app_, "", global_flags, &paths, &cases);
  return absl::StrCat(
      "# bash completion for classplanctl, generated from its command tree by\n"
      "# `classplanctl completion bash` (version ",
      CLASSPLAN_VERSION,
      ").\n"
      "_classplanctl() {\n"
      "  local cur=\"${COMP_WORDS[COMP_CWORD]}\" path=\"\" word i cmds flags\n"
      "  # The command words typed so far; flags and their values are skipped.\n"
      "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
      "    word=\"${COMP_WORDS[i]}\"\n"
      "    case \"$path $word\" in\n"
      "    ",
      paths,
      ") path=\"$path $word\" ;;\n"
      "    esac\n"
      "  done\n"
      "  case \"$path\" in\n",
      cases,
      "    *) return ;;\n"
      "  esac\n"
      "  if [[ \"$cur\" == -* ]]; then\n"
      "    mapfile -t COMPREPLY < <(compgen -W \"$flags\" -- \"$cur\")\n"
      "  else\n"
      "    mapfile -t COMPREPLY < <(compgen -W \"$cmds\" -- \"$cur\")\n"
      "  fi\n"
      "}\n"
      "complete -o default -F _classplanctl classplanctl\n");
}

}  // namespace classplan::ctl
