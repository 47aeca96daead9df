#!/usr/bin/env python3
"""Writes the seed corpora in fuzz/corpus/<target>/ from the tests' own inputs (string literals in the
test files, config/applianced.toml) plus a few synthesised binary seeds. Run by hand when tests gain
inputs worth seeding; the output is committed. Files are named by content hash, so reruns are idempotent."""
import hashlib, os, re, struct, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MAX_SEEDS, MAX_BYTES = 200, 4096

def literals(path):
    text = open(os.path.join(ROOT, path), encoding="utf-8").read()
    for m in re.finditer(r'"""\n(.*?)\n\s*"""', text, re.S):
        body = m.group(1)
        indent = min((len(l) - len(l.lstrip()) for l in body.split("\n") if l.strip()), default=0)
        yield "\n".join(l[indent:] for l in body.split("\n")) + "\n"
    for m in re.finditer(r'(?<!")"((?:[^"\\\n]|\\.)*)"(?!")', text):
        yield (m.group(1).replace("\\n", "\n").replace("\\t", "\t").replace('\\"', '"').replace("\\\\", "\\"))

def write(target, seeds):
    folder = os.path.join(ROOT, "fuzz", "corpus", target)
    os.makedirs(folder, exist_ok=True)
    kept = 0
    for seed in seeds:
        data = seed.encode() if isinstance(seed, str) else bytes(seed)
        if not data or len(data) > MAX_BYTES or kept >= MAX_SEEDS:
            continue
        name = hashlib.sha1(data).hexdigest()[:16]
        with open(os.path.join(folder, name), "wb") as f:
            f.write(data)
        kept += 1
    print(f"{target}: {kept} seeds")

def from_tests(paths, keep):
    return [s for p in paths for s in literals(p) if keep(s)]

def masked(opcode, payload, fin=True, key=b"\x01\x02\x03\x04"):
    n = len(payload)
    head = bytes([(0x80 if fin else 0) | opcode])
    head += bytes([0x80 | n]) if n < 126 else (bytes([0xFE]) + struct.pack(">H", n) if n < 65536 else bytes([0xFF]) + struct.pack(">Q", n))
    return head + key + bytes(b ^ key[i & 3] for i, b in enumerate(payload))

def bif(images, separation=1000):
    header = b"\x89BIF\r\n\x1a\n" + struct.pack("<III", 0, len(images), separation) + bytes(44)
    offset, index = 64 + 8 * (len(images) + 1), b""
    for i, image in enumerate(images):
        index += struct.pack("<II", i, offset)
        offset += len(image)
    index += struct.pack("<II", 0xFFFFFFFF, offset)
    return header + index + b"".join(images)

toml = from_tests(["Tests/ConfigTests/TOMLParserTests.swift", "Tests/ConfigTests/TOMLEditorTests.swift",
                   "Tests/ConfigTests/ConfigStoreTests.swift"], lambda s: "=" in s or s.startswith("["))
toml.append(open(os.path.join(ROOT, "config/applianced.toml")).read())
write("toml", toml)
write("cron", [bytes(8) + s.encode() for s in from_tests(["Tests/PreviewsTests/CronExpressionTests.swift"],
                                                            lambda s: 0 < len(s) < 80 and ("*" in s or "@" in s or " " in s))])
write("plex-xml", from_tests(["Tests/PlexTests/PlexXMLScannerTests.swift", "Tests/PlexTests/PlexServerClientTests.swift"],
                             lambda s: "<" in s))
write("json-body", from_tests(["Tests/APITests/" + f for f in sorted(os.listdir(os.path.join(ROOT, "Tests/APITests")))
                               if f.endswith(".swift")], lambda s: s.lstrip().startswith(("{", "["))) +
      ['{"thresholds":{"cpu":{"warning":70,"critical":90}},"notifications":{"email":false,"minLevel":"critical"}}',
       '{"url":"http://192.168.1.10:32400","token":"abc123"}', '[1, 2.5, -3e10, true, null, "\\u00e9"]'])
write("websocket", [masked(1, b"hello"), masked(2, bytes(200)), masked(9, b"ping"), masked(8, b"\x03\xe8bye"),
                    masked(1, b"frag", fin=False) + masked(0, b"ment"), masked(1, bytes(70000)[:300]),
                    masked(1, b'{"type":"subscribe"}') + masked(10, b"")])
write("bif", [bif([]), bif([b"\xff\xd8\xff\xd9"]), bif([b"\xff\xd8a\xff\xd9", b"\xff\xd8bb\xff\xd9"], 2000)])
paths = ["/", "/api/health", "/api/jobs/42", "/api/jobs/42/cancel", "/api/v1/settings/server/", "/api/ws", "/api/v1/jobs/",
         "//api//jobs", "/api/%2e%2e/jobs", "*"]
write("http-request", [f"{m} {p}\nHost: localhost\nX-Request-ID: abc-123\n" for m in ["GET", "POST", "DELETE", "OPTIONS"] for p in paths] +
      ["GET /api/ws?token=x\nUpgrade: websocket\nConnection: Upgrade\nSec-WebSocket-Version: 13\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\n",
       "DELETE /api/jobs/1\nAuthorization: Bearer fuzz-appliance-token\n", "POST /api/jobs/1/cancel\nX-Auth-Token: fuzz-appliance-token\n",
       "GET /api/setup/token-info\nX-Correlation-ID: a.b:c_d-e\n"])
# The engine's parser: the raw-byte cases of its wire tests, CRLF and all.
write("http-parser", [s.replace("\\r", "\r").replace("\\(json)", "Content-Type: application/json\r\n")
                      .replace("\\(smuggled)", "GET /api/hits HTTP/1.1\r\nHost: x\r\n\r\n")
                      for s in literals("Tests/APITests/WireTests.swift") if " HTTP/" in s and "\\r" in s])
