#!/usr/bin/env python3
"""Checks the deployment files a platform team would apply (run by scripts/check-deploy.sh).

  check-deploy.py render OVERLAY_DIR RENDERED.yaml   checks one rendered kustomize overlay
  check-deploy.py compose COMPOSE.yaml [RENDERED.yaml] checks the compose file (flags against
                                                      the rendered manifests' flags)
  check-deploy.py self-test OVERLAY_DIR RENDERED.yaml COMPOSE.yaml
                                                      breaks copies in memory and expects each
                                                      break to be reported

Prints one line per problem and exits 1 when there is any. Python 3 standard library plus
PyYAML (Debian's python3-yaml). The deeper checks against the code (every flag a binary
accepts, the gateway config, ports, the Dockerfile's libraries) are the C++ unit test
tests/data/kubernetes_manifests_test.cc.
"""

import copy
import os
import re
import sys

import yaml

# Who may open a connection to whom (by the pods' `app` label): the services trust identity
# headers only the gateway signs; Redis and PostgreSQL serve their users only.
ALLOWED_CALLERS = {
    "catalog": {"gateway", "payband", "eligibility"},
    "payband": {"gateway"},
    "appraisal": {"gateway"},
    "eligibility": {"gateway"},
    "redis": {"gateway", "catalog", "payband", "eligibility"},
    "postgres": {"catalog", "payband", "appraisal", "eligibility"},
}
DATA_PORTS = {6379: "redis", 5432: "postgres"}
METRICS_PORT = 9090  # every service's Prometheus endpoint (--metrics_listen)
WORKLOAD_KINDS = {"Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob"}
CLASSPLAN_IMAGE = "classplan"  # the kustomize image name the base manifests use
STATEFUL = {"catalog", "payband", "appraisal", "eligibility"}  # the services with a database


def load_all(path):
    with open(path, encoding="utf-8") as f:
        return [d for d in yaml.safe_load_all(f) if isinstance(d, dict)]


def load_one(path):
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def name_of(doc):
    return f"{doc.get('kind')}/{doc.get('metadata', {}).get('name')}"


def pod_spec(doc):
    spec = doc.get("spec", {})
    if doc.get("kind") == "CronJob":
        spec = spec.get("jobTemplate", {}).get("spec", {})
    return spec.get("template", {}).get("spec", {}) or {}


def pod_labels(doc):
    spec = doc.get("spec", {})
    if doc.get("kind") == "CronJob":
        spec = spec.get("jobTemplate", {}).get("spec", {})
    return spec.get("template", {}).get("metadata", {}).get("labels", {}) or {}


def matches(selector, labels):
    """A label selector (matchLabels / matchExpressions, or a Service's plain map)."""
    if selector is None:
        return False
    plain = {k: v for k, v in selector.items() if k not in ("matchLabels", "matchExpressions")}
    want = dict(plain, **(selector.get("matchLabels") or {}))
    if any(labels.get(k) != v for k, v in want.items()):
        return False
    for e in selector.get("matchExpressions") or []:
        key, op, values = e.get("key"), e.get("operator"), e.get("values") or []
        if op == "In" and labels.get(key) not in values:
            return False
        if op == "NotIn" and labels.get(key) in values:
            return False
        if op == "Exists" and key not in labels:
            return False
        if op == "DoesNotExist" and key in labels:
            return False
    return True


def selected_apps(selector):
    """The `app` values a pod selector can select (None: any pod)."""
    if not selector or (not selector.get("matchLabels") and not selector.get("matchExpressions")):
        return None
    apps = set(ALLOWED_CALLERS) | {"gateway"}
    return {a for a in apps if matches(selector, {"app": a})}


def image_ref(img):
    """What one `images:` entry of a kustomization makes of its image name."""
    base = img.get("newName", img["name"])
    if img.get("digest"):
        return f"{base}@{img['digest']}"
    return f"{base}:{img['newTag']}" if img.get("newTag") else None


def kustomize_images(overlay_dir):
    """The image references the overlay's `images:` produce, and the classplan image's."""
    k = load_one(os.path.join(overlay_dir, "kustomization.yaml"))
    entries = k.get("images") or []
    refs = {image_ref(img) for img in entries} - {None}
    own = [image_ref(img) for img in entries if img["name"] == CLASSPLAN_IMAGE]
    return refs, own[0] if own else None


def check_container(who, c, is_init, problems):
    sc = c.get("securityContext") or {}
    if sc.get("allowPrivilegeEscalation") is not False:
        problems.append(f"{who}: allowPrivilegeEscalation is not false")
    if sc.get("readOnlyRootFilesystem") is not True:
        problems.append(f"{who}: readOnlyRootFilesystem is not true")
    caps = sc.get("capabilities") or {}
    if "ALL" not in (caps.get("drop") or []):
        problems.append(f"{who}: capabilities.drop lacks ALL")
    if caps.get("add"):
        problems.append(f"{who}: adds capabilities {caps['add']}")
    if sc.get("privileged"):
        problems.append(f"{who}: privileged")
    if sc.get("runAsUser") == 0 or sc.get("runAsNonRoot") is False:
        problems.append(f"{who}: runs as root")
    res = c.get("resources") or {}
    for kind in ("requests", "limits"):
        for r in ("cpu", "memory"):
            if not (res.get(kind) or {}).get(r):
                problems.append(f"{who}: resources.{kind}.{r} missing")
    if not is_init:
        for probe in ("readinessProbe", "livenessProbe"):
            if not c.get(probe):
                problems.append(f"{who}: no {probe}")


def check_workload(doc, docs, images, problems):
    who = name_of(doc)
    spec = pod_spec(doc)
    labels = pod_labels(doc)
    if spec.get("automountServiceAccountToken") is not False:
        problems.append(f"{who}: automountServiceAccountToken is not false")
    psc = spec.get("securityContext") or {}
    if psc.get("runAsNonRoot") is not True:
        problems.append(f"{who}: pod runAsNonRoot is not true")
    for field in ("runAsUser", "runAsGroup"):
        if not isinstance(psc.get(field), int) or psc.get(field) == 0:
            problems.append(f"{who}: pod {field} is not a non-zero number")
    if (psc.get("seccompProfile") or {}).get("type") != "RuntimeDefault":
        problems.append(f"{who}: seccompProfile is not RuntimeDefault")
    if spec.get("hostNetwork") or spec.get("hostPID") or spec.get("hostIPC"):
        problems.append(f"{who}: uses the host's namespaces")
    for v in spec.get("volumes") or []:
        if "hostPath" in v:
            problems.append(f"{who}: hostPath volume {v.get('name')}")
    # Secret files are read in place: never by others, and by the group only when it is the
    # containers' own (fsGroup = runAsGroup), the one exception the servers accept
    # (common/files/secret_file.h). Kubernetes' default mode is 0644.
    groups = {(c.get("securityContext") or {}).get("runAsGroup", psc.get("runAsGroup"))
              for c in (spec.get("containers") or []) + (spec.get("initContainers") or [])}
    for v in spec.get("volumes") or []:
        secret = v.get("secret")
        if secret is None:
            continue
        for mode in [secret.get("defaultMode", 0o644)] + [
                i["mode"] for i in secret.get("items") or [] if "mode" in i]:
            if mode & 0o007:
                problems.append(f"{who}: Secret volume {v.get('name')} mode {mode:04o} lets others read")
            elif mode & 0o070 and groups != {psc.get("fsGroup")}:
                problems.append(f"{who}: Secret volume {v.get('name')} is group-readable but fsGroup "
                                f"{psc.get('fsGroup')} is not the containers' group {sorted(map(str, groups))}")
    # Replicas pinned together (one node, one failure domain) defeat the replicas.
    affinity = spec.get("affinity") or {}
    if affinity.get("podAffinity"):
        problems.append(f"{who}: podAffinity pins replicas together")
    if (affinity.get("nodeAffinity") or {}).get("requiredDuringSchedulingIgnoredDuringExecution"):
        problems.append(f"{who}: required nodeAffinity pins it to nodes")
    if spec.get("nodeName") or spec.get("nodeSelector", {}).get("kubernetes.io/hostname"):
        problems.append(f"{who}: pinned to a node")
    containers = [(c, False) for c in spec.get("containers") or []]
    containers += [(c, True) for c in spec.get("initContainers") or []]
    if not spec.get("containers"):
        problems.append(f"{who}: no containers")
    for c, is_init in containers:
        cwho = f"{who} container {c.get('name')}"
        check_container(cwho, c, is_init, problems)
        image = c.get("image", "")
        if image not in images["all"]:
            problems.append(f"{cwho}: image {image} is not set by the overlay's kustomize images:")
        if image.endswith(":latest") or (":" not in image.rsplit("/", 1)[-1] and "@" not in image):
            problems.append(f"{cwho}: image {image} has no fixed tag")
    # The suite's own services: N replicas across nodes, disruption budget, autoscaler.
    if doc.get("kind") != "Deployment" or not any(
        c.get("image") == images.get("classplan") for c, _ in containers
    ):
        return
    keys = {
        t.get("topologyKey")
        for t in spec.get("topologySpreadConstraints") or []
        if matches(t.get("labelSelector"), labels)
    }
    for key in ("topology.kubernetes.io/zone", "kubernetes.io/hostname"):
        if key not in keys:
            problems.append(f"{who}: no topologySpreadConstraint on {key} over its own pods")
    if not any(d.get("kind") == "PodDisruptionBudget" and
               matches(d.get("spec", {}).get("selector"), labels) for d in docs):
        problems.append(f"{who}: no PodDisruptionBudget selects its pods")
    hpas = [d for d in docs if d.get("kind") == "HorizontalPodAutoscaler" and
            d.get("spec", {}).get("scaleTargetRef", {}).get("name") == doc["metadata"]["name"] and
            d.get("spec", {}).get("scaleTargetRef", {}).get("kind") == "Deployment"]
    if not hpas:
        problems.append(f"{who}: no HorizontalPodAutoscaler")
    for h in hpas:
        if h.get("apiVersion") != "autoscaling/v2":
            problems.append(f"{who}: its autoscaler is not autoscaling/v2")
        if (h["spec"].get("minReplicas") or 1) < 2:
            problems.append(f"{who}: its autoscaler allows fewer than 2 replicas")
        if not any(m.get("resource", {}).get("name") == "cpu" for m in h["spec"].get("metrics") or []):
            problems.append(f"{who}: its autoscaler does not scale on CPU")
    if "replicas" in doc.get("spec", {}):
        problems.append(f"{who}: sets replicas, which every apply would reset under its autoscaler")


def references(doc):
    """(kind, name, key or None) of every ConfigMap and Secret a workload's pods use."""
    spec = pod_spec(doc)
    out = []
    for v in spec.get("volumes") or []:
        if "configMap" in v:
            items = v["configMap"].get("items") or [{}]
            out += [("ConfigMap", v["configMap"].get("name"), i.get("key")) for i in items]
        if "secret" in v:
            items = v["secret"].get("items") or [{}]
            out += [("Secret", v["secret"].get("secretName"), i.get("key")) for i in items]
        for src in (v.get("projected") or {}).get("sources") or []:
            for kind, field in (("ConfigMap", "configMap"), ("Secret", "secret")):
                if field in src:
                    items = src[field].get("items") or [{}]
                    out += [(kind, src[field].get("name"), i.get("key")) for i in items]
    for c in (spec.get("containers") or []) + (spec.get("initContainers") or []):
        for e in c.get("env") or []:
            vf = e.get("valueFrom") or {}
            if "configMapKeyRef" in vf:
                out.append(("ConfigMap", vf["configMapKeyRef"]["name"], vf["configMapKeyRef"]["key"]))
            if "secretKeyRef" in vf:
                out.append(("Secret", vf["secretKeyRef"]["name"], vf["secretKeyRef"]["key"]))
        for ef in c.get("envFrom") or []:
            if "configMapRef" in ef:
                out.append(("ConfigMap", ef["configMapRef"]["name"], None))
            if "secretRef" in ef:
                out.append(("Secret", ef["secretRef"]["name"], None))
    for s in spec.get("imagePullSecrets") or []:
        out.append(("Secret", s.get("name"), None))
    return out


def check_references(docs, required, problems):
    config_maps = {d["metadata"]["name"]: d for d in docs if d.get("kind") == "ConfigMap"}
    required_keys = {s["name"]: set(s.get("keys") or []) for s in required}
    used = set()
    for doc in docs:
        if doc.get("kind") not in WORKLOAD_KINDS:
            continue
        for kind, name, key in references(doc):
            if kind == "ConfigMap":
                cm = config_maps.get(name)
                if cm is None:
                    problems.append(f"{name_of(doc)}: ConfigMap {name} is not in the overlay")
                elif key and key not in (cm.get("data") or {}):
                    problems.append(f"{name_of(doc)}: ConfigMap {name} has no key {key}")
            else:
                used.add(name)
                if name not in required_keys:
                    problems.append(f"{name_of(doc)}: Secret {name} is not in required-secrets.yaml")
                elif key and key not in required_keys[name]:
                    problems.append(f"{name_of(doc)}: Secret {name} key {key} is not in "
                                    "required-secrets.yaml")
    for name in sorted(set(required_keys) - used):
        problems.append(f"required-secrets.yaml: Secret {name} is used by no pod")


def check_network_policies(docs, problems):
    nps = [d for d in docs if d.get("kind") == "NetworkPolicy"]
    if not any(d["spec"].get("podSelector") in ({}, None) and
               set(d["spec"].get("policyTypes") or []) == {"Ingress", "Egress"} and
               not d["spec"].get("ingress") and not d["spec"].get("egress") for d in nps):
        problems.append("no default-deny NetworkPolicy (every pod, ingress and egress)")
    dns = False
    for np in nps:
        who = name_of(np)
        spec = np["spec"]
        targets = selected_apps(spec.get("podSelector"))
        for rule in spec.get("ingress") or []:
            sources = rule.get("from")
            ports = {p.get("port") for p in rule.get("ports") or []}
            if not sources:
                # From anywhere: only the gateway's public port.
                if targets != {"gateway"} or ports != {50050}:
                    problems.append(f"{who}: ingress from anywhere to {sorted(targets or ['*'])}")
                continue
            for src in sources:
                if "ipBlock" in src or "namespaceSelector" in src:
                    # From outside: a service's metrics port only, or the gateway's ports but
                    # its public one (which is open to all anyway).
                    if "namespaceSelector" in src and ports == {METRICS_PORT} and targets and \
                            targets <= STATEFUL:
                        continue
                    if targets != {"gateway"} or 50050 in ports or not ports:
                        problems.append(f"{who}: ingress from outside the namespace")
                    continue
                callers = selected_apps(src.get("podSelector"))
                for target in targets or {"*"}:
                    allowed = ALLOWED_CALLERS.get(target, set())
                    if callers is None or not callers <= allowed:
                        problems.append(f"{who}: lets {sorted(callers or ['*'])} reach {target}")
        for rule in spec.get("egress") or []:
            ports = {p.get("port") for p in rule.get("ports") or []}
            for dst in rule.get("to") or [{}]:
                if "namespaceSelector" in dst:
                    ns = dst["namespaceSelector"].get("matchLabels", {})
                    if ns.get("kubernetes.io/metadata.name") == "kube-system" and ports == {53}:
                        dns = True
                    else:
                        problems.append(f"{who}: egress to another namespace")
                    continue
                if "ipBlock" in dst:
                    # A managed data store: its users only, its port only.
                    stores = {DATA_PORTS.get(p) for p in ports}
                    if len(stores) != 1 or None in stores or targets is None or not targets <= \
                            ALLOWED_CALLERS[next(iter(stores))]:
                        problems.append(f"{who}: egress to an address block beyond a data store's "
                                        "users and port")
                    continue
                if "podSelector" not in dst:
                    problems.append(f"{who}: egress to anywhere")
                    continue
                for dest in selected_apps(dst.get("podSelector")) or {"*"}:
                    allowed = ALLOWED_CALLERS.get(dest, set())
                    if targets is None or not targets <= allowed:
                        problems.append(f"{who}: lets {sorted(targets or ['*'])} reach {dest}")
    if not dns:
        problems.append("no NetworkPolicy allows DNS (kube-system, port 53)")


def check_docs(overlay_dir, docs, problems, required=None):
    refs, own = kustomize_images(overlay_dir)
    images = {"all": refs, "classplan": own}
    if required is None:
        required = load_one(os.path.join(overlay_dir, "required-secrets.yaml")) or []
    namespaces = [d for d in docs if d.get("kind") == "Namespace"]
    if not namespaces:
        problems.append("no Namespace")
    for ns in namespaces:
        labels = ns["metadata"].get("labels") or {}
        if labels.get("pod-security.kubernetes.io/enforce") != "restricted":
            problems.append(f"{name_of(ns)}: pod-security.kubernetes.io/enforce is not restricted")
    workloads = []
    for d in docs:
        kind = d.get("kind")
        if kind == "Secret":
            problems.append(f"{name_of(d)}: a Secret is committed (make it with kubectl instead)")
        if kind in WORKLOAD_KINDS:
            workloads.append(d)
            check_workload(d, docs, images, problems)
    for d in docs:
        if d.get("kind") == "Service" and d.get("spec", {}).get("type") != "ExternalName":
            sel = d.get("spec", {}).get("selector")
            if not sel or not any(matches(sel, pod_labels(w)) for w in workloads):
                problems.append(f"{name_of(d)}: its selector matches no workload's pods")
        if d.get("kind") == "PodDisruptionBudget":
            if not any(matches(d["spec"].get("selector"), pod_labels(w)) for w in workloads):
                problems.append(f"{name_of(d)}: its selector matches no workload's pods")
        if d.get("kind") == "HorizontalPodAutoscaler":
            ref = d["spec"].get("scaleTargetRef", {})
            if not any(w["kind"] == ref.get("kind") and w["metadata"]["name"] == ref.get("name")
                       for w in workloads):
                problems.append(f"{name_of(d)}: scales a workload that is not in the overlay")
    check_references(docs, required, problems)
    check_network_policies(docs, problems)
    return problems


# --- compose ---------------------------------------------------------------------------------

FLAG_RE = re.compile(r"^--([A-Za-z0-9_]+)(=.*)?$")


def manifest_flags(docs):
    """Flags each binary gets in the rendered manifests (checked against --helpfull by the
    C++ test), by binary name."""
    out = {}
    for d in docs:
        if d.get("kind") not in WORKLOAD_KINDS:
            continue
        spec = pod_spec(d)
        for c in (spec.get("containers") or []) + (spec.get("initContainers") or []):
            cmd = c.get("command") or []
            if cmd and cmd[0].startswith("/opt/classplan/bin/"):
                binary = os.path.basename(cmd[0])
                for a in c.get("args") or []:
                    m = FLAG_RE.match(a)
                    if m:
                        out.setdefault(binary, set()).add(m.group(1))
    return out


def compose_flags(command):
    return {m.group(1): (m.group(2) or "=")[1:] for m in map(FLAG_RE.match, command[1:]) if m}


ROUTE_RE = re.compile(r"route\s*\{(.*?)\}", re.S)


def routes(textproto):
    """service -> (target, idempotent methods) of a GatewayConfig's route blocks."""
    out = {}
    for block in ROUTE_RE.findall(re.sub(r"#.*", "", textproto)):
        service = re.search(r'service:\s*"([^"]+)"', block)
        target = re.search(r'target:\s*"([^"]+)"', block)
        methods = set(re.findall(r'idempotent_method:\s*"([^"]+)"', block))
        if service:
            out[service.group(1)] = (target.group(1) if target else "", methods)
    return out


def check_compose_gateway(compose, compose_routes, local_routes):
    """The compose gateway's routes: the local config's services and idempotent methods, each
    a dns:/// name of a compose service on its --listen port."""
    problems = []
    services = compose.get("services") or {}
    if set(compose_routes) != set(local_routes):
        problems.append("compose gateway.textproto: routes differ from deploy/local's: "
                        f"{sorted(set(compose_routes) ^ set(local_routes))}")
    for service, (target, methods) in compose_routes.items():
        if service in local_routes and methods != local_routes[service][1]:
            problems.append(f"compose gateway.textproto: {service} idempotent methods differ "
                            "from deploy/local's")
        m = re.fullmatch(r"dns:///([a-z0-9-]+):(\d+)", target)
        listen = m and compose_flags(services.get(m.group(1), {}).get("command") or [""]).get(
            "listen", "")
        if not m or listen != f"0.0.0.0:{m.group(2)}":
            problems.append(f"compose gateway.textproto: {service} target {target} is not a "
                            "compose service's listen port")
    return problems


def check_compose(compose, docs=None):
    problems = []
    services = compose.get("services") or {}
    known = manifest_flags(docs) if docs else {}
    for want in ("redis", "postgres", "migrate", "catalog", "payband", "appraisal",
                 "eligibility", "gateway"):
        if want not in services:
            problems.append(f"compose: no service {want}")
    published = []
    for name, s in services.items():
        who = f"compose {name}"
        image = s.get("image", "")
        if not image or image.endswith(":latest") or \
                (":" not in image.rsplit("/", 1)[-1] and "@" not in image):
            problems.append(f"{who}: image {image!r} has no fixed tag")
        if name != "migrate" and not (s.get("healthcheck") or {}).get("test"):
            problems.append(f"{who}: no healthcheck")
        if s.get("privileged") or s.get("cap_add"):
            problems.append(f"{who}: privileged or added capabilities")
        if s.get("read_only") is not True:
            problems.append(f"{who}: root file system is not read_only")
        if "ALL" not in (s.get("cap_drop") or []):
            problems.append(f"{who}: cap_drop lacks ALL")
        deps = s.get("depends_on") or {}
        for dep, cond in (deps.items() if isinstance(deps, dict) else ((d, {}) for d in deps)):
            if dep not in services:
                problems.append(f"{who}: depends on unknown service {dep}")
                continue
            condition = (cond or {}).get("condition")
            if condition == "service_healthy" and not (services[dep].get("healthcheck") or {}):
                problems.append(f"{who}: waits for {dep} to be healthy, which has no healthcheck")
            if condition == "service_completed_successfully" and dep != "migrate":
                problems.append(f"{who}: waits for {dep} to complete, which is a server")
        for p in s.get("ports") or []:
            published.append((name, p))
        command = s.get("command") or []
        if command and isinstance(command, list) and command[0].startswith("/opt/classplan/bin/"):
            binary = os.path.basename(command[0])
            flags = compose_flags(command)
            for flag in flags:
                if known and flag not in known.get(binary, set()):
                    problems.append(f"{who}: --{flag} is not a flag the manifests give {binary}")
            if name in STATEFUL | {"eligibility"}:
                if (s.get("deploy") or {}).get("replicas") != 2:
                    problems.append(f"{who}: not two replicas (deploy.replicas)")
                if not flags.get("listen", "").startswith("0.0.0.0:"):
                    problems.append(f"{who}: --listen is not 0.0.0.0:<port>")
            if name in STATEFUL and "db_url_file" not in flags:
                problems.append(f"{who}: no --db_url_file (PostgreSQL)")
            if name in ("payband", "eligibility") and not flags.get("catalog", "").startswith(
                    "dns:///catalog:"):
                problems.append(f"{who}: --catalog is not dns:///catalog:<port> (every replica)")
            migrated = isinstance(deps, dict) and (deps.get("migrate") or {}).get(
                "condition") == "service_completed_successfully"
            if name in STATEFUL and not migrated:
                problems.append(f"{who}: does not wait for the migrations")
    if [n for n, _ in published] != ["gateway"]:
        problems.append(f"compose: published ports {published}; only the gateway's one port")
    redis_cmd = " ".join(str(x) for x in (services.get("redis") or {}).get("command") or [])
    if "user default off" not in redis_cmd:
        problems.append("compose redis: does not require a password (ACL user, default user off)")
    migrate = " ".join(str(x) for x in (services.get("migrate") or {}).get("command") or [])
    for binary in ("catalog_server", "payband_server", "appraisal_server"):
        if not re.search(binary + r" --db_url_file=\S+ --migrate_only", migrate):
            problems.append(f"compose migrate: does not run {binary} --db_url_file=... --migrate_only")
    return problems


# --- self-test -------------------------------------------------------------------------------


def find(docs, kind, name):
    for d in docs:
        if d.get("kind") == kind and d["metadata"]["name"] == name:
            return d
    raise KeyError(f"{kind}/{name}")


def self_test(overlay_dir, rendered, compose_path):
    docs = load_all(rendered)
    compose = load_one(compose_path)
    required = load_one(os.path.join(overlay_dir, "required-secrets.yaml"))
    failures = []

    def expect(label, mutate, needle, on_compose=False):
        d, c, r = copy.deepcopy(docs), copy.deepcopy(compose), copy.deepcopy(required)
        mutate(d, c, r)
        found = check_compose(c, d) if on_compose else check_docs(overlay_dir, d, [], r)
        if not any(needle in p for p in found):
            failures.append(f"self-test {label}: expected a problem with {needle!r}, got {found}")

    def container(d, name):
        return pod_spec(find(d, "Deployment", name))["containers"][0]

    expect("probe", lambda d, c, r: container(d, "payband").pop("livenessProbe"),
           "Deployment/payband container payband: no livenessProbe")
    expect("limits", lambda d, c, r: container(d, "gateway")["resources"].pop("limits"),
           "resources.limits.cpu missing")
    expect("root fs", lambda d, c, r: container(d, "catalog")["securityContext"].update(
        readOnlyRootFilesystem=False), "readOnlyRootFilesystem is not true")
    expect("capabilities", lambda d, c, r: pod_spec(find(d, "Deployment", "catalog"))[
        "initContainers"][0]["securityContext"].pop("capabilities"), "capabilities.drop lacks ALL")
    expect("seccomp", lambda d, c, r: pod_spec(find(d, "Deployment", "appraisal"))[
        "securityContext"].pop("seccompProfile"), "seccompProfile is not RuntimeDefault")
    expect("token", lambda d, c, r: pod_spec(find(d, "Deployment", "eligibility")).pop(
        "automountServiceAccountToken"), "automountServiceAccountToken is not false")
    expect("selector", lambda d, c, r: find(d, "Service", "catalog")["spec"]["selector"].update(
        app="catalogue"), "Service/catalog: its selector matches no workload")
    expect("configmap", lambda d, c, r: d.remove(find(d, "ConfigMap", "gateway-config")),
           "ConfigMap gateway-config is not in the overlay")
    expect("secret", lambda d, c, r: r.pop(), "is not in required-secrets.yaml")
    expect("pin", lambda d, c, r: pod_spec(find(d, "Deployment", "payband")).update(
        affinity={"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
            {"labelSelector": {"matchLabels": {"app": "payband"}},
             "topologyKey": "kubernetes.io/hostname"}]}}), "podAffinity pins replicas together")
    expect("spread", lambda d, c, r: pod_spec(find(d, "Deployment", "appraisal")).pop(
        "topologySpreadConstraints"), "no topologySpreadConstraint on kubernetes.io/hostname")
    expect("image", lambda d, c, r: container(d, "gateway").update(image="classplan:latest"),
           "is not set by the overlay's kustomize images")
    expect("hpa", lambda d, c, r: d.remove(find(d, "HorizontalPodAutoscaler", "catalog")),
           "Deployment/catalog: no HorizontalPodAutoscaler")
    expect("pdb", lambda d, c, r: d.remove(find(d, "PodDisruptionBudget", "payband")),
           "Deployment/payband: no PodDisruptionBudget")
    expect("default deny", lambda d, c, r: d.remove(find(d, "NetworkPolicy", "default-deny")),
           "no default-deny NetworkPolicy")
    expect("dns", lambda d, c, r: d.remove(find(d, "NetworkPolicy", "allow-dns")),
           "no NetworkPolicy allows DNS")
    expect("ingress", lambda d, c, r: find(d, "NetworkPolicy", "appraisal-ingress")["spec"][
        "ingress"][0]["from"].append({"podSelector": {"matchLabels": {"app": "eligibility"}}}),
        "lets ['eligibility'] reach appraisal")
    expect("namespace", lambda d, c, r: find(d, "Namespace", "classplan")["metadata"][
        "labels"].pop("pod-security.kubernetes.io/enforce"), "enforce is not restricted")
    expect("secret mode", lambda d, c, r: next(
        v for v in pod_spec(find(d, "Deployment", "catalog"))["volumes"] if v["name"] == "db")[
        "secret"].update(defaultMode=0o444), "Secret volume db mode 0444 lets others read")
    expect("secret group", lambda d, c, r: pod_spec(find(d, "Deployment", "payband"))[
        "securityContext"].update(fsGroup=2000), "Secret volume db is group-readable but fsGroup")
    expect("committed secret", lambda d, c, r: d.append(
        {"kind": "Secret", "metadata": {"name": "x"}}), "a Secret is committed")
    # The compose file.
    expect("compose replicas", lambda d, c, r: c["services"]["payband"]["deploy"].update(
        replicas=1), "compose payband: not two replicas", on_compose=True)
    expect("compose healthcheck", lambda d, c, r: c["services"]["catalog"].pop("healthcheck"),
           "compose catalog: no healthcheck", on_compose=True)
    expect("compose depends", lambda d, c, r: c["services"]["gateway"]["depends_on"].update(
        cataloge={"condition": "service_healthy"}), "depends on unknown service cataloge",
        on_compose=True)
    expect("compose flag", lambda d, c, r: c["services"]["appraisal"]["command"].append(
        "--database=/x"), "--database is not a flag", on_compose=True)
    expect("compose port", lambda d, c, r: c["services"]["catalog"].update(
        ports=["50051:50051"]), "only the gateway's one port", on_compose=True)
    if not check_compose_gateway(compose, {"x": ("dns:///catalogue:50051", set())},
                                 {"x": ("", {"GetJobClass"})}):
        failures.append("self-test compose routes: a wrong target and methods went unreported")
    expect("compose image", lambda d, c, r: c["services"]["redis"].update(image="redis"),
           "compose redis: image 'redis' has no fixed tag", on_compose=True)
    return failures


def main(argv):
    if len(argv) >= 4 and argv[1] == "render":
        problems = check_docs(argv[2], load_all(argv[3]), [])
    elif len(argv) >= 3 and argv[1] == "compose":
        compose = load_one(argv[2])
        problems = check_compose(compose, load_all(argv[3]) if len(argv) > 3 else None)
        here = os.path.dirname(os.path.abspath(argv[2]))
        with open(os.path.join(here, "gateway.textproto"), encoding="utf-8") as f:
            compose_routes = routes(f.read())
        with open(os.path.join(here, "../local/gateway.textproto"), encoding="utf-8") as f:
            local_routes = routes(f.read())
        problems += check_compose_gateway(compose, compose_routes, local_routes)
    elif len(argv) == 5 and argv[1] == "self-test":
        problems = self_test(argv[2], argv[3], argv[4])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
