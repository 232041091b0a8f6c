#!/usr/bin/env bash
# Makes the suite's mutual TLS files with the openssl CLI (docs/security.md, "Mutual TLS"):
#
#   deploy/mtls-certs.sh DIR SANS NAME...
#
# DIR/ca/ca.key, DIR/ca/ca.pem   the CA (made when missing or expiring within 30 days; its key
#                                stays in DIR/ca/, never in a Secret or a pod)
# DIR/ca.pem                     a copy of the CA certificate, what every process trusts
# DIR/<NAME>.pem, DIR/<NAME>.key one certificate and key per NAME (EC P-256, 90 days), for
#                                server and client use, with the subject alternative names SANS,
#                                in which "{name}" stands for NAME, e.g.
#                                "DNS:localhost,IP:127.0.0.1" (deploy/local/run.sh) or
#                                "DNS:{name}.classplan.svc.cluster.local,DNS:{name}" (Kubernetes)
#
# A certificate the CA still verifies and that is valid for another week is kept, so the
# script can run on every start. Everything it writes is 0600 in 0700 directories; then
# `kubectl create secret generic classplan-mtls --from-file=DIR` takes the top-level files
# only (no CA key).
set -euo pipefail
umask 077
if [ $# -lt 3 ]; then
  echo "usage: $0 DIR SANS NAME..." >&2
  exit 2
fi
DIR=$1
SANS=$2
shift 2
mkdir -p "$DIR/ca"
chmod 700 "$DIR" "$DIR/ca"
CA_KEY="$DIR/ca/ca.key"
CA_PEM="$DIR/ca/ca.pem"
if ! openssl x509 -in "$CA_PEM" -noout -checkend 2592000 >/dev/null 2>&1 || [ ! -s "$CA_KEY" ]; then
  openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$CA_KEY" -out "$CA_PEM" -days 365 -sha256 -subj "/CN=classplan suite CA" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
fi
cp "$CA_PEM" "$DIR/ca.pem"
for name in "$@"; do
  pem="$DIR/$name.pem" key="$DIR/$name.key"
  if [ -s "$key" ] && openssl verify -CAfile "$CA_PEM" "$pem" >/dev/null 2>&1 &&
    openssl x509 -in "$pem" -noout -checkend 604800 >/dev/null 2>&1; then
    continue
  fi
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$key.new" -out "$DIR/$name.csr" -subj "/CN=classplan-$name" 2>/dev/null
  printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature" \
    "extendedKeyUsage=serverAuth,clientAuth" "subjectAltName=${SANS//\{name\}/$name}" \
    >"$DIR/$name.ext"
  openssl x509 -req -in "$DIR/$name.csr" -CA "$CA_PEM" -CAkey "$CA_KEY" \
    -set_serial "0x$(openssl rand -hex 16)" -days 90 -sha256 -extfile "$DIR/$name.ext" \
    -out "$pem.new" 2>/dev/null
  rm -f "$DIR/$name.csr" "$DIR/$name.ext"
  # Each file replaced whole: a process re-reading them sees the old pair or the new one.
  mv "$key.new" "$key"
  mv "$pem.new" "$pem"
done
chmod 600 "$DIR"/*.pem "$DIR"/*.key "$CA_KEY" "$CA_PEM"
