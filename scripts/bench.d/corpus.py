#!/usr/bin/env python3
"""Writes the deterministic benchmark corpus: source files of several languages, access and
JSON-lines logs, minified bundles, with rare tokens (JWTs minted here, never committed).

usage: corpus.py OUTPUT-DIR SIZE-MB
"""
import base64, hashlib, hmac, json, os, random, sys

out, size_mb = sys.argv[1], int(sys.argv[2])
rng = random.Random(20261124)
target = size_mb * 1024 * 1024
written = 0

def b64(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

def jwt(i):
    header = b64(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    claims = {"sub": f"user-{i}", "iss": "https://auth.bench.example", "scope": rng.choice(["read:orders", "repo", "openid profile"]),
              "exp": 1_900_000_000 + i}
    payload = b64(json.dumps(claims, separators=(",", ":")).encode())
    key = hashlib.sha256(f"bench-key-{i}".encode()).digest()
    signature = b64(hmac.new(key, f"{header}.{payload}".encode(), hashlib.sha256).digest())
    return f"{header}.{payload}.{signature}"

tokens = [jwt(i) for i in range(64)]
words = ("request response handler config value user order item account token session cache retry timeout "
         "client server router service metrics logger bearer authorization header payload status error").split()

def write(path, text):
    global written
    full = os.path.join(out, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "w") as f:
        f.write(text)
    written += len(text)

def code_line(lang):
    a, b, c = rng.choice(words), rng.choice(words), rng.randrange(10000)
    return {
        "js": f"  const {a}{c} = await {b}.fetch(`/api/{a}/${{id}}`, {{ retries: {c % 7} }});",
        "py": f"    {a}_{c} = self.{b}.get('{a}', {c})  # {rng.choice(words)}",
        "go": f"\t{a}{c}, err := {b}.Load(ctx, \"{a}\", {c})",
        "java": f"        final var {a}{c} = {b}Service.find{a.capitalize()}({c}L);",
        "yaml": f"  {a}_{c}: \"{b}-{c}\"",
    }[lang]

# Source tree: many small files (about a third of the corpus).
file_index = 0
while written < target * 0.3:
    lang = rng.choice(["js", "py", "go", "java", "yaml"])
    lines = [code_line(lang) for _ in range(rng.randrange(40, 400))]
    if file_index % 500 == 7:
        lines.insert(rng.randrange(len(lines)), f'  "Authorization": "Bearer {rng.choice(tokens)}",')
    if file_index % 50 == 3:
        lines.insert(rng.randrange(len(lines)), '  headers: { Authorization: `Bearer ${token}` },  // placeholder')
    write(f"src/pkg{file_index % 97}/mod{file_index}.{lang}", "\n".join(lines) + "\n")
    file_index += 1

# Minified bundles: very long lines.
for n in range(4):
    parts = [f"function {rng.choice(words)}{i}(a,b){{return a.{rng.choice(words)}(b,{i})}}" for i in range(40000)]
    if n == 2:
        parts.insert(20000, f'var t="{rng.choice(tokens)}"')
    write(f"dist/bundle{n}.min.js", ";".join(parts) + "\n")

# Logs: the rest, in 64 MB files, alternating access logs and JSON lines.
log = 0
while written < target:
    lines = []
    size = 0
    while size < 64 * 1024 * 1024 and written + size < target:
        i = rng.randrange(1_000_000)
        if log % 2 == 0:
            query = f"&access_token={rng.choice(tokens)}" if i % 20000 == 0 else ""
            line = (f'10.{i % 256}.{i % 199}.{i % 97} - - [24/Nov/2026:10:{i % 60:02d}:{i % 59:02d} +0000] '
                    f'"GET /api/v1/{rng.choice(words)}/{i}?page={i % 50}{query} HTTP/1.1" {rng.choice([200, 200, 200, 404, 500])} {i % 9000} '
                    f'"-" "Mozilla/5.0 (X11; Linux x86_64)"')
        else:
            auth = f', "authorization": "Bearer {rng.choice(tokens)}"' if i % 20000 == 1 else ""
            line = json.dumps({"ts": f"2026-11-24T10:{i % 60:02d}:00Z", "level": rng.choice(["info", "warn", "debug"]),
                               "msg": " ".join(rng.choice(words) for _ in range(6)), "status": 200, "latency_ms": i % 900}) [:-1] + auth + "}"
        lines.append(line)
        size += len(line) + 1
    write(f"logs/app-{log:03d}.{'log' if log % 2 == 0 else 'jsonl'}", "\n".join(lines) + "\n")
    log += 1

print(f"{written / 1e6:.0f} MB in {file_index + 4 + log} files")
