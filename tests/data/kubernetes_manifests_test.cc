// Keeps deploy/kubernetes/ in step with the code: the manifests cannot be applied here (no
// cluster), so each overlay (dev, prod) is rendered with `kubectl kustomize` and everything a
// cluster would reject late, or run wrongly, is checked statically:
//   - the gateway config in the ConfigMap parses as classplan.gateway.v1.GatewayConfig, has a
//     route for every service deploy/local/run.sh starts (same services and idempotent
//     methods as deploy/local/gateway.textproto), each a dns:/// target naming a headless
//     Service whose port is the Deployment's --listen port; the policy is the local one;
//   - every container argument is a flag its binary accepts (from `<binary> --helpfull`);
//   - probes, container ports and Service ports match --listen (probes: --health_listen when
//     set, which mutual TLS requires); probes are native gRPC with the route's health service;
//     resources are set; the grace period outlasts the drain;
//   - a server with a database gets PostgreSQL (--db_url_file read in place from a Secret
//     volume, no SQLite --db, no volume claim, no podAffinity), and a `migrate` init container
//     runs the same binary with the same file and --migrate_only; --catalog is the headless
//     catalog Service's dns:/// name; each Deployment has an autoscaler for 2+ replicas;
//   - the Dockerfile copies every binary and installs the package of every shared library
//     the binaries link against (ldd + dpkg -S).
// Each check collects problems as text, and the *CanFail tests feed it broken manifests.
// scripts/check-deploy.sh checks what needs no binary (security contexts, selectors, Secrets,
// NetworkPolicies, images) and the compose file.

#include <google/protobuf/text_format.h>
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "classplan/gateway/v1/config.pb.h"
#include "services/gateway/domain/policy.h"
#include "services/gateway/domain/settings.h"
#include "tests/data/deploy_files.h"

namespace {

namespace fs = std::filesystem;
namespace gw = classplan::gateway::v1;
using classplan::testing::AcceptedFlags;
using classplan::testing::BuildDir;
using classplan::testing::LaunchedService;
using classplan::testing::LaunchedServices;
using classplan::testing::ReadFile;
using classplan::testing::RunShell;
using classplan::testing::SourceDir;

struct Manifests {
  std::vector<YAML::Node> docs;
  const YAML::Node* Find(const std::string& kind, const std::string& name) const {
    for (const auto& d : docs) {
      if (d["kind"].as<std::string>("") == kind &&
          d["metadata"]["name"].as<std::string>("") == name) {
        return &d;
      }
    }
    return nullptr;
  }
};

const char* const kOverlays[] = {"dev", "prod"};

// One overlay as `kubectl kustomize` renders it (kubectl is a build dependency, like
// yaml-cpp: a missing one fails the test rather than skipping the check).
Manifests LoadManifests(const std::string& overlay) {
  Manifests m;
  std::string text =
      RunShell("kubectl kustomize '" +
               (SourceDir() / "deploy/kubernetes/overlays" / overlay).string() + "' 2>/dev/null");
  for (const YAML::Node& d : YAML::LoadAll(text)) {
    if (d.IsMap()) m.docs.push_back(d);
  }
  return m;
}

// The HorizontalPodAutoscaler of a Deployment, and its minimum (0 without one).
int MinReplicas(const Manifests& m, const std::string& name) {
  const YAML::Node* hpa = m.Find("HorizontalPodAutoscaler", name);
  if (hpa == nullptr || (*hpa)["spec"]["scaleTargetRef"]["name"].as<std::string>("") != name) {
    return 0;
  }
  return (*hpa)["spec"]["minReplicas"].as<int>(1);
}

// "--name=value" → name/value; nullopt when an argument is not in that form.
std::optional<std::pair<std::string, std::string>> SplitFlag(const std::string& arg) {
  static const std::regex re(R"(--([A-Za-z0-9_]+)=(.*))");
  std::smatch m;
  if (!std::regex_match(arg, m, re)) return std::nullopt;
  return std::make_pair(m[1].str(), m[2].str());
}

int PortOf(const std::string& host_port) {
  auto colon = host_port.rfind(':');
  return colon == std::string::npos ? -1 : std::atoi(host_port.c_str() + colon + 1);
}

int DurationSeconds(const std::string& d) {  // "10s" / "500ms"; -1 otherwise
  std::smatch m;
  static const std::regex re(R"((\d+)(s|ms))");
  if (!std::regex_match(d, m, re)) return -1;
  int v = std::stoi(m[1]);
  return m[2] == "s" ? v : (v + 999) / 1000;
}

// n[k1][k2]...; an undefined node (false, as<T>(fallback) = fallback) when a key is missing,
// where yaml-cpp's chained operator[] would throw.
YAML::Node At(const YAML::Node& n, std::initializer_list<const char*> path) {
  YAML::Node cur;
  cur.reset(n);
  for (const char* key : path) {
    if (!cur.IsMap() || !cur[key]) return YAML::Node(YAML::NodeType::Undefined);
    cur.reset(cur[key]);  // rebinds; "=" would overwrite the node it refers to
  }
  return cur;
}

struct Problems {
  std::vector<std::string> list;
  void Add(const std::string& what) { list.push_back(what); }
  std::string Text() const {
    std::string s;
    for (const auto& p : list) s += "  " + p + "\n";
    return s;
  }
};

// Checks one container's probes, ports, resources and grace period against its listen port
// and the port its probes must ask (`probe_port`: the health-only port, or the listen port).
void CheckContainer(const std::string& who, const YAML::Node& pod, const YAML::Node& c, int port,
                    int probe_port, const std::string& health_service, int drain_seconds,
                    Problems* p) {
  const std::string probe_port_name = probe_port == port ? "the listen port" : "the health port";
  for (const char* probe : {"readinessProbe", "livenessProbe"}) {
    const YAML::Node g = At(c, {probe, "grpc"});
    if (!g) {
      p->Add(who + ": " + probe + " is not a native grpc probe");
      continue;
    }
    if (g["port"].as<int>(-1) != probe_port) {
      p->Add(absl::StrCat(who, ": ", probe, " port ", g["port"].as<std::string>("?"), " is not ",
                          probe_port_name, " ", probe_port));
    }
  }
  if (!health_service.empty() &&
      At(c, {"readinessProbe", "grpc", "service"}).as<std::string>("") != health_service) {
    p->Add(who + ": readinessProbe service is not " + health_service);
  }
  if (c["startupProbe"] && At(c, {"startupProbe", "grpc", "port"}).as<int>(-1) != probe_port) {
    p->Add(who + ": startupProbe port is not " + probe_port_name);
  }
  for (int listed : {port, probe_port}) {
    bool port_listed = false;
    for (const auto& cp : c["ports"]) port_listed |= cp["containerPort"].as<int>(-1) == listed;
    if (!port_listed) p->Add(who + ": no containerPort " + std::to_string(listed));
  }
  for (const char* kind : {"requests", "limits"}) {
    for (const char* res : {"cpu", "memory"}) {
      if (!At(c, {"resources", kind, res})) {
        p->Add(who + ": resources." + kind + "." + res + " missing");
      }
    }
  }
  int sleep_seconds = 0;
  if (const YAML::Node cmd = At(c, {"lifecycle", "preStop", "exec", "command"});
      cmd && cmd.size() == 2 && cmd[0].as<std::string>() == "sleep") {
    sleep_seconds = cmd[1].as<int>(0);
  }
  int grace = pod["terminationGracePeriodSeconds"].as<int>(30);
  if (grace <= sleep_seconds + drain_seconds) {
    p->Add(who + ": terminationGracePeriodSeconds " + std::to_string(grace) +
           " does not outlast preStop + drain (" + std::to_string(sleep_seconds) + "s + " +
           std::to_string(drain_seconds) + "s)");
  }
}

// The headless Service of a backend: clusterIP None, selecting the Deployment's pods, port
// and targetPort = the listen port.
void CheckHeadlessService(const Manifests& m, const std::string& name, const YAML::Node& pod_labels,
                          int port, Problems* p) {
  const YAML::Node* svc = m.Find("Service", name);
  if (svc == nullptr) {
    p->Add(name + ": no Service");
    return;
  }
  if (At(*svc, {"spec", "clusterIP"}).as<std::string>("") != "None") {
    p->Add(name + ": Service is not headless (clusterIP: None)");
  }
  for (const auto& kv : (*svc)["spec"]["selector"]) {
    if (pod_labels[kv.first.as<std::string>()].as<std::string>("") != kv.second.as<std::string>()) {
      p->Add(name + ": Service selector does not match the Deployment's pods");
    }
  }
  const YAML::Node ports = (*svc)["spec"]["ports"];
  if (!ports || ports.size() != 1 || ports[0]["port"].as<int>(-1) != port ||
      ports[0]["targetPort"].as<int>(port) != port) {
    p->Add(name + ": Service port is not the listen port " + std::to_string(port));
  }
}

// A database on PostgreSQL: --db_url_file read from a Secret volume, no SQLite --db, no volume
// claim, no podAffinity, and a `migrate` init container running `binary` on the same file
// with --migrate_only.
void CheckDatabaseUrl(const std::string& name, const YAML::Node& pod, const YAML::Node& c,
                      const std::map<std::string, std::string>& args, Problems* p) {
  auto url_file = args.find("db_url_file");
  if (url_file == args.end()) {
    p->Add(name + ": no --db_url_file (PostgreSQL)");
    return;
  }
  if (args.count("db")) p->Add(name + ": --db (SQLite) in a cluster; replicas need PostgreSQL");
  const fs::path file(url_file->second);
  std::string volume;
  for (const auto& vm : c["volumeMounts"]) {
    if (vm["mountPath"].as<std::string>() == file.parent_path().string()) {
      volume = vm["name"].as<std::string>();
    }
  }
  // The file is read in place from a Secret volume (group-readable to the pod's fsGroup, which
  // the servers accept as their own group: no copy).
  bool from_secret = false;
  for (const auto& v : pod["volumes"]) {
    if (v["persistentVolumeClaim"]) p->Add(name + ": mounts a PersistentVolumeClaim");
    if (!v["secret"] || v["name"].as<std::string>() != volume) continue;
    for (const auto& item : v["secret"]["items"]) {
      from_secret |= item["path"].as<std::string>("") == file.filename().string();
    }
  }
  if (!from_secret) {
    p->Add(name + ": --db_url_file " + file.string() + " does not come from a Secret volume");
  }
  if (At(pod, {"affinity", "podAffinity"})) p->Add(name + ": podAffinity pins replicas together");
  bool migrates = false;
  for (const auto& init : pod["initContainers"]) {
    if (init["name"].as<std::string>("") != "migrate") continue;
    std::set<std::string> init_args;
    for (const auto& a : init["args"]) init_args.insert(a.as<std::string>());
    bool same_mount = false;
    for (const auto& vm : init["volumeMounts"]) {
      same_mount |= vm["name"].as<std::string>("") == volume &&
                    vm["mountPath"].as<std::string>("") == file.parent_path().string();
    }
    migrates =
        init["command"][0].as<std::string>("") == c["command"][0].as<std::string>("") &&
        init_args == std::set<std::string>{"--db_url_file=" + file.string(), "--migrate_only"} &&
        same_mount;
  }
  if (!migrates) {
    p->Add(name + ": no migrate init container running its binary with --db_url_file=" +
           file.string() + " --migrate_only");
  }
}

// Only the gateway (and other services) may reach a service: it trusts identity headers.
void CheckNetworkPolicy(const Manifests& m, const std::string& name, int port, Problems* p) {
  const YAML::Node* np = m.Find("NetworkPolicy", name + "-ingress");
  if (np == nullptr ||
      At(*np, {"spec", "podSelector", "matchLabels", "app"}).as<std::string>("") != name) {
    p->Add(name + ": no NetworkPolicy " + name + "-ingress selecting its pods");
    return;
  }
  bool gateway = false, port_ok = false;
  for (const auto& rule : (*np)["spec"]["ingress"]) {
    for (const auto& from : rule["from"]) {
      gateway |= At(from, {"podSelector", "matchLabels", "app"}).as<std::string>("") == "gateway";
    }
    for (const auto& pt : rule["ports"]) port_ok |= pt["port"].as<int>(-1) == port;
  }
  if (!gateway || !port_ok) {
    p->Add(name + ": NetworkPolicy does not admit the gateway on " + std::to_string(port));
  }
}

struct Inputs {
  std::vector<LaunchedService> launched;
  std::map<std::string, std::set<std::string>> flags;  // binary basename → accepted flags
  gw::GatewayConfig local_config;
  std::string local_policy;
};

std::string Basename(const std::string& path) { return fs::path(path).filename().string(); }

// Everything but the Dockerfile. Returns the problems found.
Problems CheckManifests(const Manifests& m, const Inputs& in) {
  Problems p;
  if (m.Find("Namespace", "classplan") == nullptr) p.Add("no Namespace classplan");
  for (const auto& d : m.docs) {
    std::string kind = d["kind"].as<std::string>("");
    if (kind == "Secret") p.Add("a Secret is committed; make it with gateway_keygen instead");
    if (kind != "Namespace" && d["metadata"]["namespace"].as<std::string>("") != "classplan") {
      p.Add(kind + " " + d["metadata"]["name"].as<std::string>("") +
            ": not in namespace classplan");
    }
  }

  // The gateway's config from its ConfigMap, and the route of each service.
  gw::GatewayConfig config;
  gw::PolicyFile policy;
  const YAML::Node* cm = m.Find("ConfigMap", "gateway-config");
  if (cm == nullptr) {
    p.Add("no ConfigMap gateway-config");
    return p;
  }
  std::string config_text = (*cm)["data"]["gateway.textproto"].as<std::string>("");
  std::string policy_text = (*cm)["data"]["gateway-policy.textproto"].as<std::string>("");
  if (!google::protobuf::TextFormat::ParseFromString(config_text, &config)) {
    p.Add("gateway.textproto in the ConfigMap does not parse as GatewayConfig");
  }
  if (!google::protobuf::TextFormat::ParseFromString(policy_text, &policy) ||
      policy.rule_size() == 0) {
    p.Add("gateway-policy.textproto in the ConfigMap does not parse as PolicyFile");
  }
  if (policy_text != in.local_policy) {
    p.Add("the ConfigMap's policy differs from deploy/local/gateway-policy.textproto");
  }
  std::map<std::string, const gw::Route*> routes;  // service → route
  for (const auto& r : config.route()) routes[r.service()] = &r;
  for (const auto& r : in.local_config.route()) {
    auto it = routes.find(r.service());
    if (it == routes.end()) {
      p.Add("no route for " + r.service() + " (deploy/local/gateway.textproto has one)");
      continue;
    }
    std::set<std::string> a(r.idempotent_method().begin(), r.idempotent_method().end());
    std::set<std::string> b(it->second->idempotent_method().begin(),
                            it->second->idempotent_method().end());
    if (a != b) p.Add(r.service() + ": idempotent methods differ from the local config");
  }

  for (const LaunchedService& s : in.launched) {
    const std::string who = "deployment " + s.name;
    const YAML::Node* dep = m.Find("Deployment", s.name);
    if (dep == nullptr) {
      p.Add(who + ": missing (run.sh starts " + s.name + ")");
      continue;
    }
    if (MinReplicas(m, s.name) < 2) p.Add(who + ": no autoscaler keeping 2+ replicas");
    const YAML::Node pod = (*dep)["spec"]["template"]["spec"];
    const YAML::Node c = pod["containers"][0];
    std::string command = c["command"][0].as<std::string>("");
    if (Basename(command) != Basename(s.binary)) {
      p.Add(absl::StrCat(who, ": runs ", command, ", run.sh runs ", s.binary));
    }
    const std::set<std::string>& accepted = in.flags.at(Basename(s.binary));
    std::map<std::string, std::string> args;
    for (const auto& a : c["args"]) {
      auto kv = SplitFlag(a.as<std::string>());
      if (!kv) {
        p.Add(who + ": argument \"" + a.as<std::string>() + "\" is not --flag=value");
      } else if (accepted.count(kv->first) == 0) {
        p.Add(who + ": " + Basename(s.binary) + " has no flag --" + kv->first);
      } else {
        args[kv->first] = kv->second;
      }
    }
    int port = args.count("listen") ? PortOf(args["listen"]) : -1;
    if (port <= 0 || args["listen"].rfind("0.0.0.0:", 0) != 0) {
      p.Add(who + ": needs --listen=0.0.0.0:<port> (other pods must reach it)");
    }
    // Its route: the one whose target is this Deployment's headless Service and port.
    std::string expected_target =
        "dns:///" + s.name + ".classplan.svc.cluster.local:" + std::to_string(port);
    std::string route_service;
    for (const auto& [service, route] : routes) {
      if (route->target() == expected_target) route_service = service;
    }
    if (route_service.empty())
      p.Add(absl::StrCat(who, ": no gateway route targets ", expected_target));
    int drain = args.count("drain_timeout") ? DurationSeconds(args["drain_timeout"]) : 10;
    // Over mutual TLS the kubelet's gRPC probes (no client certificate) need the health port.
    int probe_port = port;
    if (!args["health_listen"].empty()) {
      probe_port = PortOf(args["health_listen"]);
    } else if (!args["mtls_cert_file"].empty()) {
      p.Add(who + ": mutual TLS without --health_listen: the probes cannot present a certificate");
    }
    CheckContainer(who, pod, c, port, probe_port, route_service, drain, &p);
    CheckHeadlessService(m, s.name, (*dep)["spec"]["template"]["metadata"]["labels"], port, &p);
    CheckNetworkPolicy(m, s.name, port, &p);
    if (accepted.count("db")) CheckDatabaseUrl(s.name, pod, c, args, &p);
    static const std::regex catalog_re(R"(dns:///catalog\.classplan\.svc\.cluster\.local:(\d+))");
    std::smatch cm;
    if (args.count("catalog") &&
        (!std::regex_match(args["catalog"], cm, catalog_re) ||
         m.Find("Service", "catalog") == nullptr ||
         (*m.Find("Service", "catalog"))["spec"]["ports"][0]["port"].as<std::string>("") !=
             cm[1])) {
      p.Add(who + ": --catalog is not dns:/// of the catalog Service and port (every pod)");
    }
    if (args.count("data_dir") && args["data_dir"].rfind("/opt/classplan/data/", 0) == 0 &&
        !fs::is_directory(SourceDir() / "data" /
                          args["data_dir"].substr(std::string("/opt/classplan/data/").size()))) {
      p.Add(who + ": --data_dir " + args["data_dir"] + " is not a folder of data/");
    }
    for (const char* target_flag : {"catalog", "redis"}) {
      if (args.count(target_flag) &&
          args[target_flag].find(".classplan.svc.cluster.local:") == std::string::npos) {
        p.Add(who + ": --" + target_flag + " is not a classplan Service address");
      }
    }
  }
  if (routes.size() != static_cast<size_t>(in.local_config.route_size())) {
    p.Add("the ConfigMap has routes the local config does not");
  }
  for (const auto& [service, route] : routes) {
    std::smatch mt;
    static const std::regex re(R"(dns:///([a-z0-9-]+)\.classplan\.svc\.cluster\.local:(\d+))");
    if (!std::regex_match(route->target(), mt, re) || m.Find("Service", mt[1]) == nullptr) {
      p.Add(service + ": target " + route->target() + " is not a dns:/// name of a Service");
    }
  }

  // The gateway itself.
  const YAML::Node* dep = m.Find("Deployment", "gateway");
  if (dep == nullptr) {
    p.Add("no Deployment gateway");
    return p;
  }
  if (MinReplicas(m, "gateway") < 2) p.Add("gateway: no autoscaler keeping 2+ replicas");
  const YAML::Node pod = (*dep)["spec"]["template"]["spec"];
  const YAML::Node c = pod["containers"][0];
  const std::set<std::string>& accepted = in.flags.at("gateway_server");
  std::string config_path;
  for (const auto& a : c["args"]) {
    auto kv = SplitFlag(a.as<std::string>());
    if (!kv || accepted.count(kv->first) == 0) {
      p.Add("gateway: gateway_server does not accept \"" + a.as<std::string>() + "\"");
    } else if (kv->first == "config") {
      config_path = kv->second;
    }
  }
  int port = PortOf(config.listen());
  if (config.listen().rfind("0.0.0.0:", 0) != 0) p.Add("gateway: listen is not 0.0.0.0:<port>");
  CheckContainer("gateway", pod, c, port, port, "", DurationSeconds(config.drain_timeout()), &p);
  // Where the files land: the config and the policy in the ConfigMap's mount, the keys in
  // the Secret's.
  std::map<std::string, std::string> mounts;  // mountPath → volume source kind + name
  for (const auto& vm : c["volumeMounts"]) {
    for (const auto& v : pod["volumes"]) {
      if (v["name"].as<std::string>() != vm["name"].as<std::string>()) continue;
      if (v["configMap"])
        mounts[vm["mountPath"].as<std::string>()] =
            "configmap:" + v["configMap"]["name"].as<std::string>();
      if (v["secret"])
        mounts[vm["mountPath"].as<std::string>()] =
            "secret:" + v["secret"]["secretName"].as<std::string>();
    }
  }
  fs::path cfg(config_path);
  if (mounts[cfg.parent_path().string()] != "configmap:gateway-config" ||
      !(*cm)["data"][cfg.filename().string()]) {
    p.Add("gateway: --config " + config_path + " is not the ConfigMap's gateway.textproto");
  }
  fs::path policy_path = fs::path(config.policy_file()).is_absolute()
                             ? fs::path(config.policy_file())
                             : cfg.parent_path() / config.policy_file();
  if (mounts[policy_path.parent_path().string()] != "configmap:gateway-config" ||
      policy_path.filename() != "gateway-policy.textproto") {
    p.Add("gateway: policy_file is not the ConfigMap's gateway-policy.textproto");
  }
  fs::path keys(config.keys_file());
  if (mounts[keys.parent_path().string()].rfind("secret:", 0) != 0) {
    p.Add("gateway: keys_file " + config.keys_file() + " is not in a Secret volume");
  }
  const YAML::Node* svc = m.Find("Service", "gateway");
  bool public_port = false;
  if (svc != nullptr) {
    for (const auto& sp : (*svc)["spec"]["ports"]) {
      public_port |= sp["targetPort"].as<int>(-1) == port;
    }
    if (At(*svc, {"spec", "clusterIP"}).as<std::string>("") == "None") {
      p.Add("gateway: its Service should not be headless");
    }
  }
  if (!public_port) p.Add("gateway: no Service port for the public port " + std::to_string(port));
  if (config.redis() != "redis.classplan.svc.cluster.local:6379" ||
      m.Find("Service", "redis") == nullptr) {
    p.Add("gateway: redis is not the redis Service");
  }
  return p;
}

// CheckManifests, with a manifest shaped unlike the checks expect reported as a problem.
Problems Check(const Manifests& m, const Inputs& in) {
  try {
    return CheckManifests(m, in);
  } catch (const YAML::Exception& e) {
    Problems p;
    p.Add(std::string("a manifest is not shaped as expected: ") + e.what());
    return p;
  }
}

class KubernetesManifestsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    in_.launched = LaunchedServices();
    ASSERT_GE(in_.launched.size(), 4u) << "cannot read the services run.sh starts";
    std::vector<std::string> binaries = {"services/gateway/gateway_server"};
    for (const auto& s : in_.launched) binaries.push_back(s.binary);
    for (const auto& b : binaries) {
      auto flags = AcceptedFlags(BuildDir() / b);
      ASSERT_TRUE(flags.count("listen") && flags.count("drain_timeout"))
          << b << " --helpfull lists no --listen; is it built in " << BuildDir() << "?";
      in_.flags[Basename(b)] = flags;
    }
    ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(
        ReadFile(SourceDir() / "deploy/local/gateway.textproto"), &in_.local_config));
    in_.local_policy = ReadFile(SourceDir() / "deploy/local/gateway-policy.textproto");
    manifests_ = LoadManifests("dev");
    ASSERT_FALSE(manifests_.docs.empty())
        << "kubectl kustomize rendered nothing for deploy/kubernetes/overlays/dev";
  }
  // A document to break (SetUp reloads the manifests for every test).
  YAML::Node& Doc(const std::string& kind, const std::string& name) {
    for (auto& d : manifests_.docs) {
      if (d["kind"].as<std::string>("") == kind &&
          d["metadata"]["name"].as<std::string>("") == name) {
        d.reset(YAML::Clone(d));
        return d;
      }
    }
    ADD_FAILURE() << "no " << kind << " " << name;
    return manifests_.docs.front();
  }
  bool Reports(const std::string& needle) {
    Problems p = Check(manifests_, in_);
    for (const auto& s : p.list) {
      if (s.find(needle) != std::string::npos) return true;
    }
    ADD_FAILURE() << "expected a problem containing \"" << needle << "\", got:\n" << p.Text();
    return false;
  }
  Inputs in_;
  Manifests manifests_;
};

TEST_F(KubernetesManifestsTest, ManifestsMatchTheCode) {
  for (const char* overlay : kOverlays) {
    Manifests rendered = LoadManifests(overlay);
    ASSERT_FALSE(rendered.docs.empty()) << "kubectl kustomize rendered nothing for " << overlay;
    Problems p = Check(rendered, in_);
    EXPECT_TRUE(p.list.empty()) << "overlays/" << overlay << " drifted from the code:\n"
                                << p.Text();
  }
}

TEST_F(KubernetesManifestsTest, UnknownFlagCanFail) {
  Doc("Deployment", "payband")["spec"]["template"]["spec"]["containers"][0]["args"].push_back(
      "--database=/x.db");
  EXPECT_TRUE(Reports("payband_server has no flag --database"));
}

TEST_F(KubernetesManifestsTest, ProbePortCanFail) {
  Doc("Deployment",
      "catalog")["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]["grpc"]["port"] =
      50052;
  EXPECT_TRUE(Reports("catalog: readinessProbe port 50052"));
}

TEST_F(KubernetesManifestsTest, MutualTlsWithoutAHealthPortCanFail) {
  YAML::Node args =
      Doc("Deployment", "payband")["spec"]["template"]["spec"]["containers"][0]["args"];
  YAML::Node kept(YAML::NodeType::Sequence);
  for (const auto& a : args) {
    if (a.as<std::string>().rfind("--health_listen=", 0) != 0) kept.push_back(a);
  }
  Doc("Deployment", "payband")["spec"]["template"]["spec"]["containers"][0]["args"] = kept;
  EXPECT_TRUE(Reports("payband: mutual TLS without --health_listen"));
}

TEST_F(KubernetesManifestsTest, RouteAndServiceCanFail) {
  YAML::Node& cm = Doc("ConfigMap", "gateway-config");
  std::string text = cm["data"]["gateway.textproto"].as<std::string>();
  text.replace(text.find("appraisal.classplan"), 9, "appraisls");
  cm["data"]["gateway.textproto"] = text;
  EXPECT_TRUE(Reports("no gateway route targets dns:///appraisal."));
  Doc("Service", "eligibility")["spec"].remove("clusterIP");
  EXPECT_TRUE(Reports("eligibility: Service is not headless"));
}

TEST_F(KubernetesManifestsTest, ConfigAndPolicyCanFail) {
  YAML::Node& cm = Doc("ConfigMap", "gateway-config");
  cm["data"]["gateway.textproto"] =
      cm["data"]["gateway.textproto"].as<std::string>() + "\nno_such_setting: 1\n";
  cm["data"]["gateway-policy.textproto"] = "rule { method: \"/*\" public: true }\n";
  EXPECT_TRUE(Reports("does not parse as GatewayConfig"));
  EXPECT_TRUE(Reports("policy differs"));
}

TEST_F(KubernetesManifestsTest, GraceAndDatabaseCanFail) {
  YAML::Node& dep = Doc("Deployment", "appraisal");
  dep["spec"]["template"]["spec"]["terminationGracePeriodSeconds"] = 10;
  EXPECT_TRUE(Reports("appraisal: terminationGracePeriodSeconds 10 does not outlast"));
  dep["spec"]["template"]["spec"]["initContainers"][0]["args"][1] = "--migrate";
  EXPECT_TRUE(Reports("appraisal: no migrate init container"));
  for (auto v : Doc("Deployment", "catalog")["spec"]["template"]["spec"]["volumes"]) {
    if (v["name"].as<std::string>() != "db") continue;
    v.remove("secret");
    v["emptyDir"] = YAML::Node(YAML::NodeType::Map);
  }
  EXPECT_TRUE(Reports("catalog: --db_url_file /etc/classplan/db/url does not come from a Secret"));
  YAML::Node& payband = Doc("Deployment", "payband");
  payband["spec"]["template"]["spec"]["containers"][0]["args"].push_back("--db=/x/payband.db");
  EXPECT_TRUE(Reports("payband: --db (SQLite) in a cluster"));
}

TEST_F(KubernetesManifestsTest, ReplicasAndCatalogTargetCanFail) {
  Doc("HorizontalPodAutoscaler", "catalog")["spec"]["minReplicas"] = 1;
  EXPECT_TRUE(Reports("deployment catalog: no autoscaler keeping 2+ replicas"));
  YAML::Node args =
      Doc("Deployment", "eligibility")["spec"]["template"]["spec"]["containers"][0]["args"];
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i].as<std::string>().rfind("--catalog=", 0) == 0) {
      args[i] = "--catalog=catalog.classplan.svc.cluster.local:50051";
    }
  }
  EXPECT_TRUE(Reports("eligibility: --catalog is not dns:///"));
}

// Beyond parsing: the gateway's own loaders accept the ConfigMap's files (durations, route
// names, policy patterns), as gateway_server would at start.
TEST_F(KubernetesManifestsTest, GatewayLoadsTheConfigMapFiles) {
  const YAML::Node* cm = manifests_.Find("ConfigMap", "gateway-config");
  ASSERT_NE(cm, nullptr);
  fs::path dir = fs::path(::testing::TempDir()) / "k8s-gateway-config";
  fs::create_directories(dir);
  for (const char* file : {"gateway.textproto", "gateway-policy.textproto"}) {
    std::ofstream((dir / file).string()) << (*cm)["data"][file].as<std::string>();
  }
  auto settings = classplan::gateway::LoadSettings((dir / "gateway.textproto").string());
  ASSERT_TRUE(settings.ok()) << settings.status();
  EXPECT_EQ(settings->routes.size(), static_cast<size_t>(in_.local_config.route_size()));
  auto policy = classplan::gateway::Policy::Load(settings->policy_file);
  EXPECT_TRUE(policy.ok()) << policy.status();
  fs::remove_all(dir);
}

// The image: every binary a Deployment runs is copied in, and every shared library the
// binaries need comes from a package the runtime stage installs.
TEST_F(KubernetesManifestsTest, DockerfileHasEveryBinaryAndLibrary) {
  const std::string dockerfile = ReadFile(SourceDir() / "deploy/kubernetes/Dockerfile");
  ASSERT_NE(dockerfile.find("FROM debian:12"), std::string::npos);
  std::vector<std::string> binaries = {"services/gateway/gateway_server",
                                       "services/gateway/gateway_keygen"};
  for (const auto& s : in_.launched) binaries.push_back(s.binary);
  for (const auto& b : binaries) {
    EXPECT_NE(dockerfile.find("/src/out/" + b), std::string::npos) << b << " not copied";
  }
  for (const auto& d : manifests_.docs) {
    if (d["kind"].as<std::string>("") != "Deployment") continue;
    std::string command =
        d["spec"]["template"]["spec"]["containers"][0]["command"][0].as<std::string>("");
    if (command.rfind("/opt/classplan/bin/", 0) == 0) {
      EXPECT_NE(dockerfile.find("/" + Basename(command) + " "), std::string::npos)
          << command << " is not in the image";
    }
  }
  if (RunShell("command -v dpkg").empty() || RunShell("command -v ldd").empty()) {
    GTEST_SKIP() << "no dpkg/ldd to check the runtime packages";
  }
  std::set<std::string> libs;
  for (const auto& b : binaries) {
    std::istringstream lines(
        RunShell("ldd " + (BuildDir() / b).string() + " | awk '/=> \\//{print $3}'"));
    for (std::string lib; std::getline(lines, lib);) libs.insert(lib);
  }
  // One dpkg -S for all: ldd names /lib/...; with Debian's merged /usr, dpkg may know a
  // library as /usr/lib/... instead. Output lines: "package:arch: /path".
  std::string query = "dpkg -S";
  for (const auto& lib : libs) absl::StrAppend(&query, " '", lib, "' '/usr", lib, "'");
  std::map<std::string, std::string> owner;  // path → package
  std::istringstream lines(RunShell(query + " 2>/dev/null"));
  for (std::string line; std::getline(lines, line);) {
    auto sep = line.find(": /");
    if (sep != std::string::npos) owner[line.substr(sep + 2)] = line.substr(0, line.find(':'));
  }
  std::set<std::string> needed;
  for (const auto& lib : libs) {
    std::string package = owner.count(lib) ? owner[lib] : owner["/usr" + lib];
    if (package.empty()) {
      ADD_FAILURE() << "a server links " << lib << ", which no Debian package owns";
    } else if (package != "libc6" && package != "libgcc-s1" && package != "libstdc++6") {
      needed.insert(package);  // the three above are in every Debian base image
    }
  }
  ASSERT_TRUE(needed.count("libgrpc++1.51")) << "ldd / dpkg -S found no gRPC package";
  ASSERT_FALSE(needed.empty()) << "ldd found no libraries";
  for (const auto& package : needed) {
    EXPECT_TRUE(std::regex_search(
        dockerfile,
        std::regex("\\s" + std::regex_replace(package, std::regex(R"([+.])"), R"(\$&)") + "\\s")))
        << "the runtime stage does not install " << package;
  }
}

}  // namespace
