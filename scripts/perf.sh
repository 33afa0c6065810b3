#!/usr/bin/env bash
# Reproduces the end-to-end figures of docs/performance.md on this machine:
# start-up time, fleet audit of 100, 1000 and 3000 (1000 cameras thrice) with 50 ms
# latency, and the requests of a full apply next to the minimal hand-written
# curl sequence for the same hardening. Everything runs on loopback.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
go build -o "$work/mxwizard" ./cmd/mxwizard
mx="$work/mxwizard"

ms() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s%N); echo $(((e - s) / 1000000)); }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

if command -v hyperfine >/dev/null; then
  echo "== start-up (hyperfine, mean of many runs)"
  hyperfine -N --warmup 5 --style basic "$mx --version" "$mx audit --help" 2>&1 | grep -E "Benchmark|Time"
else
  echo "== start-up (median of 11, ms, including a fork of date; apt-get install hyperfine for finer)"
  for cmd in "--version" "audit --help"; do
    t=$(for _ in $(seq 11); do ms $mx $cmd; done | median)
    echo "mxwizard $cmd: $t ms"
  done
fi

echo "== fleet audit, 50 ms latency per response"
$mx simulate --count 1000 --latency 50ms --ip 127.2.0.1 --port-offset 31000 >"$work/sim.log" 2>&1 &
sleep 10
python3 - "$work" <<'PY'
import ipaddress, sys
a = ipaddress.ip_address('127.2.0.1')
for n in (100, 1000):
    open(f'{sys.argv[1]}/hosts{n}', 'w').write(''.join(f'https://{a+i}:31443\n' for i in range(n)))
PY
export MXWIZARD_PASSWORD=meinsm
cat "$work/hosts1000" "$work/hosts1000" "$work/hosts1000" >"$work/hosts3000" # 3000 entries
for n in 100 1000 3000; do
  /usr/bin/time -f "audit of $n cameras: %e s wall, max RSS %M KB" \
    $mx audit --hosts "$work/hosts$n" --accept-new --known-cameras "$work/known$n" --format json >"$work/audit$n.json" || true
done
kill %1 2>/dev/null || true; wait 2>/dev/null || true

echo "== requests: mxwizard apply versus a minimal curl script"
$mx simulate --ip 127.3.0.1 --port-offset 32000 --boot-time 1s --request-log "$work/req-mx.jsonl" >/dev/null 2>&1 &
$mx simulate --ip 127.3.0.2 --port-offset 32000 --boot-time 1s --request-log "$work/req-curl.jsonl" >/dev/null 2>&1 &
sleep 2
export MXWIZARD_BACKUP_PASSPHRASE='performance run passphrase'
$mx profile example >"$work/site.yaml"
$mx apply --profile "$work/site.yaml" --out "$work/out" --accept-new --known-cameras "$work/known-apply" \
  --format json https://127.3.0.1:32443 >"$work/apply.json" 2>/dev/null || true
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print('mxwizard apply: requests reported by apply:', d['cameras'][0]['requests'])" "$work/apply.json"
echo "mxwizard apply: requests seen by the camera: $(wc -l <"$work/req-mx.jsonl")"

# The same hardening by hand: one read, one batched write with store, the
# certificate upload, the reboot, the read-back, the download. No check of
# the old password, no re-pinning, no guards, no verification.
c=https://127.3.0.2:32443
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/k.pem" -out "$work/c.pem" -days 825 \
  -subj "/CN=camera/O=Site" -addext "subjectAltName=IP:127.3.0.2" >/dev/null 2>&1
cat "$work/c.pem" "$work/k.pem" >"$work/bundle.pem"
body=$'\nhelo\nwrite params\nusers/admin/password=N3w-Admin%21Pass-77\ngroups/operators=events,image,live,multiview,player\ngroups/viewers=live\nusers/operator1/group=operators\nusers/operator1/password=Op3rator%21Pass-88\naccess/PUBLIC=\nipaccess/RULES=allow%20127.0.0.1,allow%20192.168.1.0/255.255.255.0\nipaccess/NOMATCH=deny\nipaccess/ENABLE=1\nintrusion/THRESHOLD=5\nintrusion/NOTIFY=email\nintrusion/LOCKOUT=1\nintrusion/ENABLE=1\npageoptions/ROBOTS=forbid\nwebserver/AUTH=digest\nwebserver/HTTPS_PORT=8443\nwebserver/HTTP_ENABLE=0\nstorage/ENCRYPT_KEY=Rec0rding-Key-99\nmxmessage/ENABLE=0\nerrornotify/METHODS=email\nerrornotify/DEADTIME=5\nerrornotify/AFTER_REBOOT=1\nerrornotify/ENABLE=1\nstoragefailure/TESTS=lostevents,ping,transfer\nstoragefailure/NOTIFY=email\nstoragefailure/ENABLE=1\nupdate\nstore\nquit \n\n'
k=(-sk -o /dev/null)
curl "${k[@]}" -u admin:meinsm --data-binary $'\nhelo\nview configfile\nquit \n\n' $c/admin/remoteconfig
curl "${k[@]}" -u admin:meinsm --data-binary "$body" $c/admin/remoteconfig
curl "${k[@]}" --digest -u 'admin:N3w-Admin!Pass-77' -H 'Content-Type: multipart/form-data; boundary=b0undary' \
  --data-binary @<(printf -- '--b0undary\r\nContent-Disposition: form-data; name="some_file"; filename="httpd_cert.pem"\r\nContent-Type: application/x-x509-ca-cert\r\n\r\n'; cat "$work/bundle.pem"; printf -- '\r\n--b0undary--\r\n') \
  $c/config/camera/media
curl "${k[@]}" --digest -u 'admin:N3w-Admin!Pass-77' -X POST "$c/admin/rcontrol?action=reboot"
sleep 3
c2=https://127.3.0.2:40443
curl "${k[@]}" --digest -u 'admin:N3w-Admin!Pass-77' --data-binary $'\nhelo\nview configfile\nquit \n\n' $c2/admin/remoteconfig
curl "${k[@]}" --digest -u 'admin:N3w-Admin!Pass-77' $c2/admin/m1cam.cfg
echo "curl script: requests seen by the camera: $(wc -l <"$work/req-curl.jsonl") (6 commands; each Digest login costs a challenge round trip)"
