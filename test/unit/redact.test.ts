// Redaction masks a secret in every form it takes when printed: as written, JSON- and
// YAML-escaped, as a Python repr, shell-quoted (single and double) and URL-encoded.
import { expect } from 'chai';
import { stringify as yamlStringify } from 'yaml';
import { redact } from '../../engine/errors.js';
import { NASTY } from '../support/nasty-secret.js';


const pythonRepr = (s: string): string => {
  const q = s.includes("'") && !s.includes('"') ? '"' : "'";
  const body = s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n');
  return q + (q === "'" ? body.replace(/'/g, "\\'") : body) + q;
};

describe('redact', () => {
  const forms: Record<string, string> = {
    raw: NASTY,
    json: JSON.stringify({ pw: NASTY }),
    'json, ASCII only (Python json.dumps)': JSON.stringify(NASTY).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
    'yaml, double-quoted': yamlStringify({ pw: NASTY }, { defaultStringType: 'QUOTE_DOUBLE' }),
    'yaml, single-quoted': `pw: '${NASTY.replace(/'/g, "''")}'`,
    'python repr': `{'pw': ${pythonRepr(NASTY)}}`,
    "python repr of a secret with ' only": pythonRepr("it's-secret"),
    'shell, single-quoted': `echo '${NASTY.replace(/'/g, `'\\''`)}'`,
    'shell, single-quoted the other way': `echo '${NASTY.replace(/'/g, `'"'"'`)}'`,
    'shell, double-quoted': `echo "${NASTY.replace(/["\\$`]/g, '\\$&')}"`,
    'url-encoded': `postgresql://u:${encodeURIComponent(NASTY)}@db/x`,
    'form-encoded': `pw=${encodeURIComponent(NASTY).replace(/%20/g, '+')}`,
    'url-encoded, lower-case hex': `x=${encodeURIComponent(NASTY).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase())}`,
  };
  for (const [what, text] of Object.entries(forms)) {
    it(`masks the ${what} form`, () => {
      const secret = what.includes("' only") ? "it's-secret" : NASTY;
      const out = redact(text, [secret]);
      expect(out, out).to.include('********');
      // Nothing of the secret's tell-tale middle survives.
      expect(out).not.to.match(/w\\*ord|secret/);
    });
  }

  it('masks every line of a multi-line secret, as a diff shows it', () => {
    const key = '-----BEGIN KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nBKcwggSjAgEAAoIBAQC7\n-----END KEY-----';
    const diff = key.split('\n').map((l) => `+${l}`).join('\n');
    const out = redact(diff, [key]);
    expect(out).not.to.include('MIIEvQIBADANBgkqhkiG9w0BAQEFAASC');
    expect(out).not.to.include('BKcwggSjAgEAAoIBAQC7');
  });

  it('leaves text without secrets alone', () => {
    expect(redact('nothing to hide: "quoted" and \\escaped', [NASTY])).to.equal('nothing to hide: "quoted" and \\escaped');
  });
});
