// An address's domain as people write it: each xn-- label decoded by RFC 3492 (Punycode), for display only.
// The stored address stays ASCII, and replies go to it. A label that does not decode is shown as it is; domains
// ignore letter case, so a decoded one is shown in lower case.

const BASE = 36;
const T_MIN = 1;
const T_MAX = 26;
const SKEW = 38;
const DAMP = 700;

function adapt(delta, points, first) {
  let scaled = first ? Math.floor(delta / DAMP) : Math.floor(delta / 2);
  scaled += Math.floor(scaled / points);
  let k = 0;
  for (; scaled > ((BASE - T_MIN) * T_MAX) / 2; k += BASE) scaled = Math.floor(scaled / (BASE - T_MIN));
  return k + Math.floor(((BASE - T_MIN + 1) * scaled) / (scaled + SKEW));
}

function digitOf(code) {
  if (code >= 0x30 && code <= 0x39) return code - 0x16; // 0-9 are 26-35
  if (code >= 0x41 && code <= 0x5a) return code - 0x41;
  if (code >= 0x61 && code <= 0x7a) return code - 0x61;
  throw new RangeError("not a Punycode digit");
}

// RFC 3492 section 6.2: the code points of one label's Punycode (without its xn-- prefix).
export function decodeLabel(encoded) {
  const delimiter = encoded.lastIndexOf("-");
  const output = [...encoded.slice(0, Math.max(delimiter, 0))].map((c) => c.codePointAt(0));
  let n = 0x80;
  let bias = 72;
  let i = 0;
  for (let at = delimiter > 0 ? delimiter + 1 : 0; at < encoded.length;) {
    const old = i;
    for (let w = 1, k = BASE; ; k += BASE) {
      if (at >= encoded.length) throw new RangeError("Punycode ends inside a number");
      const digit = digitOf(encoded.charCodeAt(at++));
      i += digit * w;
      const t = k <= bias ? T_MIN : k >= bias + T_MAX ? T_MAX : k - bias;
      if (digit < t) break;
      w *= BASE - t;
      if (i > 0x10ffff * (output.length + 1) || w > 0x7fffffff) throw new RangeError("Punycode out of range");
    }
    bias = adapt(i - old, output.length + 1, old === 0);
    n += Math.floor(i / (output.length + 1));
    i %= output.length + 1;
    if (n > 0x10ffff) throw new RangeError("Punycode out of range");
    output.splice(i++, 0, n);
  }
  return String.fromCodePoint(...output);
}

export function unicodeAddress(address) {
  const at = address.lastIndexOf("@");
  if (at < 0) return address;
  const labels = address.slice(at + 1).split(".").map((label) => {
    if (!/^xn--/i.test(label)) return label;
    let decoded = "";
    try { decoded = decodeLabel(label.slice(4).toLowerCase()); } catch { return label; }
    // An xn-- label stands for non-ASCII text: anything else is not what the domain's owner registered.
    return /[^\x00-\x7f]/.test(decoded) ? decoded : label;
  });
  return `${address.slice(0, at + 1)}${labels.join(".")}`;
}
