"""Throwaway certificates for tests, made with the openssl CLI in a test's temp dir."""

import os
import subprocess


def openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def make_ca(directory, name):
    """A self-signed CA: <name>.crt and <name>.key in directory."""
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", f"/CN={name}",
            "-keyout", f"{name}.key", "-out", f"{name}.crt", cwd=directory)


def make_cert(directory, ca, name, subject, server=False, client=True):
    """<name>.crt/.key signed by ca; subject like "/O=dev/CN=alice". A server certificate has
    SANs 127.0.0.1 and localhost; usages serverAuth and/or clientAuth."""
    usages = [u for u, on in (("serverAuth", server), ("clientAuth", client)) if on]
    ext = os.path.join(directory, f"{name}.ext")
    with open(ext, "w") as f:
        f.write("basicConstraints=CA:FALSE\n")
        f.write(f"extendedKeyUsage={','.join(usages)}\n")
        if server:
            f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", subject, "-keyout", f"{name}.key",
            "-out", f"{name}.csr", cwd=directory)
    openssl("x509", "-req", "-in", f"{name}.csr", "-CA", f"{ca}.crt", "-CAkey", f"{ca}.key",
            "-CAcreateserial", "-days", "2", "-extfile", ext, "-out", f"{name}.crt", cwd=directory)
