"""A hostile test body for the sandbox tests."""

# Reads every /proc/*/environ it can and prints the secret-looking variables hex-encoded (so that
# redaction of the raw value cannot hide a leak from these tests).
SPY = """\
import pathlib, socket, sys
seen, secrets = [], []
for proc in pathlib.Path("/proc").iterdir():
    if proc.name.isdigit():
        try:
            environ = (proc / "environ").read_bytes()
        except OSError:
            continue
        seen.append(proc.name)
        secrets += [v for v in environ.split(b"\\0") if b"SECRET" in v or b"KEY" in v]
print("PIDS", " ".join(sorted(seen)))
print("ENVIRON", b"|".join(secrets).hex())
try:
    socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=2)
    print("NETWORK open")
except OSError as exc:
    print("NETWORK closed", type(exc).__name__)
for path in sys.argv[2:]:
    try:
        print("READ", path, pathlib.Path(path).read_text()[:20])
    except OSError as exc:
        print("NOREAD", path, type(exc).__name__)
try:
    pathlib.Path(sys.argv[2]).with_name("written-from-sandbox").write_text("x")
    print("WROTE outside")
except OSError as exc:
    print("NOWRITE", type(exc).__name__)
"""
