"""One emulated appliance for image-build/test.sh: qemu (TCG, never KVM) on a throw-away qcow2 overlay of
the image, the HTTP port forwarded to host loopback, ttyS0 logged to a file and ttyS1 (the image's test
console, enabled by a fw_cfg entry) driven through a unix socket."""

import base64
import ctypes
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request

OVMF_CODE = "/usr/share/OVMF/OVMF_CODE_4M.fd"
OVMF_VARS = "/usr/share/OVMF/OVMF_VARS_4M.fd"


class TestFailure(Exception):
    """A contract check failed; the message says what was expected and what was seen."""


def _die_with_parent():
    """In the qemu child: PR_SET_PDEATHSIG, so that a killed test leaves no emulator behind."""
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Console:
    """A root shell on the guest's ttyS1. Commands are framed by markers the shell prints with printf, so
    neither the tty echo nor kernel messages can be mistaken for output.

    A thread reads the socket from the moment it connects, whether or not a command waits: OVMF and GRUB
    write their console to every serial port, ttyS1 included, and an unread socket fills and holds the
    emulated UART, so the firmware, GRUB's menu and the kernel's early output crawl at the pace the test
    happens to read (11 s of a 44 s boot when the test only read while it waited for an answer)."""

    def __init__(self, path, log):
        self.path = path
        self.log = log
        self.sock = None
        self.buffer = b""
        self.counter = 0
        self.closed = False
        self.arrived = threading.Condition()
        self.reader = None
        # agetty's prompt has been on ttyS1 since the last connect: a shell can answer. Keys sent before
        # that reach the firmware and GRUB (their console reads every serial port) and stall the boot.
        self.login_seen = False

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(self.path)
        self.closed = False
        self.login_seen = False
        self.reader = threading.Thread(target=self._read_all, args=(self.sock,), daemon=True)
        self.reader.start()

    def _read_all(self, sock):
        while True:
            try:
                data = sock.recv(65536)
            except OSError:
                data = b""
            with self.arrived:
                if not data:
                    self.closed = True
                    self.arrived.notify_all()
                    return
                self.log.write(data)
                self.log.flush()
                self.login_seen = self.login_seen or b"login:" in self.buffer[-16:] + data
                self.buffer += data
                self.arrived.notify_all()

    def _read(self, timeout):
        """Waits up to `timeout` for more output; the caller holds `arrived`."""
        if self.closed:
            raise TestFailure("the emulator closed the test console")
        self.arrived.wait(timeout)

    def _send(self, text):
        self.sock.sendall(text.encode())

    def _expect(self, pattern, timeout):
        deadline = time.monotonic() + timeout
        regex = re.compile(pattern, re.S)
        with self.arrived:
            while True:
                match = regex.search(self.buffer)
                if match:
                    self.buffer = self.buffer[match.end():]
                    return match
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                self._read(min(remaining, 0.5))

    def try_ready(self, timeout):
        """Asks the shell to identify itself; True once a logged-in shell answers (after boot or reboot)."""
        self.counter += 1
        marker = self.counter
        # Ctrl-C first: bytes sent while agetty was starting can leave half a line (an open quote) behind.
        self._send("\x03")
        time.sleep(0.2)
        self._send(f"\nstty -echo 2>/dev/null; PS1=; PS2=; export TERM=dumb; printf '__READY_%s__\\n' {marker}\n")
        return self._expect(rf"__READY_{marker}__\r?\n".encode(), timeout) is not None

    def run(self, command, timeout=30, check=True):
        """Runs one shell command; returns (exit status, output with \\r\\n folded to \\n)."""
        self.counter += 1
        marker = self.counter
        self._send(
            f"printf '__BEGIN_%s__\\n' {marker}; {{ {command} ; }} 2>&1; printf '__END_%s_%s__\\n' {marker} $?\n"
        )
        match = self._expect(rf"__BEGIN_{marker}__\r?\n(.*?)__END_{marker}_(\d+)__\r?\n".encode(), timeout)
        if match is None:
            raise TestFailure(f"no answer within {timeout} s on the test console to: {command}")
        status = int(match.group(2))
        output = match.group(1).decode(errors="replace").replace("\r\n", "\n")
        if check and status != 0:
            raise TestFailure(f"guest command failed ({status}): {command}\n{output}")
        return status, output

    def read_file(self, path):
        """The file's bytes, or None when it does not exist."""
        status, output = self.run(f"test -f {path} && base64 -w0 {path}", check=False)
        if status != 0:
            return None
        return base64.b64decode(output.strip())

    def write_file_by_rename(self, path, data):
        """Writes the file the way an editor saves: a new file next to it, same owner and mode, renamed over it."""
        encoded = base64.b64encode(data).decode()
        staging = f"{path}.test-edit"
        self.run(f": > {staging}.b64")
        for start in range(0, len(encoded), 1024):
            self.run(f"printf '%s' '{encoded[start:start + 1024]}' >> {staging}.b64")
        self.run(
            f"base64 -d {staging}.b64 > {staging} && rm {staging}.b64 && chown --reference={path} {staging}"
            f" && chmod --reference={path} {staging} && mv -f {staging} {path}"
        )

    def close(self):
        if self.sock is not None:
            try:
                self.sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self.sock.close()
        if self.reader is not None:
            self.reader.join(timeout=5)
            self.reader = None


class Guest:
    """qemu-system-x86_64 -accel tcg booting a copy-on-write overlay of the image with UEFI (OVMF) or BIOS."""

    def __init__(self, image, out, firmware, memory_mib=1024, guest_port=80):
        self.image = os.path.abspath(image)
        self.out = out
        self.firmware = firmware
        self.memory_mib = memory_mib
        self.port = free_port()
        self.guest_port = guest_port
        # The emulated disk is bigger than the image, as a USB stick or NVMe drive would be.
        self.extra_disk = 1 << 30
        self.tmp = tempfile.mkdtemp(prefix="applianced-image-test-")
        self.serial_log = os.path.join(out, f"serial-{firmware}.log")
        self.console_log = open(os.path.join(out, f"serial-{firmware}-console.log"), "wb")
        self.console = Console(os.path.join(self.tmp, "console.sock"), self.console_log)
        self.process = None
        self.started = None

    def command(self):
        overlay = os.path.join(self.tmp, "disk.qcow2")
        if not os.path.exists(overlay):   # a power cycle boots the same disk again
            subprocess.run(
                ["qemu-img", "create", "-q", "-f", "qcow2", "-F", "raw", "-b", self.image, overlay,
                 str(os.path.getsize(self.image) + self.extra_disk)], check=True
            )
        args = [
            "qemu-system-x86_64", "-accel", "tcg", "-machine", "q35", "-cpu", "max", "-smp", "2",
            "-m", str(self.memory_mib), "-display", "none", "-nodefaults", "-no-user-config",
            "-drive", f"file={overlay},format=qcow2,if=none,id=disk",
            "-device", "virtio-blk-pci,drive=disk",
            "-netdev", f"user,id=net,hostfwd=tcp:127.0.0.1:{self.port}-:{self.guest_port}",
            "-device", "virtio-net-pci,netdev=net",
            "-serial", f"file:{self.serial_log}",
            "-chardev", f"socket,id=console,path={self.console.path},server=on,wait=off",
            "-serial", "chardev:console",
            "-fw_cfg", "name=opt/applianced/test-console,string=1",
        ]
        if self.firmware == "uefi":
            variables = os.path.join(self.tmp, "OVMF_VARS.fd")
            if not os.path.exists(variables):
                shutil.copyfile(OVMF_VARS, variables)
            args += [
                "-drive", f"if=pflash,format=raw,readonly=on,file={OVMF_CODE}",
                "-drive", f"if=pflash,format=raw,file={variables}",
            ]
        return args

    def start(self):
        self.process = subprocess.Popen(self.command(), stdin=subprocess.DEVNULL, preexec_fn=_die_with_parent)
        self.started = time.monotonic()
        deadline = time.monotonic() + 10
        while not os.path.exists(self.console.path):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise TestFailure(f"qemu did not start (exit status {self.process.poll()})")
            time.sleep(0.05)
        self.console.connect()

    def power_cycle(self):
        """Pulls the plug and boots the same disk again (a cold start, as after a power cut)."""
        if self.alive():
            self.process.kill()
            self.process.wait()
        self.console.close()
        if os.path.exists(self.console.path):
            os.unlink(self.console.path)
        self.console.buffer = b""
        if os.path.exists(self.serial_log):   # qemu truncates its serial file: keep the hang's log
            os.replace(self.serial_log, self.serial_log.replace(".log", "-before-power-cycle.log"))
        self.start()

    def alive(self):
        return self.process is not None and self.process.poll() is None

    def http(self, method, path, token=None, timeout=3):
        """(status, parsed JSON or text, headers); status 0 when nothing answered."""
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", method=method)
        if token is not None:
            request.add_header("X-Auth-Token", token)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                status, body, headers = response.status, response.read(), response.headers
        except urllib.error.HTTPError as error:
            status, body, headers = error.code, error.read(), error.headers
        except (urllib.error.URLError, OSError):
            return 0, None, {}
        try:
            return status, json.loads(body), headers
        except ValueError:
            return status, body.decode(errors="replace"), headers

    def serial_tail(self, lines=25):
        try:
            with open(self.serial_log, "rb") as log:
                text = log.read().decode(errors="replace")
        except OSError:
            return ""
        # Without the terminal's escape sequences: colours dropped, cursor moves (GRUB's menu) as line ends.
        text = re.sub(r"\x1b\[[0-9;?=]*([A-Za-z])", lambda m: "\n" if m.group(1) in "HJ" else "",
                      text.replace("\r", ""))
        return "\n".join([line.rstrip() for line in text.splitlines() if line.strip()][-lines:])

    def stop(self, timeout=60):
        """Powers the guest off through the console when it answers, else terminates qemu."""
        if self.alive():
            try:
                self.console.run("systemctl --no-block poweroff", timeout=10)
                self.process.wait(timeout=timeout)
            except (TestFailure, OSError, subprocess.TimeoutExpired):
                self.process.terminate()
                try:
                    self.process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait()
        self.console.close()
        self.console_log.close()
        shutil.rmtree(self.tmp, ignore_errors=True)
