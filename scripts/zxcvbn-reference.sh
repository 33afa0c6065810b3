#!/usr/bin/env bash
# Regenerates internal/password/testdata/zxcvbn-reference.jsonl: how the
# reference zxcvbn 4.4.2 (Dropbox's JavaScript, from the npm registry) rates
# a corpus of passwords built to reach every matcher. TestRateEqualsReference
# holds mxwizard's password rating to exactly these answers.
#
# Needs node and npm. The first line of the file records the zxcvbn version
# and the reference year its date and year guesses were computed with.
#
#   scripts/zxcvbn-reference.sh             rewrite the reference ratings
#   scripts/zxcvbn-reference.sh --fuzz 10m  fuzz rate against the reference
#                                           itself (FuzzRateEqualsReference)
set -euo pipefail
cd "$(dirname "$0")/.."
out=internal/password/testdata/zxcvbn-reference.jsonl
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm init -y >/dev/null && npm install --no-audit --no-fund --silent zxcvbn@4.4.2 >/dev/null)
if [[ ${1:-} == --fuzz ]]; then
  MXWIZARD_ZXCVBN_NODE_MODULES="$work/node_modules" \
    go test -run '^$' -fuzz '^FuzzRateEqualsReference$' -fuzztime "${2:-1m}" ./internal/password
  exit
fi
cat >"$work/reference.js" <<'JS'
const zxcvbn = require("zxcvbn");
const lists = require("zxcvbn/lib/frequency_lists");

// A small deterministic generator (mulberry32), so the corpus is the same
// on every run.
let seed = 20261127;
function rand() {
  seed |= 0; seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (a) => a[Math.floor(rand() * a.length)];
const printable = Array.from({ length: 94 }, (_, i) => String.fromCharCode(33 + i)).join("");
const l33t = { a: "@4", e: "3", i: "1!|", o: "0", s: "$5", t: "7+", l: "1|7", g: "96", b: "8", z: "2", c: "({[<", x: "%" };
const leet = (w) => w.split("").map((c) => (l33t[c] && rand() < 0.7 ? pick(l33t[c]) : c)).join("");

const corpus = [
  "a", "aa", "password", "P@ssw0rd", "p4ssw0rd", "mobotix2024!A", "meinsm", "admin123", "Admin!2025",
  "qwerty", "qwertyuiop", "1qaz2wsx", "zxcvbn", "asdfghjkl;'", "QWERTY!@#", "7896321", "159753", "!@#$%^&*()",
  "aaaaaa", "abcabcabc", "aabaab", "aabaabaabaab", "12121212", "xyzxyzxyzxyz", "ababababa",
  "abcdef", "zyxwvu", "13579", "97531", "ABCDEF", "acegik", "0123456789",
  "1998", "2013", "19991231", "13.04.1998", "1/1/91", "11/11/1991", "2015_06_04", "111504", "1191", "9111",
  "04-13-1998", "1998-04-13", "31.12.2049", "0.0.0000", "12 12 12",
  "correcthorsebatterystaple", "Tr0ub4dor&3", "iloveyou!", "Kx7!mQp2vZr", "N3w-Admin!Pass-77",
  "M0b0t1x-Cam3ra!", "elbereth", "dr0wss4p", "drowssap", "rotomob", "P@$$w0rd1998", "c3r71f1c@710n",
];
for (const name of Object.keys(lists)) {
  const words = lists[name].slice(0, 5000);
  for (let k = 0; k < 20; k++) {
    const w = pick(words);
    corpus.push(
      w, w[0].toUpperCase() + w.slice(1), leet(w), w.split("").reverse().join(""),
      w + (1950 + Math.floor(rand() * 80)), w + "!" + Math.floor(rand() * 100), w.toUpperCase(),
      leet(w) + pick(words), w + pick(["qwer", "asdf", "1234", "4321", "zxcv", "!@#$"]),
    );
  }
}
// Random strings: any printable character; digits and date separators
// (dates, years, digit runs); look-alike symbols among letters (l33t).
for (const [alphabet, count, longest] of [
  [printable, 300, 30],
  ["0123456789./-_ ", 400, 12],
  ["0123456789", 200, 8],
  ["aeiolstgbzcx@4310!|7$5+%2896({[<", 400, 12],
  ["abcdefghijklmnopqrstuvwxyz", 100, 12],
]) {
  for (let k = 0; k < count; k++) {
    const n = 1 + Math.floor(rand() * longest);
    let s = "";
    for (let i = 0; i < n; i++) s += pick(alphabet);
    corpus.push(s);
  }
}

const userInputs = ["mobotix", "meinsm", "admin", "m73", "cam-lobby", "10.0.0.1"];
console.log(JSON.stringify({ zxcvbn: require("zxcvbn/package.json").version, reference_year: new Date().getFullYear(), user_inputs: userInputs }));
for (const pw of corpus) {
  for (const withInputs of [false, true]) {
    const r = zxcvbn(pw, withInputs ? userInputs : []);
    console.log(JSON.stringify({
      password: pw, user_inputs: withInputs, guesses: r.guesses, score: r.score,
      sequence: r.sequence.map((m) => [m.pattern, m.i, m.j]),
    }));
  }
}
JS
NODE_PATH="$work/node_modules" node "$work/reference.js" >"$out.tmp"
mv "$out.tmp" "$out"
echo "wrote $out: $(($(wc -l <"$out") - 1)) ratings"
